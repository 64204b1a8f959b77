package io.kamacache.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.SettableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AwaitingTest {

  private final Awaiting awaiting = new Awaiting(200, TimeUnit.MICROSECONDS, 1);

  @Test
  void anAnswerFromAnotherThreadIsReturnedWhetherItComesDuringTheSpinOrAfter() throws Exception {
    for (long delayMillis : new long[] {0, 50}) {
      SettableFuture<String> answer = SettableFuture.create();
      Thread transport = new Thread(() -> {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        answer.set("v" + delayMillis);
      });
      transport.start();
      assertThat(awaiting.await(answer, 0)).isEqualTo("v" + delayMillis);
      transport.join();
    }
  }

  @Test
  void aFailedCallThrowsTheStatusABlockingStubWould() {
    SettableFuture<String> answer = SettableFuture.create();
    answer.setException(Status.UNAVAILABLE.withDescription("gone").asRuntimeException());
    assertThatThrownBy(() -> awaiting.await(answer, 0))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void anInterruptedWaitCancelsTheCallAndKeepsTheInterrupt() throws Exception {
    SettableFuture<String> answer = SettableFuture.create();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread caller = new Thread(() -> {
      try {
        awaiting.await(answer, 0);
      } catch (Throwable t) {
        thrown.set(t);
        stillInterrupted.set(Thread.currentThread().isInterrupted());
      }
      done.countDown();
    });
    caller.start();
    caller.interrupt();
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(answer.isCancelled()).isTrue();
    assertThat(thrown.get()).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
    assertThat(stillInterrupted.get()).isTrue();
  }

  @Test
  void aNegativeSpinIsRefused() {
    assertThatThrownBy(() -> new Awaiting(-1, TimeUnit.MICROSECONDS, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
