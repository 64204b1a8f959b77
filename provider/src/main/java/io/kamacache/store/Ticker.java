package io.kamacache.store;

/**
 * The source of time for expiry. Injected everywhere so that tests can move time by hand instead
 * of sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /** Monotonic nanoseconds from an arbitrary origin. */
  long nanos();

  /** The JVM's monotonic clock. */
  static Ticker system() {
    return System::nanoTime;
  }
}
