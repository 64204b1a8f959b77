package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SystemTickerTest {

  @Test
  void theRecentReadingIsNeverAheadOfTheClockAndKeepsMoving() throws InterruptedException {
    Ticker ticker = SystemTicker.instance();
    long first = ticker.recentNanos();
    assertThat(first).isLessThanOrEqualTo(ticker.nanos());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ticker.recentNanos() == first && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    long later = ticker.recentNanos();
    assertThat(later).isGreaterThan(first).isLessThanOrEqualTo(ticker.nanos());
  }
}
