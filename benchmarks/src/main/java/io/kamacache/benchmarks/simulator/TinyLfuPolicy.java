package io.kamacache.benchmarks.simulator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caffeine's W-TinyLFU, the best-known peer. The caller's-thread executor makes maintenance run
 * inline, so evictions happen at the access that causes them, as in the other policies.
 */
public final class TinyLfuPolicy implements Policy {
  private final Cache<Integer, Boolean> cache;

  public TinyLfuPolicy(int capacity) {
    cache = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
  }

  @Override
  public boolean access(Integer key) {
    if (cache.getIfPresent(key) != null) {
      return true;
    }
    cache.put(key, Boolean.TRUE);
    return false;
  }
}
