package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescedTest {

  @Test
  void callersThatAskWhileARunIsUnderWayShareTheNextRun() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Coalesced coalesced = new Coalesced(() -> {
      if (runs.incrementAndGet() == 1) {
        firstStarted.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    Thread first = new Thread(coalesced::run);
    first.start();
    assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
    List<Thread> waiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Thread thread = new Thread(coalesced::run);
      thread.start();
      waiting.add(thread);
    }
    for (Thread thread : waiting) {
      while (thread.getState() != Thread.State.BLOCKED) {
        Thread.onSpinWait();
      }
    }
    release.countDown();
    first.join();
    for (Thread thread : waiting) {
      thread.join();
    }
    // The first run began before they asked, so it covers none of them; one more covers all ten.
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void aCallerAfterTheLastRunGetsARunOfItsOwn() {
    AtomicInteger runs = new AtomicInteger();
    Coalesced coalesced = new Coalesced(runs::incrementAndGet);
    coalesced.run();
    coalesced.run();
    assertThat(runs.get()).isEqualTo(2);
  }
}
