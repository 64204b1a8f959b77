package io.kamacache.store;

/**
 * The source of time for expiry. Injected everywhere so that tests can move time by hand instead
 * of sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * How far from its expiry time an entry must be, by {@link #recentNanos()}, for a read to trust
   * that reading instead of the exact clock. Far more than the recent reading's lag can be while
   * its thread runs at all, so the answer is the exact one.
   */
  long RECENT_GUARD_NANOS = 1_000_000_000L;

  /** Monotonic nanoseconds from an arbitrary origin. */
  long nanos();

  /**
   * A reading of {@link #nanos()} that is never ahead of it and usually a few milliseconds
   * behind, for reads that only need to know that an entry is far from expiring.
   */
  default long recentNanos() {
    return nanos();
  }
}
