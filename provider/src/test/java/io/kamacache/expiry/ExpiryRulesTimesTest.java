package io.kamacache.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.store.Expiry;
import io.kamacache.store.ManualTicker;
import java.util.concurrent.TimeUnit;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.Test;

/** The absolute expiry times ExpiryRules derives from a policy's durations, on a manual clock. */
class ExpiryRulesTimesTest {

  private static final Duration ONE_MINUTE = new Duration(TimeUnit.MINUTES, 1);
  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ManualTicker ticker = new ManualTicker();

  /** A policy whose every method throws. */
  private static final ExpiryPolicy BROKEN = new ExpiryPolicy() {
    @Override public Duration getExpiryForCreation() {
      throw new IllegalStateException("broken");
    }

    @Override public Duration getExpiryForAccess() {
      throw new IllegalStateException("broken");
    }

    @Override public Duration getExpiryForUpdate() {
      throw new IllegalStateException("broken");
    }
  };

  @Test
  void aDurationCountsFromNow() {
    ExpiryRules rules = new ExpiryRules(new TouchedExpiryPolicy(ONE_MINUTE));
    long created = ticker.nanos();
    assertThat(rules.onCreation(() -> created)).isEqualTo(created + MINUTE_NANOS);

    ticker.advance(30, TimeUnit.SECONDS);
    long later = ticker.nanos();
    assertThat(rules.onAccess(created + MINUTE_NANOS, later)).isEqualTo(later + MINUTE_NANOS);
    assertThat(rules.onUpdate(created + MINUTE_NANOS, () -> later)).isEqualTo(later + MINUTE_NANOS);
  }

  @Test
  void aNullDurationLeavesTheTimeAsItIs() {
    ExpiryRules rules = new ExpiryRules(new CreatedExpiryPolicy(ONE_MINUTE));
    long current = ticker.nanos() + 12345;
    ticker.advance(10, TimeUnit.SECONDS);

    assertThat(rules.onAccess(current, ticker.nanos())).isEqualTo(current);
    assertThat(rules.onUpdate(current, () -> ticker.nanos())).isEqualTo(current);
  }

  @Test
  void aZeroDurationExpiresAtOnce() {
    ExpiryRules rules = new ExpiryRules(new ModifiedExpiryPolicy(Duration.ZERO));
    long now = ticker.nanos();

    assertThat(Expiry.isExpired(rules.onCreation(() -> now), now)).isTrue();
    assertThat(Expiry.isExpired(rules.onUpdate(Expiry.NEVER, () -> now), now)).isTrue();
  }

  @Test
  void eternalIsNeverNotALargeNumber() {
    ExpiryRules rules = new ExpiryRules(new EternalExpiryPolicy());
    assertThat(rules.onCreation(() -> ticker.nanos())).isEqualTo(Expiry.NEVER);
  }

  @Test
  void anEternalDurationNeverReadsTheClock() {
    ExpiryRules rules = new ExpiryRules(new EternalExpiryPolicy());
    java.util.function.LongSupplier noClock = () -> {
      throw new AssertionError("the clock was read for an eternal duration");
    };
    assertThat(rules.onCreation(noClock)).isEqualTo(Expiry.NEVER);
    assertThat(rules.onUpdate(Expiry.NEVER, noClock)).isEqualTo(Expiry.NEVER);
  }

  @Test
  void aPolicyThatThrowsGetsTheSpecsFallbacks() {
    ExpiryRules rules = new ExpiryRules(BROKEN);
    long current = ticker.nanos() + MINUTE_NANOS;

    assertThat(rules.onCreation(() -> ticker.nanos())).isEqualTo(Expiry.NEVER);
    assertThat(rules.onAccess(current, ticker.nanos())).isEqualTo(current);
    assertThat(rules.onUpdate(current, () -> ticker.nanos())).isEqualTo(current);
  }

  @Test
  void onlyPoliciesThatChangeTimesOnAccessMoveThemOnReads() {
    assertThat(new ExpiryRules(new EternalExpiryPolicy()).movesOnAccess()).isFalse();
    assertThat(new ExpiryRules(new CreatedExpiryPolicy(ONE_MINUTE)).movesOnAccess()).isFalse();
    assertThat(new ExpiryRules(new ModifiedExpiryPolicy(ONE_MINUTE)).movesOnAccess()).isFalse();
    assertThat(new ExpiryRules(new AccessedExpiryPolicy(ONE_MINUTE)).movesOnAccess()).isTrue();
    assertThat(new ExpiryRules(BROKEN).movesOnAccess()).isTrue();
  }

  @Test
  void theAccessRuleAsksThePolicy() {
    ExpiryRules rules = new ExpiryRules(new AccessedExpiryPolicy(ONE_MINUTE));
    long now = ticker.nanos();
    assertThat(rules.accessRule().expiresAt("value", now + 5, now)).isEqualTo(now + MINUTE_NANOS);
  }

  @Test
  void onlyJsr107sOwnPoliciesAreBuiltIn() {
    assertThat(new ExpiryRules(new TouchedExpiryPolicy(ONE_MINUTE)).isBuiltIn()).isTrue();
    assertThat(new ExpiryRules(new EternalExpiryPolicy()).isBuiltIn()).isTrue();
    assertThat(new ExpiryRules(BROKEN).isBuiltIn()).isFalse();
  }
}
