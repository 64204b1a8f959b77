package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class Lru2StoreTest {

  private final ManualTicker ticker = new ManualTicker();
  private final List<String> removals = new ArrayList<>();
  private final RemovalListener<String, String> recorder =
      (key, value, cause) -> removals.add(cause + ":" + key + "=" + value);

  private Lru2Store<String, String> singleBucket(int capacity) {
    return new Lru2Store<>(capacity, 1, ticker, recorder);
  }

  private static void put(Lru2Store<String, String> store, String key, String value) {
    store.compute(key, (k, slot) -> {
      slot.set(value, Expiry.NEVER);
      return null;
    });
  }

  private static String get(Lru2Store<String, String> store, String key) {
    return store.get(key, Lru2Store.AccessRule.unchanged());
  }

  @Test
  void anUpdateAfterPromotionNeverBringsBackTheStaleValue() {
    // The Go reference's bug: set v1, get (promoted), set v2 (lands in level 1 only), push v2 out
    // of level 1, and get returns v1 again. Here the key has one node, wherever it lives.
    Lru2Store<String, String> store = singleBucket(4);
    put(store, "k", "v1");
    assertThat(get(store, "k")).isEqualTo("v1");
    put(store, "k", "v2");
    for (int i = 0; i < 10; i++) {
      put(store, "filler" + i, "x");
      StoreInvariants.check(store);
    }
    assertThat(get(store, "k")).isIn("v2", null);
    assertThat(store.keys()).doesNotHaveDuplicates();
    assertThat(store.size()).isLessThanOrEqualTo(4);
  }

  @Test
  void aKeyIsCountedOnceWhateverLevelItIsIn() {
    Lru2Store<String, String> store = singleBucket(10);
    put(store, "k", "v1");
    get(store, "k");
    put(store, "k", "v2");
    get(store, "k");
    assertThat(store.size()).isEqualTo(1);
    StoreInvariants.check(store);
  }

  @Test
  void aSecondAccessProtectsAnEntryFromEvictionByNewKeys() {
    Lru2Store<String, String> store = singleBucket(4);
    put(store, "a", "1");
    put(store, "b", "2");
    put(store, "c", "3");
    put(store, "d", "4");
    get(store, "a"); // promoted to level 2
    put(store, "e", "5"); // level 1 is full of once-seen keys: its oldest, b, goes
    assertThat(removals).containsExactly("EVICTED:b=2");
    assertThat(get(store, "a")).isEqualTo("1");
  }

  @Test
  void aKeyEvictedFromLevelOneAndSeenAgainGoesStraightToLevelTwo() {
    Lru2Store<String, String> store = singleBucket(4);
    for (String key : List.of("a", "b", "c", "d", "e")) {
      put(store, key, key);
    }
    assertThat(removals).containsExactly("EVICTED:a=a");
    put(store, "a", "again"); // remembered: enters level 2, so once-seen keys go first
    put(store, "f", "f");
    put(store, "g", "g");
    assertThat(get(store, "a")).isEqualTo("again");
    StoreInvariants.check(store);
  }

  @Test
  void aLoopLongerThanTheCacheKeepsPartOfItInLevelTwo() {
    // Plain LRU, and a level 2 that admits every returning key, hit nothing on such a loop.
    Lru2Store<String, String> store = singleBucket(100);
    int hits = 0;
    for (int round = 0; round < 20; round++) {
      for (int key = 0; key < 150; key++) {
        String name = "k" + key;
        if (get(store, name) != null) {
          hits++;
        } else {
          put(store, name, name);
        }
      }
      StoreInvariants.check(store);
    }
    assertThat(hits).isGreaterThan(19 * 150 / 3);
  }

  @Test
  void aWorkloadThatRewardsOnlyRecencyLeadsEveryBucketToASmallLevelTwo() {
    // Each key comes back once, 300 accesses later. Level 2 fills with keys that are never used
    // again, and at the climber's start (a level 2 of 80%, refusing re-entries of rarer keys
    // than its own) every return misses. LRU hits every one: half the accesses.
    Lru2Store<Integer, Integer> store = new Lru2Store<>(512, 4, ticker, (k, v, c) -> { });
    int hits = 0;
    for (int t = 0; t < 600_000; t++) {
      int key = t % 2 == 0 ? t / 2 : t / 2 - 150;
      if (store.get(key, Lru2Store.AccessRule.unchanged()) != null) {
        if (t >= 500_000) {
          hits++;
        }
      } else {
        store.compute(key, (k, slot) -> {
          slot.set(k, Expiry.NEVER);
          return null;
        });
      }
    }
    assertThat(hits).isGreaterThan(100_000 * 45 / 100);
    StoreInvariants.check(store);
  }

  /** Replays the keys through the store, as a cache in front of a loader would; the hits from {@code from} on. */
  private static int hitsFrom(Lru2Store<Integer, Integer> store, int[] keys, int from) {
    int hits = 0;
    for (int i = 0; i < keys.length; i++) {
      if (store.get(keys[i], Lru2Store.AccessRule.unchanged()) != null) {
        hits += i >= from ? 1 : 0;
      } else {
        store.compute(keys[i], (k, slot) -> {
          slot.set(k, Expiry.NEVER);
          return null;
        });
      }
    }
    StoreInvariants.check(store);
    return hits;
  }

  @Test
  void aLoopFourTimesTheCacheKeepsAStableShareOfItsKeys() {
    // Longer than the cache and its ghosts together: only the frequency sketch remembers the keys.
    // LRU hits nothing; holding any fixed 200 of the 800 keys hits a quarter of the accesses.
    int[] keys = new int[800 * 300];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i % 800;
    }
    Lru2Store<Integer, Integer> store = new Lru2Store<>(200, 1, ticker, (k, v, c) -> { });
    int measured = keys.length / 2;
    assertThat(hitsFrom(store, keys, measured)).isGreaterThan(measured * 18 / 100);
  }

  /** Up from 0 to {@code top} and back down, 13 times: the most recent keys are always the next ones. */
  private static int[] zigzag(int top) {
    int[] keys = new int[2 * top * 13];
    for (int i = 0; i < keys.length; i++) {
      int phase = i % (2 * top);
      keys[i] = phase <= top ? phase : 2 * top - phase;
    }
    return keys;
  }

  /** The hits of an exact LRU of {@code capacity} entries on {@code keys}. */
  private static int lruHits(int[] keys, int capacity) {
    java.util.Map<Integer, Boolean> lru = new java.util.LinkedHashMap<>(16, 0.75f, true) {
      @Override protected boolean removeEldestEntry(java.util.Map.Entry<Integer, Boolean> eldest) {
        return size() > capacity;
      }
    };
    int hits = 0;
    for (int key : keys) {
      if (lru.put(key, Boolean.TRUE) != null) {
        hits++;
      }
    }
    return hits;
  }

  @Test
  void aZigzagHitsNearlyAsOftenAsLru() {
    // Over 1,001 keys into 250 entries: LRU is all but the best a cache can do, and a level 2 that
    // holds keys for their frequency only loses.
    int[] keys = zigzag(1_000);
    Lru2Store<Integer, Integer> store = new Lru2Store<>(250, 2, ticker, (k, v, c) -> { });
    assertThat(hitsFrom(store, keys, 0)).isGreaterThan(lruHits(keys, 250) * 9 / 10);
  }

  @Test
  void aZigzagHitsAsOftenAsLruFromItsFirstSweep() {
    // The zigzag: over 2,001 keys into 1,500 entries. A store that started frequency-minded
    // ran two sweeps that way before its tuner's first round moved it to LRU, and ended 3.8 points
    // below LRU (68.2 against 72.1%).
    int[] keys = zigzag(2_000);
    Lru2Store<Integer, Integer> store = new Lru2Store<>(1_500, ticker, (k, v, c) -> { });
    // Within 0.2% of LRU's hits: the buckets keep recency per bucket, not across the store.
    assertThat(hitsFrom(store, keys, 0)).isGreaterThanOrEqualTo(lruHits(keys, 1_500) * 998 / 1000);
  }

  @Test
  void aChangeReadsTheClockOnlyWhenItOrTheEntryNeedsIt() {
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    Ticker counting = () -> {
      reads.incrementAndGet();
      return ticker.nanos();
    };
    Lru2Store<Integer, Integer> store = new Lru2Store<>(100, 1, counting, (k, v, c) -> { });
    store.compute(1, (k, slot) -> {
      slot.set(k, Expiry.NEVER);
      return null;
    });
    store.compute(1, (k, slot) -> {
      slot.set(k + 1, Expiry.NEVER);
      return null;
    });
    assertThat(store.containsKey(1)).isTrue();
    assertThat(reads).hasValue(0);
    // An entry that can expire is checked against the clock before the function sees it, once.
    store.compute(2, (k, slot) -> {
      slot.set(k, slot.now() + 1_000);
      return slot.now();
    });
    assertThat(reads).hasValue(1);
    ticker.advance(1, TimeUnit.SECONDS);
    boolean present = store.compute(2, (k, slot) -> slot.isPresent());
    assertThat(present).isFalse();
    assertThat(reads).hasValue(2);
  }

  @Test
  void sizeIsCountedWhileAWriterHoldsABucket() throws Exception {
    Lru2Store<Integer, Integer> store = new Lru2Store<>(1000, 8, ticker, (k, v, c) -> { });
    for (int i = 0; i < 100; i++) {
      int key = i;
      store.compute(key, (k, slot) -> {
        slot.set(k, Expiry.NEVER);
        return null;
      });
    }
    // As a cluster owner holds a key's bucket while its backups answer: counting must not wait for it.
    java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Thread writer = new Thread(() -> store.compute(0, (k, slot) -> {
      holding.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    writer.start();
    try {
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      java.util.concurrent.CompletableFuture<Long> size = java.util.concurrent.CompletableFuture.supplyAsync(store::size);
      assertThat(size.get(10, TimeUnit.SECONDS)).isEqualTo(100);
    } finally {
      release.countDown();
      writer.join();
    }
  }

  @Test
  void theBoundIsExactAcrossBuckets() {
    Lru2Store<Integer, Integer> store = new Lru2Store<>(1000, 8, ticker, (k, v, c) -> { });
    for (int i = 0; i < 100_000; i++) {
      int key = ThreadLocalRandom.current().nextInt(50_000);
      store.compute(key, (k, slot) -> {
        slot.set(k, Expiry.NEVER);
        return null;
      });
      assertThat(store.size()).isLessThanOrEqualTo(1000);
    }
    assertThat(store.size()).isEqualTo(1000);
    StoreInvariants.check(store);
  }

  @Test
  void theBoundAndInvariantsHoldUnderManyThreads() throws Exception {
    // Four buckets, so that inserts also evict from each other's (evictElsewhere).
    Lru2Store<Integer, Integer> store = new Lru2Store<>(512, 4, ticker, (k, v, c) -> { });
    int threads = 8;
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
          for (int i = 0; i < 50_000; i++) {
            int key = random.nextInt(2_000);
            switch (random.nextInt(4)) {
              case 0:
                store.get(key, Lru2Store.AccessRule.unchanged());
                break;
              case 1:
                store.compute(key, (k, slot) -> {
                  slot.remove();
                  return null;
                });
                break;
              default:
                store.compute(key, (k, slot) -> {
                  slot.set(k, random.nextBoolean() ? Expiry.NEVER : ticker.nanos() + 1_000);
                  return null;
                });
            }
            if (i % 1_000 == 0) {
              StoreInvariants.check(store);
              // Counted while others write: each insert under way may not have evicted yet.
              assertThat(store.size()).isLessThanOrEqualTo(512 + threads);
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(failures).isEmpty();
    StoreInvariants.check(store);
    assertThat(store.size()).isLessThanOrEqualTo(512);
    assertThat(store.keys()).doesNotHaveDuplicates();
  }

  @Test
  void anExpiredEntryIsAbsentBeforeTheWalkerReachesItAndReportedOnce() {
    Lru2Store<String, String> store = singleBucket(10);
    store.compute("k", (k, slot) -> {
      slot.set("v", Expiry.after(slot.now(), 10, TimeUnit.SECONDS));
      return null;
    });
    ticker.advance(9, TimeUnit.SECONDS);
    assertThat(get(store, "k")).isEqualTo("v");
    ticker.advance(1, TimeUnit.SECONDS);
    assertThat(store.containsKey("k")).isFalse();
    assertThat(get(store, "k")).isNull();
    assertThat(store.expireStep(1, TimeUnit.SECONDS)).isZero();
    assertThat(removals).containsExactly("EXPIRED:k=v");
  }

  /** A clock whose recent reading stays where it was made, however far the exact one moves. */
  private static final class FrozenRecentTicker implements Ticker {
    final ManualTicker exact = new ManualTicker();
    final long recent = exact.nanos();
    int exactReads;

    @Override public long nanos() {
      exactReads++;
      return exact.nanos();
    }

    @Override public long recentNanos() {
      return recent;
    }
  }

  @Test
  void aReadNearItsExpiryTimeUsesTheExactClockHoweverOldTheRecentReading() {
    FrozenRecentTicker clock = new FrozenRecentTicker();
    Lru2Store<String, String> store = new Lru2Store<>(10, 1, clock, recorder);
    store.compute("k", (k, slot) -> {
      slot.set("v", Expiry.after(slot.now(), 500, TimeUnit.MILLISECONDS));
      return null;
    });
    clock.exact.advance(499, TimeUnit.MILLISECONDS);
    assertThat(get(store, "k")).isEqualTo("v");
    clock.exact.advance(1, TimeUnit.MILLISECONDS);
    assertThat(get(store, "k")).isNull();
    assertThat(removals).containsExactly("EXPIRED:k=v");
  }

  @Test
  void aReadFarFromExpiryDoesNotReadTheExactClock() {
    FrozenRecentTicker clock = new FrozenRecentTicker();
    Lru2Store<String, String> store = new Lru2Store<>(10, 1, clock, recorder);
    store.compute("k", (k, slot) -> {
      slot.set("v", Expiry.after(slot.now(), 10, TimeUnit.MINUTES));
      return null;
    });
    int before = clock.exactReads;
    for (int i = 0; i < 5; i++) {
      assertThat(get(store, "k")).isEqualTo("v");
    }
    assertThat(clock.exactReads).isEqualTo(before);
  }

  @Test
  void theWalkerRemovesExpiredEntriesWithoutAnyRead() {
    Lru2Store<String, String> store = new Lru2Store<>(1000, 4, ticker, recorder);
    for (int i = 0; i < 100; i++) {
      String key = "k" + i;
      long ttl = i % 2 == 0 ? 5 : 50;
      store.compute(key, (k, slot) -> {
        slot.set("v", Expiry.after(slot.now(), ttl, TimeUnit.SECONDS));
        return null;
      });
    }
    store.compute("eternal", (k, slot) -> {
      slot.set("v", Expiry.NEVER);
      return null;
    });
    ticker.advance(10, TimeUnit.SECONDS);
    // A budget of zero still visits one bucket per step; four steps cover every bucket.
    int removed = 0;
    for (int step = 0; step < 4; step++) {
      removed += store.expireStep(0, TimeUnit.NANOSECONDS);
    }
    assertThat(removed).isEqualTo(50);
    assertThat(removals).hasSize(50).allMatch(r -> r.startsWith("EXPIRED:"));
    assertThat(store.size()).isEqualTo(51);
    StoreInvariants.check(store);
  }

  @Test
  void neverIsItsOwnValueAndLongDurationsSaturateBelowIt() {
    long now = ticker.nanos();
    assertThat(Expiry.after(now, Long.MAX_VALUE, TimeUnit.DAYS)).isEqualTo(Expiry.NEVER - 1);
    assertThat(Expiry.isExpired(Expiry.NEVER, Long.MAX_VALUE)).isFalse();
    assertThat(Expiry.isExpired(Expiry.NEVER - 1, Long.MAX_VALUE)).isTrue();
    assertThat(Expiry.isExpired(now, now)).isTrue();
  }

  @Test
  void aBucketCountThatIsNotAPowerOfTwoIsRefused() {
    assertThatThrownBy(() -> new Lru2Store<>(100, 3, ticker, recorder))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Lru2Store<>(0, ticker, recorder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }

  @Test
  void bucketsSpreadKeysEvenly() {
    int[] counts = new int[64];
    for (int i = 0; i < 64_000; i++) {
      counts[Lru2Store.spread(Integer.valueOf(i).hashCode()) & 63]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(800, 1200);
    }
  }

  @Test
  void aStoreHoldsItsWholeCapacityHoweverUnevenlyKeysSpreadOverBuckets() {
    long capacity = 1 << 16;
    java.util.concurrent.atomic.AtomicInteger evicted = new java.util.concurrent.atomic.AtomicInteger();
    Lru2Store<Integer, Integer> store = new Lru2Store<>(capacity, ticker, (k, v, c) -> evicted.incrementAndGet());
    for (int key = 0; key < capacity; key++) {
      int k = key;
      store.compute(k, (kk, slot) -> {
        slot.set(k, Expiry.NEVER);
        return null;
      });
    }
    assertThat(evicted).hasValue(0);
    assertThat(store.size()).isEqualTo(capacity);
    store.compute(-1, (k, slot) -> {
      slot.set(-1, Expiry.NEVER);
      return null;
    });
    assertThat(evicted).hasValue(1);
    assertThat(store.size()).isEqualTo(capacity);
    StoreInvariants.check(store);
  }

  @Test
  void keysThatAllLandInOneBucketStillFillTheStore() {
    int capacity = 8 * Lru2Store.MIN_ENTRIES_PER_BUCKET; // several buckets
    Lru2Store<Integer, Integer> store = new Lru2Store<>(capacity, ticker, (k, v, c) -> { });
    int mask = Lru2Store.bucketsFor(capacity) - 1;
    assertThat(mask).isPositive();
    List<Integer> sameBucket = new ArrayList<>();
    for (int key = 0; sameBucket.size() < capacity + 10; key++) {
      if ((Lru2Store.spread(Integer.hashCode(key)) & mask) == 0) {
        sameBucket.add(key);
      }
    }
    for (int key : sameBucket.subList(0, capacity)) {
      store.compute(key, (k, slot) -> {
        slot.set(k, Expiry.NEVER);
        return null;
      });
    }
    assertThat(store.size()).isEqualTo(capacity);
    for (int key : sameBucket.subList(capacity, capacity + 10)) {
      store.compute(key, (k, slot) -> {
        slot.set(k, Expiry.NEVER);
        return null;
      });
      assertThat(store.size()).isEqualTo(capacity);
    }
    StoreInvariants.check(store);
  }

  @Test
  void aNewKeyAloneInItsBucketMakesRoomInAnother() {
    int capacity = 8 * Lru2Store.MIN_ENTRIES_PER_BUCKET; // several buckets
    Lru2Store<Integer, Integer> store = new Lru2Store<>(capacity, ticker, (k, v, c) -> { });
    int mask = Lru2Store.bucketsFor(capacity) - 1;
    List<Integer> bucketZero = new ArrayList<>();
    Integer other = null;
    for (int key = 0; bucketZero.size() < capacity || other == null; key++) {
      if ((Lru2Store.spread(Integer.hashCode(key)) & mask) == 0) {
        bucketZero.add(key);
      } else if (other == null) {
        other = key;
      }
    }
    for (int key : bucketZero.subList(0, capacity)) {
      store.compute(key, (k, slot) -> {
        slot.set(k, Expiry.NEVER);
        return null;
      });
    }
    int lone = other;
    store.compute(lone, (k, slot) -> {
      slot.set(k, Expiry.NEVER);
      return null;
    });
    assertThat(store.containsKey(lone)).as("the new key is kept").isTrue();
    assertThat(store.size()).isEqualTo(capacity);
    StoreInvariants.check(store);
  }

  /** The bucket's index doubles many times under the readers; none of them may see a held key as absent. */
  @Test
  void aLockFreeReadNeverMissesAHeldKeyWhileItsBucketGrows() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(Lru2Store.UNBOUNDED, 1, ticker, recorder);
    int resident = 32;
    for (int i = 0; i < resident; i++) {
      put(store, "resident" + i, "r" + i);
    }
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
    Thread reader = new Thread(() -> {
      for (int i = 0; !done.get(); i++) {
        if (get(store, "resident" + (i % resident)) == null) {
          misses.incrementAndGet();
        }
      }
    });
    reader.start();
    for (int i = 0; i < 200_000; i++) {
      put(store, "grow" + i, "g");
    }
    done.set(true);
    reader.join();
    assertThat(misses.get()).isZero();
    StoreInvariants.check(store);
  }
}
