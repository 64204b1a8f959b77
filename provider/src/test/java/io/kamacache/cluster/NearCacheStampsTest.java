package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.store.ManualTicker;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The rules that keep a near copy from going back in time, one interleaving at a time. */
class NearCacheStampsTest {

  private final ManualTicker ticker = new ManualTicker();
  private final ClusterMetrics metrics = new ClusterMetrics("m");
  private final NearCache<String> near = new NearCache<>(100, TimeUnit.SECONDS.toNanos(60), ticker, metrics);
  private static final byte[] OLD = {1};
  private static final byte[] NEW = {2};

  @Test
  void aReadThatLeftBeforeAnInvalidationDoesNotInstallItsAnswer() {
    long stamp = near.stamp("k");
    near.invalidate("k"); // a write went out, or an owner said the key changed
    near.install("k", OLD, -1, stamp);
    assertThat(near.get("k")).isNull();
  }

  @Test
  void aReadThatLeftAfterTheInvalidationInstalls() {
    near.invalidate("k");
    long stamp = near.stamp("k");
    near.install("k", NEW, -1, stamp);
    assertThat(near.get("k")).isEqualTo(NEW);
  }

  @Test
  void anInvalidationAfterTheInstallRemovesTheCopy() {
    near.install("k", OLD, -1, near.stamp("k"));
    near.invalidate("k");
    assertThat(near.get("k")).isNull();
  }

  @Test
  void invalidatingEverythingStopsReadsInFlightToo() {
    long stamp = near.stamp("k");
    near.install("other", OLD, -1, near.stamp("other"));
    near.invalidateAll();
    near.install("k", OLD, -1, stamp);
    assertThat(near.get("k")).isNull();
    assertThat(near.get("other")).isNull();
  }

  @Test
  void aCopyLivesUntilTheOwnersExpiryOrTheMaximumAgeWhicheverIsFirst() {
    near.install("short", OLD, TimeUnit.SECONDS.toNanos(5), near.stamp("short"));
    near.install("eternal", OLD, -1, near.stamp("eternal"));
    ticker.advance(5, TimeUnit.SECONDS);
    assertThat(near.get("short")).isNull();
    assertThat(near.get("eternal")).isEqualTo(OLD);
    ticker.advance(55, TimeUnit.SECONDS);
    assertThat(near.get("eternal")).isNull();
  }

  @Test
  void hitsAndMissesAreCounted() {
    near.get("k");
    near.install("k", OLD, -1, near.stamp("k"));
    near.get("k");
    near.get("k");
    assertThat(metrics.getNearCacheHits()).isEqualTo(2);
    assertThat(metrics.getNearCacheMisses()).isEqualTo(1);
  }
}
