package io.kamacache.store;

import java.util.concurrent.TimeUnit;

/**
 * Absolute expiry times. "Never" is its own value rather than a far-away instant, so that no sum
 * of a clock reading and a duration can overflow into it or past it by accident.
 */
public final class Expiry {

  /** The expiry time of an entry that never expires. */
  public static final long NEVER = Long.MAX_VALUE;

  private Expiry() {}

  /** The absolute time {@code amount unit} after {@code now}, saturating just below NEVER. */
  public static long after(long now, long amount, TimeUnit unit) {
    long nanos = unit.toNanos(amount);
    long at = now + nanos;
    // Overflow (both operands positive, sum negative) or a sum that lands on NEVER both mean
    // "later than anything we can represent", which is still a finite time.
    if (((now ^ at) & (nanos ^ at)) < 0 || at == NEVER) {
      return NEVER - 1;
    }
    return at;
  }

  /** Whether an entry with this expiry time is expired at {@code now}. */
  public static boolean isExpired(long expiresAt, long now) {
    return expiresAt != NEVER && now >= expiresAt;
  }
}
