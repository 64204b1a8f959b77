package io.kamacache.store;

/**
 * Holders of keys outside the store: a key held by someone else may not change until they let it
 * go. {@link Lru2Store#change} asks under the key's lock and, if the key is held, waits outside
 * every lock of the store and asks again, so a holder's own change can get through.
 */
public interface KeyGuard<K> {

  /**
   * Called under the key's lock: null if the key may change now, or the holder to wait for. It
   * must be cheap when nothing is held, since every change asks.
   */
  Object holder(K key);

  /** Waits, holding no lock of the store, until {@code holder} lets its key go or its time is up. */
  void await(Object holder);
}
