package io.kamacache.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.management.CacheStatistics;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Each Timing adds an operation's time to its own averages only, even when the operation throws. */
class TimingRecordsTheRightAveragesTest {

  private static final long PAUSE_NANOS = 2_000_000;

  private final CacheStatistics statistics = new CacheStatistics();

  /** One get, one put and one removal counted, so that every average has a count to divide by. */
  private void countOneOfEach() {
    statistics.recordHits(1);
    statistics.recordPuts(1);
    statistics.recordRemovals(1);
  }

  private static void pause() {
    long end = System.nanoTime() + PAUSE_NANOS;
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(end - System.nanoTime());
    }
  }

  @Test
  void getAndRemoveCountsTowardsTheGetAndRemoveAveragesButNotPut() {
    statistics.setEnabled(true);
    String result = Timing.GET_AND_REMOVE.call(statistics, () -> {
      countOneOfEach();
      pause();
      return "done";
    });

    assertThat(result).isEqualTo("done");
    assertThat(statistics.getAverageGetTime()).isGreaterThanOrEqualTo(PAUSE_NANOS / 1000f);
    assertThat(statistics.getAverageRemoveTime()).isGreaterThanOrEqualTo(PAUSE_NANOS / 1000f);
    assertThat(statistics.getAveragePutTime()).isZero();
  }

  @Test
  void putCountsTheTimeOfAnOperationThatThrows() {
    statistics.setEnabled(true);
    assertThatThrownBy(() -> Timing.PUT.run(statistics, () -> {
      countOneOfEach();
      pause();
      throw new IllegalStateException("failed");
    })).hasMessage("failed");

    assertThat(statistics.getAveragePutTime()).isGreaterThanOrEqualTo(PAUSE_NANOS / 1000f);
    assertThat(statistics.getAverageGetTime()).isZero();
    assertThat(statistics.getAverageRemoveTime()).isZero();
  }

  @Test
  void untimedRecordsNoTime() {
    statistics.setEnabled(true);
    Timing.UNTIMED.run(statistics, () -> {
      countOneOfEach();
      pause();
    });

    assertThat(statistics.getAverageGetTime()).isZero();
    assertThat(statistics.getAveragePutTime()).isZero();
    assertThat(statistics.getAverageRemoveTime()).isZero();
  }
}
