package io.kamacache.group;

import io.kamacache.store.Expiry;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

/**
 * Turns an {@link ExpiryPolicy}'s durations into absolute expiry times with the spec's rules:
 * a zero duration means "expired now", null means "leave it as it is", and a policy that throws
 * gets the spec's fallback (eternal on creation, unchanged otherwise).
 */
final class ExpiryRules {

  private final ExpiryPolicy policy;

  ExpiryRules(ExpiryPolicy policy) {
    this.policy = policy;
  }

  ExpiryPolicy policy() {
    return policy;
  }

  /** JSR-107's own policies only compute durations; anyone else's may do anything. */
  static boolean isBuiltIn(ExpiryPolicy policy) {
    Class<?> type = policy.getClass();
    return type == javax.cache.expiry.EternalExpiryPolicy.class || type == javax.cache.expiry.CreatedExpiryPolicy.class
        || type == javax.cache.expiry.AccessedExpiryPolicy.class || type == javax.cache.expiry.ModifiedExpiryPolicy.class
        || type == javax.cache.expiry.TouchedExpiryPolicy.class;
  }

  /** The expiry time of a new entry; at or before {@code now} means it must not be stored. */
  long onCreation(long now) {
    Duration duration;
    try {
      duration = policy.getExpiryForCreation();
    } catch (Throwable t) {
      duration = Duration.ETERNAL;
    }
    return duration == null ? Expiry.NEVER : toTime(duration, now);
  }

  /**
   * The store's rule for reads. JSR-107's eternal, created and modified policies never change an
   * expiry time on access, which nobody can observe, so for them the policy is not asked and a
   * read of an entry that never expires skips the clock. Any other policy is asked on every
   * access, as the spec says.
   */
  io.kamacache.store.Lru2Store.AccessRule<Object> accessRule() {
    Class<?> type = policy.getClass();
    boolean never = type == javax.cache.expiry.EternalExpiryPolicy.class
        || type == javax.cache.expiry.CreatedExpiryPolicy.class || type == javax.cache.expiry.ModifiedExpiryPolicy.class;
    if (never) {
      return io.kamacache.store.Lru2Store.AccessRule.unchanged();
    }
    return (value, current, now) -> onAccess(current, now);
  }

  long onAccess(long current, long now) {
    Duration duration;
    try {
      duration = policy.getExpiryForAccess();
    } catch (Throwable t) {
      return current;
    }
    return duration == null ? current : toTime(duration, now);
  }

  long onUpdate(long current, long now) {
    Duration duration;
    try {
      duration = policy.getExpiryForUpdate();
    } catch (Throwable t) {
      return current;
    }
    return duration == null ? current : toTime(duration, now);
  }

  private static long toTime(Duration duration, long now) {
    if (duration.isEternal()) {
      return Expiry.NEVER;
    }
    if (duration.isZero()) {
      return now;
    }
    return Expiry.after(now, duration.getDurationAmount(), duration.getTimeUnit());
  }
}
