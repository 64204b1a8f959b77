package io.kamacache.event;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/** One event as a listener sees it: its own copies of the key and values. */
final class KamaCacheEntryEvent<K, V> extends CacheEntryEvent<K, V> {
  private static final long serialVersionUID = 1L;

  private final K key;
  private final V value;
  private final V oldValue;
  private final boolean oldValueAvailable;

  KamaCacheEntryEvent(Cache<K, V> source, EventType type, K key, V value, V oldValue,
      boolean oldValueAvailable) {
    super(source, type);
    this.key = key;
    this.value = value;
    this.oldValue = oldValue;
    this.oldValueAvailable = oldValueAvailable;
  }

  @Override public K getKey() {
    return key;
  }

  @Override public V getValue() {
    return value;
  }

  @Override public V getOldValue() {
    return oldValue;
  }

  @Override public boolean isOldValueAvailable() {
    return oldValueAvailable;
  }

  @Override public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a cache entry event to " + clazz.getName());
  }

  @Override public String toString() {
    return "CacheEntryEvent{" + getEventType() + ", key=" + key + ", value=" + value
        + ", oldValue=" + oldValue + "}";
  }
}
