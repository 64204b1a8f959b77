package io.kamacache.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.chaos.history.Fn;
import org.junit.jupiter.api.Test;

class AnomaliesTest {

  static Anomalies.Counts count(HistoryBuilder h) {
    return Anomalies.count(h.build());
  }

  @Test void linearizableHistoryWithConcurrencyAndUnknownWritesHasNoAnomalies() {
    HistoryBuilder h = new HistoryBuilder()
        .get("a", null, 0, 5)
        .put("a", 1, 10, 20)
        .put("b", 2, 12, 40)
        .get("c", 1L, 15, 25)
        .get("c", 2L, 41, 50)
        .unknown("a", Fn.PUT, 3L, null, 45)
        .get("b", 2L, 55, 60)
        .get("b", 3L, 65, 70)
        .cas("c", 3, 4, true, 75, 80)
        .incr("a", 5, 85, 90)
        .remove("b", true, 95, 100)
        .get("c", null, 105, 110);
    assertThat(LinearizabilityTest.check(h).ok()).isTrue();
    assertThat(count(h)).isEqualTo(new Anomalies.Counts(0, 0, 0));
  }

  @Test void lostWriteCountsOnceHoweverManyReadsMissIt() {
    assertThat(count(new HistoryBuilder()
        .put("a", 1, 0, 10)
        .put("a", 2, 20, 30)
        .get("b", 1L, 40, 50)
        .get("c", 1L, 60, 70)
        .get("b", 1L, 80, 90)))
        .isEqualTo(new Anomalies.Counts(1, 0, 3));
  }

  @Test void everyAcknowledgedWriteALaterReadMissesIsLost() {
    assertThat(count(new HistoryBuilder()
        .put("a", 1, 0, 10)
        .put("a", 2, 20, 30)
        .put("a", 3, 40, 50)
        .get("b", 1L, 60, 70)))
        .isEqualTo(new Anomalies.Counts(2, 0, 1));
  }

  @Test void staleReadBetweenReadsOfTheNewValueCountsOnce() {
    assertThat(count(new HistoryBuilder()
        .put("a", 1, 0, 10)
        .put("a", 2, 20, 30)
        .get("b", 2L, 35, 40)
        .get("c", 1L, 45, 50)
        .get("b", 2L, 55, 60)))
        .isEqualTo(new Anomalies.Counts(1, 0, 1));
  }

  @Test void readOfAbsentAfterAnAcknowledgedPutIsStaleUnlessARemoveMayHaveIntervened() {
    assertThat(count(new HistoryBuilder()
        .put("a", 1, 0, 10)
        .get("b", null, 20, 30)))
        .isEqualTo(new Anomalies.Counts(1, 0, 1));
    assertThat(count(new HistoryBuilder()
        .put("a", 1, 0, 10)
        .unknown("c", Fn.REMOVE, null, null, 12)
        .get("b", null, 20, 30)))
        .isEqualTo(new Anomalies.Counts(0, 0, 0));
  }

  @Test void valueWrittenAgainConcurrentlyIsNotStale() {
    assertThat(count(new HistoryBuilder()
        .put("a", 1, 0, 10)
        .put("a", 2, 20, 30)
        .put("c", 1, 25, 35)
        .get("b", 1L, 40, 50)))
        .isEqualTo(new Anomalies.Counts(0, 0, 0));
  }

  @Test void valueAnUnknownWriteMayStillHaveLandedIsNotStale() {
    assertThat(count(new HistoryBuilder()
        .unknown("c", Fn.PUT, 1L, null, 0)
        .put("a", 2, 20, 30)
        .get("b", 1L, 40, 50)))
        .isEqualTo(new Anomalies.Counts(0, 0, 0));
  }

  @Test void incrementThatSeesAValueAnAcknowledgedIncrementReplacedIsStale() {
    assertThat(count(new HistoryBuilder()
        .incr("a", 1, 0, 10)
        .incr("a", 2, 20, 30)
        .incr("a", 3, 40, 50)
        .incr("b", 3, 60, 70)))
        .isEqualTo(new Anomalies.Counts(1, 0, 1));
  }

  @Test void readsOfValuesNothingCouldHaveWrittenAreCounted() {
    assertThat(count(new HistoryBuilder()
        .put("a", 1, 0, 10)
        .get("b", 7L, 20, 30)
        .getAndPut("b", 2, 8L, 40, 50)
        .cas("b", 9, 3, true, 60, 70)
        .get("c", 0L, 80, 90)))
        .isEqualTo(new Anomalies.Counts(0, 4, 0));
  }

  @Test void valuesIncrementsCanReachAreNotNeverWritten() {
    assertThat(count(new HistoryBuilder()
        .put("a", 10, 0, 5)
        .incr("a", 11, 10, 20)
        .incr("b", 12, 10, 20)
        .unknown("c", Fn.INCR, null, null, 10)
        .get("a", 13L, 30, 40)
        .get("b", 2L, 30, 40)))
        .extracting(Anomalies.Counts::neverWrittenValues).isEqualTo(0);
  }

  @Test void incrementBeyondWhatTheIncrementsCanReachIsNeverWritten() {
    assertThat(count(new HistoryBuilder()
        .put("a", 10, 0, 5)
        .incr("a", 12, 10, 20)))
        .isEqualTo(new Anomalies.Counts(0, 1, 0));
  }

  @Test void argumentsOfFailedAndUnknownWritesCountAsWritten() {
    assertThat(count(new HistoryBuilder()
        .failed("a", Fn.PUT, 7L, null, 0, 10)
        .unknown("a", Fn.CAS, 8L, 1L, 20)
        .get("b", 7L, 30, 40)
        .get("b", 8L, 50, 60)))
        .extracting(Anomalies.Counts::neverWrittenValues).isEqualTo(0);
  }

  @Test void countsAddUpOverKeys() {
    assertThat(count(new HistoryBuilder()
        .key("x").put("a", 1, 0, 10).put("a", 2, 20, 30).get("b", 1L, 40, 50)
        .key("y").put("a", 1, 0, 10).put("a", 2, 20, 30).get("b", 1L, 40, 50)
        .key("z").get("b", 5L, 40, 50)))
        .isEqualTo(new Anomalies.Counts(2, 1, 2));
  }

  @Test void writesOnOtherKeysNeitherHideNorProduceValues() {
    assertThat(count(new HistoryBuilder()
        .key("x").put("a", 1, 0, 10)
        .key("y").put("a", 2, 20, 30)
        .key("x").get("b", 1L, 40, 50)
        .key("y").get("b", 1L, 40, 50)))
        .isEqualTo(new Anomalies.Counts(0, 1, 0));
  }
}
