package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

  @Test
  void theRefresherStartsOnlyWhenTheCopyIsFirstRead() throws Exception {
    // In a JVM of its own: this one's other tests may have read the copy already.
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        RefresherProbe.class.getName()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output.trim()).isEqualTo("before: false, after: true");
  }

  /** Reads the exact clock, then the copy, and says whether the refresher ran before and after. */
  static final class RefresherProbe {
    public static void main(String[] args) throws InterruptedException {
      Ticker ticker = SystemTicker.instance();
      ticker.nanos();
      Thread.sleep(50);
      boolean before = refresherRuns();
      ticker.recentNanos();
      System.out.println("before: " + before + ", after: " + refresherRuns());
    }

    private static boolean refresherRuns() {
      return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("kamacache-clock"));
    }
  }
}
