package io.kamacache.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The size of history the chaos runs produce, on one key: 10,000 operations from 10 processes with
 * 20 UNKNOWN writes. The outcome is asserted, never the time, which is only printed.
 */
class LinearizabilityScaleTest {

  /** A safety net, not an expectation: the check takes a few seconds at most. */
  private static final Duration BUDGET = Duration.ofMinutes(5);

  @Test void tenThousandOperationsWithUnknownWritesPass() {
    List<Op> history = Simulation.run(42, 10, 10_000, 20);
    assertThat(history).hasSize(10_000);
    assertThat(history.stream().filter(op -> op.status() == Status.UNKNOWN)).hasSize(20);

    long started = System.nanoTime();
    Linearizability.Report report = Linearizability.check(history, BUDGET);
    System.out.printf("10,000 operations, 10 processes, 20 unknown writes: checked in %d ms%n",
        (System.nanoTime() - started) / 1_000_000);

    assertThat(report.violations()).isEmpty();
    assertThat(report.undecidedKeys()).isEmpty();
    assertThat(report.opsChecked()).isEqualTo(10_000);
    assertThat(Anomalies.count(history)).isEqualTo(new Anomalies.Counts(0, 0, 0));
  }

  @Test void tenThousandOperationsWithOneStaleReadNearTheEndFail() {
    List<Op> history = new ArrayList<>(Simulation.run(42, 10, 10_000, 20));
    int read = staleable(history, 9_000);
    history.set(read, withResult(history.get(read), history.get(firstPut(history)).arg()));

    long started = System.nanoTime();
    Linearizability.Report report = Linearizability.check(history, BUDGET);
    System.out.printf("the same with a stale read at operation %d: violation found in %d ms%n", read,
        (System.nanoTime() - started) / 1_000_000);

    assertThat(report.undecidedKeys()).isEmpty();
    assertThat(report.violations()).hasSize(1);
    assertThat(report.violations().get(0).context()).isNotEmpty();
    assertThat(Anomalies.count(history).staleReads()).isEqualTo(1);
    assertThat(Anomalies.count(history).lostAcknowledgedWrites()).isPositive();
  }

  @Test void manySeedsAndShapesPass() {
    for (long seed = 1; seed <= 20; seed++) {
      List<Op> history = Simulation.run(seed, 2 + (int) (seed % 19), 2_000, (int) seed);
      Linearizability.Report report = Linearizability.check(history, BUDGET);
      assertThat(report.ok()).as("seed %d: %s", seed, report).isTrue();
      assertThat(Anomalies.count(history)).as("seed %d", seed).isEqualTo(new Anomalies.Counts(0, 0, 0));
    }
  }

  /** An OK GET at or after {@code from} that starts after the first OK PUT and a later write both ended. */
  static int staleable(List<Op> history, int from) {
    Op first = history.get(firstPut(history));
    long overwritten = Long.MAX_VALUE;
    for (Op op : history) {
      if (op.status() == Status.OK && op.start() > first.end() && op.fn() == Fn.PUT) {
        overwritten = Math.min(overwritten, op.end());
      }
    }
    for (int i = from; i < history.size(); i++) {
      Op op = history.get(i);
      if (op.status() == Status.OK && op.fn() == Fn.GET && op.start() > overwritten) {
        return i;
      }
    }
    throw new AssertionError("no read to make stale");
  }

  static int firstPut(List<Op> history) {
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).status() == Status.OK && history.get(i).fn() == Fn.PUT) {
        return i;
      }
    }
    throw new AssertionError("no acknowledged put");
  }

  static Op withResult(Op op, Long result) {
    return new Op(op.process(), op.id(), op.key(), op.fn(), op.arg(), op.expected(), result, op.status(),
        op.start(), op.end());
  }
}
