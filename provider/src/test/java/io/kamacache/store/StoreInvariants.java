package io.kamacache.store;

/**
 * Checks the structure of a store or one bucket in tests: list links and levels, sizes, one index
 * entry per listed node, level 2's bound, the expiring count, and the store's shared bound.
 */
final class StoreInvariants {

  private StoreInvariants() {}

  /** Checks every bucket of {@code store}, and that it holds no more than its bound and counts what it holds. */
  static void check(Lru2Store<?, ?> store) {
    checkBound(store);
    checkStructure(store);
  }

  /**
   * Checks every bucket of {@code store} but not the bound, which a change working unlocked may
   * leave passed until it ends (see {@link Bucket#release}): for checks while changes run.
   */
  static void checkStructure(Lru2Store<?, ?> store) {
    for (Bucket<?, ?> bucket : store.buckets) {
      bucket.lock.lock();
      try {
        checkLocked(bucket);
      } finally {
        bucket.lock.unlock();
      }
    }
  }

  /** Checks one bucket; the caller holds its lock or is its only user. */
  static void check(Bucket<?, ?> bucket) {
    checkLocked(bucket);
  }

  private static <K, V> void checkBound(Lru2Store<K, V> store) {
    Bucket.Population population = store.population;
    long capacity = population == null ? Lru2Store.UNBOUNDED : population.capacity;
    // At a moment when no insert is under way, when the count must match what the buckets hold.
    withAllLocked(store, () -> {
      long counted = 0;
      for (Bucket<K, V> bucket : store.buckets) {
        counted += bucket.size();
      }
      if (counted > capacity || (population != null && counted != population.count.get())) {
        throw new AssertionError("store holds " + counted + " entries, counts "
            + (population == null ? "none" : population.count.get()) + ", bound " + capacity);
      }
      return null;
    });
  }

  /**
   * Runs {@code action} with every bucket locked: a moment at which no insert is under way. It
   * only tries each lock and starts again if one is busy, since an insert may be waiting, holding
   * its own bucket, for another bucket to evict from. Between tries it parks, holding nothing: a
   * retry at once held the first buckets nearly all the time, so an insert waiting for one of them
   * and this waiting for the insert's bucket could starve each other (the likeliest cause of a CI
   * run of the many-threads test that hung for 180 s).
   */
  private static <R> R withAllLocked(Lru2Store<?, ?> store, java.util.function.Supplier<R> action) {
    while (true) {
      int locked = 0;
      try {
        while (locked < store.buckets.length && store.buckets[locked].lock.tryLock()) {
          locked++;
        }
        if (locked == store.buckets.length) {
          return action.get();
        }
      } finally {
        for (int i = locked - 1; i >= 0; i--) {
          store.buckets[i].lock.unlock();
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(100_000);
    }
  }

  private static <K, V> void checkLocked(Bucket<K, V> bucket) {
    int[] expiringCount = new int[2];
    int count1 = countLevel(bucket, bucket.level1, (byte) 1, expiringCount);
    int count2 = countLevel(bucket, bucket.level2, (byte) 2, expiringCount);
    check(expiringCount[1] == bucket.held, "held count");
    check(count1 == bucket.level1Size, "level 1 size");
    check(count2 == bucket.level2Size, "level 2 size");
    check(count1 + count2 == bucket.indexed(), "one index entry per listed node");
    check(bucket.level2Size <= bucket.level2Max, "level 2 bound");
    check(expiringCount[0] == bucket.expiring, "expiring count");
  }

  private static <K, V> int countLevel(Bucket<K, V> bucket, Node<K, V> head, byte level, int[] expiringCount) {
    int count = 0;
    for (Node<K, V> node = head.next; node != head; node = node.next) {
      check(node.level == level, "node level");
      check(bucket.get(node.key) == node, "node indexed");
      check(node.next.prev == node, "links");
      if (node.expiresAt != Expiry.NEVER) {
        expiringCount[0]++;
      }
      if (node.held) {
        expiringCount[1]++;
      }
      count++;
    }
    return count;
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("store invariant broken: " + what);
    }
  }
}
