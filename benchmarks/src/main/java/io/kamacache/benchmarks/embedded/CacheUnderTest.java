package io.kamacache.benchmarks.embedded;

/**
 * The operations a benchmark measures. Every provider is reached through {@code javax.cache};
 * the ConcurrentHashMap baseline is the one exception, and says so.
 */
interface CacheUnderTest<V> extends AutoCloseable {

  V get(Integer key);

  void put(Integer key, V value);

  /** Entries present now, counted by iterating, as a user would see them. */
  long size();

  @Override
  void close();
}
