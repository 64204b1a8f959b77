package io.kamacache.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeasuresTest {

  private static final long S = 1_000_000_000L;

  private static Op op(String process, String key, Status status, long start, long end) {
    return new Op(process, start, key, Fn.GET, null, null, null, status, start, end);
  }

  @Test
  void theLongestGapIsBetweenConsecutiveOkCompletionsOnOneKey() {
    List<Op> history = List.of(
        op("m1-t0", "a", Status.OK, 0, 1 * S),
        op("m1-t0", "a", Status.UNKNOWN, 2 * S, 5 * S),
        op("m1-t0", "a", Status.OK, 6 * S, 7 * S),
        op("m2-t0", "b", Status.OK, 0, 1 * S),
        op("m2-t0", "b", Status.OK, 2 * S, 3 * S),
        op("m2-t0", "b", Status.OK, 6 * S, 7 * S));
    Measures measures = Measures.of(history);
    assertThat(measures.longestUnavailable()).isEqualTo(Duration.ofSeconds(6));
    assertThat(measures.worstKey()).isEqualTo("a");
  }

  @Test
  void aKeyThatNeverComesBackIsUnavailableToTheEndOfTheWorkload() {
    List<Op> history = List.of(
        op("m1-t0", "a", Status.OK, 0, 1 * S),
        op("m1-t0", "a", Status.UNKNOWN, 2 * S, Long.MAX_VALUE),
        op("m2-t0", "b", Status.OK, 0, 1 * S),
        op("m2-t0", "b", Status.OK, 9 * S, 10 * S));
    Measures measures = Measures.of(history);
    assertThat(measures.longestUnavailable()).isEqualTo(Duration.ofSeconds(9));
    assertThat(measures.worstKey()).isEqualTo("a");
  }

  @Test
  void finalReadsAreNotPartOfTheWorkloadWindow() {
    List<Op> history = List.of(
        op("m1-t0", "a", Status.OK, 0, 1 * S),
        op("m1-t0", "a", Status.OK, 1 * S, 2 * S),
        op("m1-final", "a", Status.OK, 60 * S, 61 * S));
    assertThat(Measures.of(history).longestUnavailable()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void countsOperationsByStatus() {
    List<Op> history = List.of(
        op("p", "a", Status.OK, 0, 1),
        op("p", "a", Status.FAIL, 2, 3),
        op("p", "a", Status.UNKNOWN, 4, Long.MAX_VALUE),
        op("p", "a", Status.UNKNOWN, 5, 6));
    Measures measures = Measures.of(history);
    assertThat(measures.ok()).isEqualTo(1);
    assertThat(measures.failed()).isEqualTo(1);
    assertThat(measures.unknown()).isEqualTo(2);
    assertThat(measures.failedShare()).isEqualTo(0.75);
  }

  @Test
  void anEmptyHistoryMeasuresNothing() {
    Measures measures = Measures.of(List.of());
    assertThat(measures.ops()).isZero();
    assertThat(measures.failedShare()).isZero();
  }
}
