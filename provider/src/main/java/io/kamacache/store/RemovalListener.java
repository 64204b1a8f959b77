package io.kamacache.store;

/**
 * Told about every entry the store removes on its own. It runs under the bucket's lock, so it must
 * be quick and must not block; the group uses it to queue events and count evictions.
 */
@FunctionalInterface
public interface RemovalListener<K, V> {
  void onRemoval(K key, V value, RemovalCause cause);
}
