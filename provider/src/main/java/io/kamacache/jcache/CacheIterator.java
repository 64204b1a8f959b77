package io.kamacache.jcache;

import io.kamacache.group.CacheOperations;
import io.kamacache.group.GroupEntry;
import java.util.Iterator;
import java.util.NoSuchElementException;
import javax.cache.Cache;

/**
 * Walks a snapshot of the keys, reading each as it goes: entries removed or expired since the
 * snapshot are skipped, and each entry returned counts as an access.
 */
final class CacheIterator<K, V> implements Iterator<Cache.Entry<K, V>> {
  private final OpenState state;
  private final CacheOperations<K, V> operations;
  private final Iterator<K> keys;
  private Cache.Entry<K, V> next;
  private K lastKey;

  CacheIterator(OpenState state, CacheOperations<K, V> operations) {
    this.state = state;
    this.operations = operations;
    this.keys = operations.keys().iterator();
  }

  @Override
  public boolean hasNext() {
    state.requireOpen();
    while (next == null && keys.hasNext()) {
      K key = keys.next();
      V value = operations.peek(key);
      if (value != null) {
        next = new GroupEntry<>(key, value);
      }
    }
    return next != null;
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Cache.Entry<K, V> entry = next;
    next = null;
    lastKey = entry.getKey();
    return entry;
  }

  @Override
  public void remove() {
    state.requireOpen();
    if (lastKey == null) {
      throw new IllegalStateException("next() has not returned an entry to remove");
    }
    operations.remove(lastKey);
    lastKey = null;
  }
}
