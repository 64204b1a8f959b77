package io.kamacache.benchmarks.simulator;

import io.kamacache.store.Expiry;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.SystemTicker;
import io.kamacache.store.Ticker;

/**
 * KamaCache's real store, not a model of it: its buckets, per-bucket split and ghost keys are
 * what a cache user gets, so they are what the hit ratio should measure.
 */
public final class Lru2Policy implements Policy {
  private final Lru2Store<Integer, Boolean> store;

  public Lru2Policy(int capacity) {
    store = new Lru2Store<>(capacity, SystemTicker.instance(), (k, v, cause) -> { });
  }

  @Override
  public boolean access(Integer key) {
    if (store.get(key, Lru2Store.AccessRule.unchanged()) != null) {
      return true;
    }
    store.compute(key, (k, slot) -> {
      slot.set(Boolean.TRUE, Expiry.NEVER);
      return null;
    });
    return false;
  }
}
