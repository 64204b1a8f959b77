package io.kamacache.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {

  /** Far more than any of these histories needs: they are decided in microseconds. */
  static final Duration BUDGET = Duration.ofMinutes(2);

  static Linearizability.Report check(HistoryBuilder h) {
    return Linearizability.check(h.build(), BUDGET);
  }

  static void assertViolation(HistoryBuilder h) {
    Linearizability.Report report = check(h);
    assertThat(report.undecidedKeys()).isEmpty();
    assertThat(report.violations()).extracting(Linearizability.Violation::key).containsExactly("k");
    assertThat(report.ok()).isFalse();
  }

  static void assertLinearizable(HistoryBuilder h) {
    Linearizability.Report report = check(h);
    assertThat(report.violations()).isEmpty();
    assertThat(report.undecidedKeys()).isEmpty();
    assertThat(report.ok()).isTrue();
  }

  @Nested class Catches {

    @Test void lostWriteWhenALaterReadReturnsTheValueTheAcknowledgedPutReplaced() {
      assertViolation(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .put("a", 2, 20, 30)
          .get("b", 1L, 40, 50));
    }

    @Test void staleReadBetweenTwoReadsOfTheNewValue() {
      assertViolation(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .put("a", 2, 20, 30)
          .get("b", 2L, 35, 40)
          .get("c", 1L, 45, 50)
          .get("b", 2L, 55, 60));
    }

    @Test void splitBrainWhereTwoClientsBothSwapTheSameValue() {
      assertViolation(new HistoryBuilder()
          .put("a", 0, 0, 10)
          .cas("b", 0, 100, true, 20, 40)
          .cas("c", 0, 200, true, 20, 40));
    }

    @Test void splitBrainWhereReadsGoBackToAValueThatWasOverwritten() {
      assertViolation(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .put("a", 2, 20, 60)
          .get("b", 1L, 25, 30)
          .get("b", 2L, 35, 40)
          .get("b", 1L, 45, 50));
    }

    @Test void twoIncrementsReturningTheSameValue() {
      assertViolation(new HistoryBuilder()
          .incr("a", 1, 0, 30)
          .incr("b", 1, 5, 25));
    }

    @Test void incrementsReturningTheSameValueOneAfterTheOther() {
      assertViolation(new HistoryBuilder()
          .put("a", 10, 0, 5)
          .incr("a", 11, 10, 20)
          .incr("b", 11, 30, 40));
    }

    @Test void readOfAValueNothingWrote() {
      assertViolation(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .get("b", 7L, 20, 30));
    }

    @Test void readOfAValueWrittenOnlyByAFailedPut() {
      assertViolation(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .failed("a", Fn.PUT, 2L, null, 20, 30)
          .get("b", 2L, 40, 50));
    }

    @Test void readOfAnUnknownWriteBeforeThatWriteStarted() {
      assertViolation(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .get("b", 2L, 20, 30)
          .unknown("a", Fn.PUT, 2L, null, 40));
    }

    @Test void removeThatFoundAValueInAnEmptyRegister() {
      assertViolation(new HistoryBuilder()
          .remove("a", true, 0, 10));
    }

    @Test void getAndPutReturningSomethingOtherThanTheOldValue() {
      assertViolation(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .getAndPut("a", 2, 3L, 20, 30));
    }

    @Test void successfulCasWhenTheValueDiffered() {
      assertViolation(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .cas("a", 2, 3, true, 20, 30));
    }

    @Test void readOfAnOldValueEvenThoughManyUnknownWritesOfOtherValuesCouldHaveLanded() {
      HistoryBuilder h = new HistoryBuilder().put("a", 1, 0, 10).put("a", 2, 20, 30);
      for (int i = 0; i < 40; i++) {
        h.unknown("u" + i, Fn.PUT, 1000L + i, null, 31 + i);
      }
      assertViolation(h.get("b", 1L, 100, 110));
    }
  }

  @Nested class Accepts {

    @Test void concurrentOperationsThatOnlyFitInAnOrderOtherThanTheyStartedOrEnded() {
      // The put of 1 starts first and ends last, yet must go first; the put of 2 ends first, yet
      // must go after it, because of the reads.
      assertLinearizable(new HistoryBuilder()
          .put("a", 1, 0, 100)
          .put("b", 2, 0, 20)
          .get("c", 1L, 5, 15)
          .get("d", 2L, 30, 40)
          .get("c", 2L, 110, 120));
    }

    @Test void readsConcurrentWithAWriteMaySeeEitherValueButNotFlipBack() {
      assertLinearizable(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .put("a", 2, 20, 100)
          .get("b", 1L, 25, 30)
          .get("c", 2L, 26, 40)
          .get("b", 2L, 45, 50));
    }

    @Test void unknownWriteWhoseValueShowsUpLater() {
      assertLinearizable(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .unknown("a", Fn.PUT, 2L, null, 20)
          .get("b", 1L, 30, 40)
          .get("b", 2L, 1000, 1010)
          .get("c", 2L, 2000, 2010));
    }

    @Test void unknownWriteThatNeverTakesEffect() {
      assertLinearizable(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .unknown("a", Fn.PUT, 2L, null, 20)
          .get("b", 1L, 30, 40)
          .get("b", 1L, 50, 60));
    }

    @Test void failedOperationsAreIgnored() {
      assertLinearizable(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .failed("a", Fn.PUT, 2L, null, 20, 30)
          .failed("a", Fn.INCR, null, null, 20, 30)
          .failed("a", Fn.REMOVE, null, null, 20, 30)
          .get("b", 1L, 40, 50));
    }

    @Test void readsOfAbsentBeforeAnyWrite() {
      assertLinearizable(new HistoryBuilder()
          .get("a", null, 0, 10)
          .get("b", null, 15, 30)
          .put("c", 1, 20, 40)
          .get("a", 1L, 50, 60));
    }

    @Test void casThatFailsBecauseTheValueDiffers() {
      assertLinearizable(new HistoryBuilder()
          .cas("a", 1, 2, false, 0, 10)
          .put("a", 1, 20, 30)
          .cas("b", 3, 4, false, 40, 50)
          .get("a", 1L, 60, 70)
          .cas("b", 1, 5, true, 80, 90)
          .get("a", 5L, 100, 110));
    }

    @Test void getAndPutAndRemoveFollowTheRegister() {
      assertLinearizable(new HistoryBuilder()
          .getAndPut("a", 1, null, 0, 10)
          .getAndPut("a", 2, 1L, 20, 30)
          .remove("b", true, 40, 50)
          .remove("b", false, 60, 70)
          .get("a", null, 80, 90));
    }

    @Test void incrementsCountFromAbsentAndFromAWrittenValue() {
      assertLinearizable(new HistoryBuilder()
          .incr("a", 1, 0, 10)
          .incr("a", 3, 20, 40)
          .incr("b", 2, 25, 35)
          .put("a", 10, 50, 60)
          .incr("b", 11, 70, 80));
    }

    @Test void unknownIncrementThatLanded() {
      assertLinearizable(new HistoryBuilder()
          .incr("a", 1, 0, 10)
          .unknown("b", Fn.INCR, null, null, 20)
          .incr("a", 3, 30, 40));
    }

    @Test void unknownWriteOfAValueNobodyReadsCanExplainAFailedCas() {
      assertLinearizable(new HistoryBuilder()
          .put("a", 5, 0, 10)
          .unknown("b", Fn.PUT, 9L, null, 20)
          .cas("a", 5, 6, false, 30, 40));
    }

    @Test void unknownRemoveCanExplainAReadOfAbsent() {
      assertLinearizable(new HistoryBuilder()
          .put("a", 5, 0, 10)
          .unknown("b", Fn.REMOVE, null, null, 20)
          .get("a", null, 30, 40));
    }

    @Test void manyUnknownWritesOfWhichOnlyTheLastLands() {
      HistoryBuilder h = new HistoryBuilder().put("a", 1, 0, 10);
      for (int i = 0; i < 40; i++) {
        h.unknown("u" + i, Fn.PUT, 1000L + i, null, 20 + i);
      }
      assertLinearizable(h.get("b", 1L, 100, 110).get("b", 1039L, 120, 130).get("c", 1039L, 140, 150));
    }

    @Test void unknownReadsAreDroppedWhateverTheyClaim() {
      assertLinearizable(new HistoryBuilder()
          .put("a", 1, 0, 10)
          .add("b", Fn.GET, null, null, 42L, Status.UNKNOWN, 20, Long.MAX_VALUE));
    }
  }

  @Test void keysAreCheckedIndependently() {
    Linearizability.Report report = check(new HistoryBuilder()
        .key("good").put("a", 1, 0, 10).get("b", 1L, 20, 30)
        .key("bad").put("a", 1, 0, 10).get("b", 2L, 20, 30)
        .key("failed-only").failed("a", Fn.PUT, 1L, null, 0, 10));

    assertThat(report.keys()).isEqualTo(3);
    assertThat(report.opsChecked()).isEqualTo(4);
    assertThat(report.violations()).extracting(Linearizability.Violation::key).containsExactly("bad");
  }

  @Test void keyWhoseSearchRunsOutOfBudgetIsUndecidedNotPassing() {
    Linearizability.Report report = Linearizability.check(
        new HistoryBuilder().put("a", 1, 0, 10).get("b", 1L, 20, 30).build(), Duration.ZERO);

    assertThat(report.undecidedKeys()).containsExactly("k");
    assertThat(report.violations()).isEmpty();
    assertThat(report.ok()).isFalse();
  }

  @Test void explanationNamesTheOperationThatCannotFollowTheLongestValidOrder() {
    Linearizability.Report report = check(new HistoryBuilder()
        .put("a", 1, 0, 10)
        .put("a", 2, 20, 30)
        .get("b", 1L, 40, 50));

    Linearizability.Violation violation = report.violations().get(0);
    assertThat(violation.explanation())
        .contains("at most 2 of the 3 acknowledged operations")
        .contains("PUT(2)")
        .contains("leaves the register at 2")
        .contains("b #3 GET -> 1")
        .contains("it returned 1 but the register held 2");
    assertThat(violation.context()).extracting(Op::id).contains(3L, 2L);
  }

  @Test void operationsMissingTheirArgumentAreRefused() {
    List<Op> history = new HistoryBuilder().add("a", Fn.CAS, 1L, null, 1L, Status.OK, 0, 10).build();
    assertThatThrownBy(() -> Linearizability.check(history, BUDGET)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void emptyHistoryIsLinearizable() {
    assertThat(Linearizability.check(List.of(), BUDGET)).isEqualTo(
        new Linearizability.Report(0, 0, List.of(), List.of()));
  }
}
