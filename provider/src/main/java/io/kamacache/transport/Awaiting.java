package io.kamacache.transport;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Waits for a unary call's answer as a blocking stub would, but spins for a short while before
 * parking. A parked caller is woken by the transport thread through the scheduler, which on a
 * virtual machine costs a cross-CPU interrupt: on loopback, as much as the rest of the round trip.
 * An answer that arrives within the spin is taken without it (measured: get p50 from 125 to 76 µs
 * with three member JVMs on 2 cores).
 *
 * <p>Spinning takes a CPU that transport threads, here and in other processes, may need. So a
 * caller spins only for a kind of call most of whose recent answers came within the spin (a
 * share, not an average time, so that a few slow outliers do not stop it), and only a few
 * callers spin at once: a quarter of the processors, at least one. Under load answers slow down
 * past the spin and nobody spins; a put whose owner waits for its backup never spins either,
 * though the owner's wait for the backup does.
 */
public final class Awaiting {

  /** A quarter of the CPUs, at least one: spinners must leave the rest to the threads that answer. */
  private static final int MAX_SPINNERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
  private static final AtomicInteger SPINNERS = new AtomicInteger();
  /** Full marks for {@link #withinSpin}: every recent answer came within the spin. */
  private static final int ALL = 1 << 10;

  private final long spinNanos;
  /**
   * Per kind of call, a moving share (out of {@link #ALL}) of recent answers that came within the
   * spin; it starts full, so the first calls spin.
   */
  private final AtomicIntegerArray withinSpin;

  /**
   * @param spin how long a caller may spin before it parks; zero never spins
   * @param kinds how many kinds of call there are, numbered from zero
   */
  public Awaiting(long spin, TimeUnit unit, int kinds) {
    if (spin < 0) {
      throw new IllegalArgumentException("spin must not be negative, was " + spin);
    }
    this.spinNanos = unit.toNanos(spin);
    this.withinSpin = new AtomicIntegerArray(kinds);
    for (int kind = 0; kind < kinds; kind++) {
      withinSpin.set(kind, ALL);
    }
  }

  /** The call's answer; its failure as the {@link StatusRuntimeException} a blocking stub throws. */
  public <T> T await(ListenableFuture<T> future, int kind) {
    long start = System.nanoTime();
    try {
      spin(future, kind);
      return answer(future);
    } finally {
      record(kind, start);
    }
  }

  /**
   * Spins for the future as {@link #await} does, if this kind of call answers within the spin,
   * and returns when it is done or the spin is over: for a wait whose answer and failures the
   * caller takes itself. Follow it with {@link #record} once the answer is in.
   */
  public void spin(Future<?> future, int kind) {
    if (withinSpin.get(kind) >= ALL / 2 && !future.isDone() && SPINNERS.get() < MAX_SPINNERS) {
      SPINNERS.incrementAndGet();
      try {
        long deadline = System.nanoTime() + spinNanos;
        while (!future.isDone() && System.nanoTime() - deadline < 0) {
          Thread.onSpinWait();
        }
      } finally {
        SPINNERS.decrementAndGet();
      }
    }
  }

  /** Counts whether a wait that began at {@code startNanos} was answered within the spin. */
  public void record(int kind, long startNanos) {
    int sample = System.nanoTime() - startNanos < spinNanos ? ALL : 0;
    int share = withinSpin.get(kind);
    // Racy on purpose: a lost update only delays the share by one sample.
    withinSpin.lazySet(kind, share + ((sample - share) >> 4));
  }

  private static <T> T answer(ListenableFuture<T> future) {
    try {
      // The call's own deadline ends it, so this wait is bounded.
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while waiting for a peer").withCause(e).asRuntimeException();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof StatusRuntimeException ? (StatusRuntimeException) cause
          : Status.fromThrowable(cause).asRuntimeException();
    }
  }
}
