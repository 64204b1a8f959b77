package io.kamacache.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CacheStatistics counts exactly what it is told while enabled, and its averages are in microseconds. */
class CacheStatisticsCountsTest {

  private final CacheStatistics statistics = new CacheStatistics();

  private void recordOneOfEach() {
    statistics.recordHits(3);
    statistics.recordMisses(1);
    statistics.recordPuts(2);
    statistics.recordRemovals(1);
    statistics.recordEvictions(4);
  }

  @Test
  void countsWhileEnabled() {
    statistics.setEnabled(true);
    recordOneOfEach();

    assertThat(statistics.getCacheHits()).isEqualTo(3);
    assertThat(statistics.getCacheMisses()).isEqualTo(1);
    assertThat(statistics.getCacheGets()).isEqualTo(4);
    assertThat(statistics.getCachePuts()).isEqualTo(2);
    assertThat(statistics.getCacheRemovals()).isEqualTo(1);
    assertThat(statistics.getCacheEvictions()).isEqualTo(4);
    assertThat(statistics.getCacheHitPercentage()).isEqualTo(75f);
    assertThat(statistics.getCacheMissPercentage()).isEqualTo(25f);
  }

  @Test
  void countsNothingWhileDisabled() {
    recordOneOfEach();
    statistics.recordGetTime(System.nanoTime() - 1_000_000);

    assertThat(statistics.start()).isZero();
    assertThat(statistics.getCacheGets()).isZero();
    assertThat(statistics.getCachePuts()).isZero();
    assertThat(statistics.getCacheEvictions()).isZero();
    assertThat(statistics.getCacheHitPercentage()).isZero();
  }

  @Test
  void clearResetsEveryCounter() {
    statistics.setEnabled(true);
    recordOneOfEach();
    statistics.recordPutTime(System.nanoTime() - 1_000_000);
    statistics.clear();

    assertThat(statistics.getCacheGets() + statistics.getCachePuts() + statistics.getCacheRemovals()
        + statistics.getCacheEvictions()).isZero();
    assertThat(statistics.getAveragePutTime()).isZero();
  }

  @Test
  void averagesAreTotalMicrosecondsPerOperationOfTheirKind() {
    statistics.setEnabled(true);
    long now = System.nanoTime();
    statistics.recordHits(1);
    statistics.recordMisses(1);
    statistics.recordGetTime(now - TimeUnit.MILLISECONDS.toNanos(8));
    statistics.recordPuts(4);
    statistics.recordPutTime(now - TimeUnit.MILLISECONDS.toNanos(8));
    statistics.recordRemovals(1);
    statistics.recordRemoveTime(now - TimeUnit.MILLISECONDS.toNanos(8));

    // 8 ms or a little more (the clock moved on since 'now'), shared by the operations of each kind
    assertThat(statistics.getAverageGetTime()).isBetween(4_000f, 5_000f);
    assertThat(statistics.getAveragePutTime()).isBetween(2_000f, 2_500f);
    assertThat(statistics.getAverageRemoveTime()).isBetween(8_000f, 10_000f);
  }

  @Test
  void averagesWithoutOperationsAreZeroAndAZeroStartRecordsNoTime() {
    statistics.setEnabled(true);
    assertThat(statistics.getAverageGetTime()).isZero();
    statistics.recordHits(1);
    statistics.recordGetTime(0L);
    assertThat(statistics.getAverageGetTime()).isZero();
  }

  @Test
  void aCaptureTakesTheCountsOfItsThreadInsteadOfTheCounters() throws InterruptedException {
    statistics.setEnabled(true);
    try (CacheStatistics.Capture capture = CacheStatistics.capture()) {
      recordOneOfEach();
      statistics.recordGetTime(System.nanoTime() - 1_000_000);
      Thread other = new Thread(() -> statistics.recordHits(10));
      other.start();
      other.join();

      assertThat(capture.hits()).isEqualTo(3);
      assertThat(capture.misses()).isEqualTo(1);
      assertThat(capture.puts()).isEqualTo(2);
      assertThat(capture.removals()).isEqualTo(1);
    }
    assertThat(statistics.getCacheHits()).isEqualTo(10); // only the other thread's
    assertThat(statistics.getCacheMisses()).isZero();
    assertThat(statistics.getCacheEvictions()).isEqualTo(4); // evictions are never captured
    assertThat(statistics.getAverageGetTime()).isZero();

    statistics.recordRemote(1, 2, 3, 4);
    assertThat(statistics.getCacheHits()).isEqualTo(11);
    assertThat(statistics.getCacheMisses()).isEqualTo(2);
    assertThat(statistics.getCachePuts()).isEqualTo(3);
    assertThat(statistics.getCacheRemovals()).isEqualTo(4);
  }
}
