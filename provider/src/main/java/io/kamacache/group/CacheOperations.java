package io.kamacache.group;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;

/**
 * Every operation the cache facade asks of a cache, with arguments already validated. The
 * {@link Group} implements it by running the operation; in cluster mode a router implements it by
 * sending each key to the Group of its owner. Either way the JSR-107 rules run in a Group.
 */
public interface CacheOperations<K, V> {

  V get(K key);

  /** A read for iteration: an access and a hit, but never a load. */
  V peek(K key);

  Map<K, V> getAll(Set<? extends K> keys);

  boolean containsKey(K key);

  /** Loads the keys through the cache loader, returning when they are stored. */
  void loadAll(Set<? extends K> keys, boolean replaceExisting);

  void put(K key, V value);

  V getAndPut(K key, V value);

  void putAll(Map<? extends K, ? extends V> entries);

  boolean putIfAbsent(K key, V value);

  boolean replace(K key, V value);

  V getAndReplace(K key, V value);

  boolean replace(K key, V oldValue, V newValue);

  boolean remove(K key);

  boolean remove(K key, V oldValue);

  V getAndRemove(K key);

  void removeAll(Set<? extends K> keys);

  void removeAll();

  void clear();

  <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments);

  /** Results for the keys whose processor returned a value or threw. */
  <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments);

  /** The keys at this moment. */
  Collection<K> keys();

  /**
   * How many entries the cache holds, counting expired ones the TTL walker has not removed yet;
   * in a cluster, the sum of what each member owns, so it may be off while keys move.
   */
  long size();
}
