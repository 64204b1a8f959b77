package io.kamacache.jcache;

import io.kamacache.store.Ticker;
import javax.cache.configuration.Configuration;

/** Reaches the provider's test-only seams from other modules' tests: a cache on a hand-moved clock, and the walker. */
public final class ManualClock {

  private ManualClock() {
  }

  /** Creates a cache whose expiry reads {@code ticker}. */
  public static <K, V> KamaCache<K, V> createCache(KamaCacheManager manager, String name,
      Configuration<K, V> configuration, Ticker ticker) {
    return manager.createCache(name, configuration, ticker);
  }

  /** Runs the TTL walker once over every cache of the manager's provider; returns what it removed. */
  public static int walk(KamaCacheManager manager) {
    return manager.threads().walker().runOnce();
  }
}
