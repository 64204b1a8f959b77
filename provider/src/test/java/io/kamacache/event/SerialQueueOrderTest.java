package io.kamacache.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A SerialQueue runs its tasks one at a time, in the order they were submitted, on a shared pool. */
class SerialQueueOrderTest {

  private static final int TASKS = 20_000;

  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void tasksRunInSubmissionOrderAndNeverTwoAtOnce() throws InterruptedException {
    SerialQueue queue = new SerialQueue(pool);
    List<Integer> ran = new ArrayList<>(); // unsynchronized on purpose: only one task may touch it at a time
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(TASKS);
    for (int i = 0; i < TASKS; i++) {
      int index = i;
      queue.submit(() -> {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        ran.add(index);
        running.decrementAndGet();
        done.countDown();
      });
    }

    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(mostAtOnce.get()).isEqualTo(1);
    synchronized (ran) {
      assertThat(ran).hasSize(TASKS).isSorted();
    }
  }

  @Test
  void aTaskSubmittedAfterTheQueueDrainedStillRuns() throws InterruptedException {
    SerialQueue queue = new SerialQueue(pool);
    for (int round = 0; round < 1000; round++) {
      CountDownLatch ran = new CountDownLatch(1);
      queue.submit(ran::countDown);
      assertThat(ran.await(10, TimeUnit.SECONDS)).as("round %d", round).isTrue();
    }
  }

  @Test
  void twoQueuesOnOnePoolRunSideBySide() throws InterruptedException {
    SerialQueue first = new SerialQueue(pool);
    SerialQueue second = new SerialQueue(pool);
    CountDownLatch bothStarted = new CountDownLatch(2);
    CountDownLatch finished = new CountDownLatch(2);
    Runnable meet = () -> {
      bothStarted.countDown();
      try {
        if (bothStarted.await(10, TimeUnit.SECONDS)) {
          finished.countDown();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    first.submit(meet);
    second.submit(meet);
    assertThat(finished.await(20, TimeUnit.SECONDS)).isTrue();
  }
}
