package io.kamacache.cluster;

import io.kamacache.store.Expiry;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * This member's copies of entries that other members own, so that repeated reads of a remote key
 * skip the network. A copy is the owner's value in wire bytes (decoded on every hit, so callers
 * never share an instance) and lives until the owner's expiry time, the configured maximum age,
 * or an invalidation, whichever comes first.
 *
 * <p>Why stamps: a read that left before a write and answers after it must not install the old
 * value. Every invalidation of a key bumps its stripe's stamp; a read remembers the stamp it
 * started with and installs its answer only if the stamp is unchanged, checked under the key's
 * lock, where the invalidation also removes the copy. Writes through this member invalidate before
 * they are sent and again after they are acknowledged, so a caller never reads a value older than
 * its own last acknowledged write. Writes through other members arrive as the owner's
 * invalidations, asynchronously.
 */
final class NearCache<K> {

  /**
   * Stamps per near cache: unrelated keys rarely share one (sharing only makes a read skip
   * installing its copy), and {@link #invalidateAll} bumps them all in a few microseconds.
   */
  private static final int STRIPES = 1024;

  private final Lru2Store<K, byte[]> copies;
  private final AtomicLongArray stamps = new AtomicLongArray(STRIPES);
  private final long maxAgeNanos;
  private final ClusterMetrics metrics;

  NearCache(long capacity, long maxAgeNanos, Ticker ticker, ClusterMetrics metrics) {
    this.metrics = metrics;
    this.copies = new Lru2Store<>(capacity, ticker, (key, value, cause) -> { });
    this.maxAgeNanos = maxAgeNanos;
  }

  private static int stripe(Object key) {
    int h = key.hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /** The live copy of the key's value, or null. */
  byte[] get(K key) {
    byte[] copy = copies.get(key, Lru2Store.AccessRule.unchanged());
    if (copy == null) {
      metrics.nearMiss();
    } else {
      metrics.nearHit();
    }
    return copy;
  }

  /** Taken before a read leaves for the owner; see {@link #install}. */
  long stamp(K key) {
    return stamps.get(stripe(key));
  }

  /**
   * Keeps the owner's answer, unless the key was invalidated since {@code stamp} was taken.
   *
   * @param ttlNanos what the owner said the entry has left, or -1 for never
   */
  void install(K key, byte[] value, long ttlNanos, long stamp) {
    int stripe = stripe(key);
    copies.compute(key, (k, slot) -> {
      if (stamps.get(stripe) == stamp) {
        long age = ttlNanos < 0 ? maxAgeNanos : Math.min(ttlNanos, maxAgeNanos);
        slot.set(value, Expiry.after(slot.now(), age, TimeUnit.NANOSECONDS));
      }
      return null;
    });
  }

  void invalidate(K key) {
    stamps.incrementAndGet(stripe(key));
    copies.compute(key, (k, slot) -> {
      slot.remove();
      return null;
    });
  }

  /** Drops every copy: the cache was cleared, or ownership moved. */
  void invalidateAll() {
    for (int i = 0; i < STRIPES; i++) {
      stamps.incrementAndGet(i);
    }
    copies.clear();
  }

  long size() {
    return copies.size();
  }

}
