package io.kamacache.cluster;

/**
 * The last view this member settled, or null before its first: the {@link Barrier} moves it on,
 * {@link Ownership} and {@link Rebalancer} read it. Apart from the barrier so that they need not
 * depend on it.
 */
final class SettledRing {

  private volatile HashRing ring;

  HashRing get() {
    return ring;
  }

  void set(HashRing ring) {
    this.ring = ring;
  }
}
