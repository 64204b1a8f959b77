package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A change's slow work ({@link Slot#unlocked}) runs with its key held and its bucket free: what
 * that lets others do meanwhile, and what it keeps them from doing to the held entry.
 */
class ChangesWorkingUnlockedTest {

  private final ManualTicker ticker = new ManualTicker();
  private final List<String> removals = Collections.synchronizedList(new ArrayList<>());
  private final RemovalListener<String, String> recorder =
      (key, value, cause) -> removals.add(cause + ":" + key + "=" + value);
  /** Lets the held change's work end; every test opens it, and so does the cleanup. */
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch working = new CountDownLatch(1);

  @AfterEach
  void letTheChangeEnd() {
    release.countDown();
  }

  private static void put(Lru2Store<String, String> store, String key, String value, long expiresAt) {
    store.compute(key, (k, slot) -> {
      slot.set(value, expiresAt);
      return null;
    });
  }

  /**
   * Starts a change of {@code key} on another thread that works unlocked until {@link #release}
   * opens, then sets {@code value} if it is not null; returns once the work has begun.
   */
  private CompletableFuture<Void> holdWhileWorking(Lru2Store<String, String> store, String key, String value)
      throws InterruptedException {
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> store.compute(key, (k, slot) -> {
      slot.unlocked(() -> {
        working.countDown();
        return awaitRelease();
      });
      if (value != null) {
        slot.set(value, Expiry.NEVER);
      }
      return null;
    }));
    assertThat(working.await(10, TimeUnit.SECONDS)).as("the held change began its work").isTrue();
    return done;
  }

  /** The held change's slow work: waits until the test opens {@link #release}. */
  private Void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return null;
  }

  /** The {@code n}-th key named {@code prefix + i} whose stripe is not {@code key}'s. */
  private static String otherStripe(String key, String prefix, int n) {
    for (int i = 0, found = 0; ; i++) {
      String other = prefix + i;
      if (stripe(other) != stripe(key) && found++ == n) {
        return other;
      }
    }
  }

  /** The key's stripe, as the store picks it, so a test can use keys that never wait for another's change. */
  private static int stripe(String key) {
    return (Node.hashOf(key.hashCode()) >>> 24) % Lru2Store.STRIPES;
  }

  private static <T> T within(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aChangeWorkingUnlockedHoldsUpNeitherLockedReadsNorChangesOfOtherKeysInItsBucket() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    String other = otherStripe("held", "other", 0);
    // An entry near its expiry time is read under the bucket's lock.
    put(store, other, "v", ticker.nanos() + TimeUnit.MILLISECONDS.toNanos(1));
    CompletableFuture<Void> held = holdWhileWorking(store, "held", "new");

    assertThat(within(CompletableFuture.supplyAsync(() -> store.get(other, Lru2Store.AccessRule.unchanged()))))
        .isEqualTo("v");
    assertThat(within(CompletableFuture.supplyAsync(() -> store.containsKey(other)))).isTrue();
    within(CompletableFuture.runAsync(() -> put(store, other, "w", Expiry.NEVER)));
    assertThat(store.get(other, Lru2Store.AccessRule.unchanged())).isEqualTo("w");
    assertThat(held).isNotDone();

    release.countDown();
    within(held);
    assertThat(store.get("held", Lru2Store.AccessRule.unchanged())).isEqualTo("new");
    StoreInvariants.check(store);
  }

  @Test
  void anotherChangeOfTheHeldKeyWaitsForIt() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    put(store, "k", "old", Expiry.NEVER);
    CompletableFuture<Void> held = holdWhileWorking(store, "k", "first");
    CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> store.compute("k", (k, slot) -> {
      String seen = slot.value();
      slot.set("second", Expiry.NEVER);
      return seen;
    }));
    assertThatWaits(second);
    // Readers see the entry as it was until the change sets it.
    assertThat(store.get("k", Lru2Store.AccessRule.unchanged())).isEqualTo("old");

    release.countDown();
    within(held);
    assertThat(within(second)).isEqualTo("first");
    assertThat(store.get("k", Lru2Store.AccessRule.unchanged())).isEqualTo("second");
  }

  @Test
  void aHeldEntryIsNotEvictedAndTheBoundHoldsAgainOnceItsChangeEnds() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(4, 1, ticker, recorder);
    put(store, "held", "v", Expiry.NEVER); // the least recent entry: the first victim
    CompletableFuture<Void> held = holdWhileWorking(store, "held", null);
    for (int i = 0; i < 20; i++) {
      put(store, otherStripe("held", "filler", i), "x", Expiry.NEVER);
      assertThat(store.containsKey("held")).isTrue();
      assertThat(store.size()).isLessThanOrEqualTo(4);
    }
    release.countDown();
    within(held);
    assertThat(store.containsKey("held")).isTrue();
    assertThat(removals).noneMatch(removal -> removal.contains("held"));
    StoreInvariants.check(store);
  }

  @Test
  void aNewEntryWhoseOnlyRivalIsHeldIsTheOneEvicted() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1, 1, ticker, recorder);
    put(store, "held", "v", Expiry.NEVER);
    CompletableFuture<Void> held = holdWhileWorking(store, "held", null);
    String newcomer = otherStripe("held", "new", 0);

    within(CompletableFuture.runAsync(() -> put(store, newcomer, "n", Expiry.NEVER)));
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.containsKey("held")).isTrue();
    assertThat(removals).containsExactly("EVICTED:" + newcomer + "=n");

    release.countDown();
    within(held);
    StoreInvariants.check(store);
  }

  @Test
  void aStoreWhoseEntriesAreAllHeldGoesOverItsBoundOnlyUntilTheirChangesEnd() throws Exception {
    // One more held entry than an eviction looks at (Bucket.MAX_SECOND_CHANCES), so it finds none.
    int capacity = Bucket.MAX_SECOND_CHANCES + 1;
    Lru2Store<String, String> store = new Lru2Store<>(capacity, 1, ticker, recorder);
    List<String> keys = new ArrayList<>();
    Set<Integer> stripes = new HashSet<>();
    for (int i = 0; keys.size() < capacity + 1; i++) {
      if (stripes.add(stripe("k" + i))) { // no two wait for each other
        keys.add("k" + i);
      }
    }
    CountDownLatch allWorking = new CountDownLatch(capacity);
    List<CompletableFuture<Void>> changes = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(capacity);
    try {
      for (String key : keys.subList(0, capacity)) {
        put(store, key, "v", Expiry.NEVER);
      }
      for (String key : keys.subList(0, capacity)) {
        changes.add(CompletableFuture.runAsync(() -> store.compute(key, (k, slot) -> slot.unlocked(() -> {
          allWorking.countDown();
          return awaitRelease();
        })), threads));
      }
      assertThat(allWorking.await(10, TimeUnit.SECONDS)).isTrue();

      put(store, keys.get(capacity), "n", Expiry.NEVER);
      assertThat(store.size()).as("nothing could be evicted").isEqualTo(capacity + 1);
      assertThat(removals).isEmpty();

      release.countDown();
      for (CompletableFuture<Void> change : changes) {
        within(change);
      }
      assertThat(store.size()).as("the changes' ends evicted").isEqualTo(capacity);
      assertThat(removals).hasSize(1);
      StoreInvariants.check(store);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aHeldEntryThatExpiresIsAbsentToReadersAndRemovedWhenItsChangeEnds() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    put(store, "k", "v", ticker.nanos() + TimeUnit.SECONDS.toNanos(1));
    CompletableFuture<Void> held = holdWhileWorking(store, "k", null);
    ticker.advance(2, TimeUnit.SECONDS);

    assertThat(store.get("k", Lru2Store.AccessRule.unchanged())).isNull();
    assertThat(store.containsKey("k")).isFalse();
    assertThat(store.expireStep(1, TimeUnit.SECONDS)).as("the walker leaves it to its change").isZero();
    assertThat(removals).isEmpty();

    release.countDown();
    within(held);
    assertThat(removals).containsExactly("EXPIRED:k=v");
    assertThat(store.size()).isZero();
    StoreInvariants.check(store);
  }

  @Test
  void aHeldEntryThatExpiresButIsSetAgainStays() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    put(store, "k", "v", ticker.nanos() + TimeUnit.SECONDS.toNanos(1));
    CompletableFuture<Void> held = holdWhileWorking(store, "k", "again");
    ticker.advance(2, TimeUnit.SECONDS);
    store.expireStep(1, TimeUnit.SECONDS);

    release.countDown();
    within(held);
    assertThat(store.get("k", Lru2Store.AccessRule.unchanged())).isEqualTo("again");
    assertThat(removals).isEmpty();
    StoreInvariants.check(store);
  }

  @Test
  void aClearDropsTheHeldKeyOnlyAfterItsChange() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    put(store, "k", "old", Expiry.NEVER);
    put(store, "free", "x", Expiry.NEVER);
    CompletableFuture<Void> held = holdWhileWorking(store, "k", "new");

    CompletableFuture<Void> clear = CompletableFuture.runAsync(store::clear);
    assertThatWaits(clear);
    assertThat(store.containsKey("free")).as("the rest is cleared at once").isFalse();

    release.countDown();
    within(held);
    within(clear);
    assertThat(store.size()).isZero();
    assertThat(removals).as("a clear reports nothing").isEmpty();
    StoreInvariants.check(store);
  }

  @Test
  void aKeyBeingCreatedIsListedWhileItsChangeWorksUnlockedAndReadAfterIt() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    put(store, "other", "x", Expiry.NEVER);
    CompletableFuture<Void> creating = holdWhileWorking(store, "k", "new");

    // A handover lists the keys, then reads each under its lock: it must not miss one being created.
    assertThat(store.keys()).containsExactlyInAnyOrder("other", "k");
    CompletableFuture<String> read = CompletableFuture.supplyAsync(
        () -> store.compute("k", (k, slot) -> slot.isPresent() ? slot.value() : null));
    assertThatWaits(read);

    release.countDown();
    within(creating);
    assertThat(within(read)).as("read after the create").isEqualTo("new");
    assertThat(store.keys()).containsExactlyInAnyOrder("other", "k");
    StoreInvariants.check(store);
  }

  @Test
  void aCreateThatSetsNothingLeavesNoKeyListed() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    CompletableFuture<Void> creating = holdWhileWorking(store, "k", null);
    assertThat(store.keys()).containsExactly("k");

    release.countDown();
    within(creating);
    assertThat(store.keys()).isEmpty();
    assertThat(store.containsKey("k")).isFalse();
    StoreInvariants.check(store);
  }

  @Test
  void aClearDropsAKeyBeingCreatedOnlyAfterItsChange() throws Exception {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    put(store, "free", "x", Expiry.NEVER);
    CompletableFuture<Void> creating = holdWhileWorking(store, "k", "new");

    CompletableFuture<Void> clear = CompletableFuture.runAsync(store::clear);
    assertThatWaits(clear);
    assertThat(store.containsKey("free")).as("the rest is cleared at once").isFalse();

    release.countDown();
    within(creating);
    within(clear);
    assertThat(store.size()).as("the create came before the clear").isZero();
    StoreInvariants.check(store);
  }

  @Test
  void aChangeOfTheSameKeyInsideTheUnlockedWorkLeavesOneEntry() {
    Lru2Store<String, String> store = new Lru2Store<>(1_000, 1, ticker, recorder);
    put(store, "k", "old", Expiry.NEVER);
    store.compute("k", (k, slot) -> {
      slot.unlocked(() -> {
        store.compute(k, (inner, innerSlot) -> {
          innerSlot.remove();
          return null;
        });
        return null;
      });
      assertThat(slot.isPresent()).as("the inner change removed it").isFalse();
      slot.set("outer", Expiry.NEVER);
      return null;
    });
    assertThat(store.keys()).containsExactly("k");
    assertThat(store.get("k", Lru2Store.AccessRule.unchanged())).isEqualTo("outer");
    StoreInvariants.check(store);
  }

  @Test
  void theBoundAndInvariantsHoldWhileManyChangesWorkUnlocked() throws Exception {
    int capacity = 64;
    Lru2Store<Integer, Integer> store = new Lru2Store<>(capacity, 2, ticker, (k, v, c) -> { });
    int threads = 6;
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
          for (int i = 0; i < 20_000; i++) {
            int key = random.nextInt(200);
            switch (random.nextInt(6)) {
              case 0 -> store.get(key, Lru2Store.AccessRule.unchanged());
              case 1 -> store.compute(key, (k, slot) -> {
                slot.unlocked(() -> {
                  Thread.yield();
                  return null;
                });
                slot.remove();
                return null;
              });
              case 2 -> store.expireStep(1, TimeUnit.MILLISECONDS);
              case 3 -> {
                if (i % 500 == 0) {
                  store.clear();
                }
              }
              default -> store.compute(key, (k, slot) -> {
                slot.unlocked(() -> {
                  Thread.yield();
                  return null;
                });
                slot.set(k, random.nextBoolean() ? Expiry.NEVER : ticker.nanos() + random.nextInt(2));
                return null;
              });
            }
            if (i % 2_000 == 0) {
              ticker.advance(1, TimeUnit.NANOSECONDS);
              StoreInvariants.checkStructure(store);
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
    assertThat(store.size()).isLessThanOrEqualTo(capacity);
    assertThat(store.keys()).doesNotHaveDuplicates();
    for (Bucket<Integer, Integer> bucket : store.buckets) {
      assertThat(bucket.held).as("every hold ended").isZero();
    }
  }

  /** That the future is still waiting a while after it was started: it cannot prove it never ends. */
  private static void assertThatWaits(CompletableFuture<?> future) throws ExecutionException, InterruptedException {
    try {
      future.get(200, TimeUnit.MILLISECONDS);
      throw new AssertionError("expected it to wait for the held change");
    } catch (TimeoutException expected) {
      // still waiting, as it should
    }
  }
}
