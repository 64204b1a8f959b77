package io.kamacache.store;

import java.util.function.Supplier;

/**
 * One key's place in the store, handed to a {@link Lru2Store#compute} function while the key's
 * stripe and bucket are locked. It is valid only inside that function. An expired entry has
 * already been removed (and reported) before the function sees the slot, so the function only
 * ever sees live entries.
 */
public interface Slot<V> {

  /**
   * Runs slow work (user code, a round trip) with the bucket unlocked and the key still held:
   * no other change of the key starts, and no eviction, expiry or clear takes the entry, until the
   * function ends; reads of the bucket's keys and changes of other keys go on meanwhile. Readers
   * see the entry as it was until the function changes it.
   */
  <R> R unlocked(Supplier<R> work);

  /** The clock, read while the bucket is locked when first asked for; the same reading every time. */
  long now();

  /** Whether a live entry exists for the key. */
  boolean isPresent();

  /** The entry's value, or null when absent. */
  V value();

  /** The entry's absolute expiry time, or {@link Expiry#NEVER}. Undefined when absent. */
  long expiresAt();

  /** The entry's version (see {@link #setVersion}); 0 when absent or never set. */
  long version();

  /** Sets the version of a present entry; cluster mode orders copies of an entry by it. */
  void setVersion(long version);

  /** Creates the entry or replaces its value in place; either way it counts as an access. */
  void set(V value, long expiresAt);

  /** Changes the expiry time of a present entry. */
  void setExpiresAt(long expiresAt);

  /** Records an access to a present entry: the LRU-2 promotion rule applies. */
  void touch();

  /** Removes the entry if present. */
  void remove();
}
