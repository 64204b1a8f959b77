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
