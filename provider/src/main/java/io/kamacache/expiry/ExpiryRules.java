package io.kamacache.expiry;

import io.kamacache.store.Expiry;
import io.kamacache.store.Lru2Store;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * Turns an {@link ExpiryPolicy}'s durations into absolute expiry times with the spec's rules:
 * a zero duration means "expired now", null means "leave it as it is", and a policy that throws
 * gets the spec's fallback (eternal on creation, unchanged otherwise).
 */
public final class ExpiryRules {

  /** JSR-107's own policies only compute durations; anyone else's may do anything, even block. */
  private static final Set<Class<?>> BUILT_IN = Set.of(EternalExpiryPolicy.class, CreatedExpiryPolicy.class,
      AccessedExpiryPolicy.class, ModifiedExpiryPolicy.class, TouchedExpiryPolicy.class);
  /** The built-in policies whose getExpiryForAccess is always null. */
  private static final Set<Class<?>> NEVER_ON_ACCESS = Set.of(EternalExpiryPolicy.class, CreatedExpiryPolicy.class,
      ModifiedExpiryPolicy.class);

  private final ExpiryPolicy policy;
  private final boolean builtIn;
  private final Lru2Store.AccessRule<Object> accessRule;

  public ExpiryRules(ExpiryPolicy policy) {
    this.policy = policy;
    this.builtIn = BUILT_IN.contains(policy.getClass());
    this.accessRule = NEVER_ON_ACCESS.contains(policy.getClass()) ? Lru2Store.AccessRule.unchanged()
        : (value, current, now) -> onAccess(current, now);
  }

  public ExpiryPolicy policy() {
    return policy;
  }

  /** Whether the policy is one of JSR-107's own, which never block. */
  public boolean isBuiltIn() {
    return builtIn;
  }

  /** Whether a read may move an entry's expiry time, which its backups must then learn. */
  public boolean movesOnAccess() {
    return accessRule.readsClock();
  }

  /**
   * The store's rule for reads. JSR-107's eternal, created and modified policies never change an
   * expiry time on access, which nobody can observe, so for them the policy is not asked and a
   * read of an entry that never expires skips the clock. Any other policy is asked on every
   * access, as the spec says.
   */
  public Lru2Store.AccessRule<Object> accessRule() {
    return accessRule;
  }

  /**
   * The expiry time of a new entry; at or before {@code now} means it must not be stored. The
   * clock is read only for a finite duration: an eternal cache's writes never read it, which on a
   * virtual machine's clock was a tenth of a put.
   */
  public long onCreation(LongSupplier now) {
    Duration duration;
    try {
      duration = policy.getExpiryForCreation();
    } catch (Throwable t) {
      duration = Duration.ETERNAL;
    }
    return duration == null ? Expiry.NEVER : toTime(duration, now);
  }

  /** The expiry time after a read; {@code current} when the policy leaves it as it is. */
  public long onAccess(long current, long now) {
    Duration duration;
    try {
      duration = policy.getExpiryForAccess();
    } catch (Throwable t) {
      return current;
    }
    return duration == null ? current : toTime(duration, now);
  }

  /** The expiry time after an update; {@code current} when the policy leaves it as it is. */
  public long onUpdate(long current, LongSupplier now) {
    Duration duration;
    try {
      duration = policy.getExpiryForUpdate();
    } catch (Throwable t) {
      return current;
    }
    return duration == null ? current : toTime(duration, now);
  }

  private static long toTime(Duration duration, LongSupplier now) {
    return duration.isEternal() ? Expiry.NEVER : toTime(duration, now.getAsLong());
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
