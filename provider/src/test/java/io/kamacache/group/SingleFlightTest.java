package io.kamacache.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

  private static final int CALLERS = 64;

  private final SingleFlight<String, String> flights = new SingleFlight<>();
  private final AtomicInteger loads = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ConcurrentLinkedQueue<Object> outcomes = new ConcurrentLinkedQueue<>();

  /** Starts the callers and returns once every one of them is parked: one in the load, the rest waiting on it. */
  private List<Thread> startCallers(Function<String, String> load) throws InterruptedException {
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      Thread caller = new Thread(() -> {
        try {
          outcomes.add(flights.load("key", load));
        } catch (RuntimeException e) {
          outcomes.add(e);
        }
      });
      callers.add(caller);
      caller.start();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
      assertThat(System.nanoTime()).as("callers parked in time").isLessThan(deadline);
      Thread.onSpinWait();
    }
    return callers;
  }

  private String slowLoad(String key) {
    loads.incrementAndGet();
    await(release);
    return "value-of-" + key;
  }

  @Test
  void concurrentMissesOnOneKeyLoadOnceAndShareTheValue() throws Exception {
    List<Thread> callers = startCallers(this::slowLoad);
    release.countDown();
    for (Thread caller : callers) {
      caller.join();
    }
    assertThat(loads).hasValue(1);
    assertThat(outcomes).hasSize(CALLERS).containsOnly("value-of-key");
    assertKeyFreed();
  }

  @Test
  void aThrowingLoaderReleasesEveryWaiterWithItsErrorAndFreesTheKey() throws Exception {
    IllegalStateException failure = new IllegalStateException("database down");
    List<Thread> callers = startCallers(key -> {
      slowLoad(key);
      throw failure;
    });
    release.countDown();
    for (Thread caller : callers) {
      caller.join();
    }
    assertThat(loads).hasValue(1);
    assertThat(outcomes).hasSize(CALLERS).allMatch(outcome -> outcome == failure);
    assertKeyFreed();
    assertThat(flights.load("key", key -> "second try")).isEqualTo("second try");
  }

  @Test
  void anErrorInTheLoaderAlsoReachesTheCallerAndFreesTheKey() {
    assertThatThrownBy(() -> flights.load("key", key -> {
      throw new AssertionError("broken loader");
    })).isInstanceOf(AssertionError.class);
    assertKeyFreed();
  }

  @Test
  void aLoaderThatAsksForItsOwnKeyFailsInsteadOfWaitingForItself() {
    assertThatThrownBy(() -> flights.load("key", key -> flights.load(key, k -> "never")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recursive load");
    assertKeyFreed();
  }

  /** A key still claimed would hand the next caller the finished load's outcome instead of loading. */
  private void assertKeyFreed() {
    assertThat(flights.load("key", key -> "loaded again")).as("the key was freed").isEqualTo("loaded again");
  }

  @Test
  void differentKeysLoadIndependently() {
    assertThat(flights.load("a", key -> flights.load("b", k -> "b-inside-a"))).isEqualTo("b-inside-a");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
