package io.kamacache.group;

import javax.cache.Cache;

/** An immutable key and value, as handed to iterators and cache writers. */
public final class GroupEntry<K, V> implements Cache.Entry<K, V> {
  private final K key;
  private final V value;

  public GroupEntry(K key, V value) {
    this.key = key;
    this.value = value;
  }

  @Override public K getKey() {
    return key;
  }

  @Override public V getValue() {
    return value;
  }

  @Override public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a cache entry to " + clazz.getName());
  }

  @Override public String toString() {
    return key + "=" + value;
  }
}
