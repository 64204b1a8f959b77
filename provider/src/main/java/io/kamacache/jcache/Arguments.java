package io.kamacache.jcache;

import java.util.Objects;
import java.util.Set;

/** The checks the spec asks of every key and value a cache is given: not null, and of the configured types. */
final class Arguments<K, V> {

  private final String cache;
  private final Class<K> keyType;
  private final Class<V> valueType;

  Arguments(String cache, Class<K> keyType, Class<V> valueType) {
    this.cache = cache;
    this.keyType = keyType;
    this.valueType = valueType;
  }

  K key(K key) {
    Objects.requireNonNull(key, "a cache key may not be null");
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("cache '" + cache + "' takes keys of type " + keyType.getName()
          + ", not " + key.getClass().getName());
    }
    return key;
  }

  V value(V value) {
    Objects.requireNonNull(value, "a cache value may not be null");
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("cache '" + cache + "' takes values of type " + valueType.getName()
          + ", not " + value.getClass().getName());
    }
    return value;
  }

  <S extends Set<? extends K>> S keys(S keys) {
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      key(key);
    }
    return keys;
  }
}
