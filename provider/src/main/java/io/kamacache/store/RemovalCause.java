package io.kamacache.store;

/** Why the store removed an entry on its own. */
public enum RemovalCause {
  /** The entry's expiry time passed. */
  EXPIRED,
  /** The store was full and the entry was the least valuable one. */
  EVICTED
}
