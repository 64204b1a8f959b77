package io.kamacache.cluster;

import io.kamacache.group.Group;
import io.kamacache.processor.EntryLockLostException;
import io.kamacache.processor.ProcessorEntry;
import io.kamacache.store.KeyGuard;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.cache.CacheException;

/**
 * One cache's key locks on this member, its owner, and the guard its store's changes ask (see
 * {@link KeyGuard}): while a key is locked every change of it, from any caller or from this member
 * itself, waits until the lock ends. Reads of the committed value do not wait. A lock is granted
 * and applied under the key's own lock in the store, so no change can slip between the value a
 * processor saw and the outcome it sends back.
 *
 * <p>With no lock held, a change pays one read of {@link #count}.
 */
final class CacheLocks implements KeyGuard<Object> {

  /** One granted lock. */
  static final class Held {
    final Object key;
    final byte[] keyBytes;
    final long token;
    /** Whether the key had a value when the lock was granted, for the hit or miss the Unlock counts. */
    final boolean existed;
    /** {@code System.nanoTime()} at which the lease ends. */
    final long expiresAt;
    final CountDownLatch released = new CountDownLatch(1);
    /** The thread applying the outcome, which the guard lets through. */
    volatile Thread applier;

    Held(Object key, byte[] keyBytes, long token, boolean existed, long expiresAt) {
      this.key = key;
      this.keyBytes = keyBytes;
      this.token = token;
      this.existed = existed;
      this.expiresAt = expiresAt;
    }

    boolean expired() {
      return System.nanoTime() - expiresAt >= 0;
    }
  }

  private final String cache;
  private final ConcurrentHashMap<Object, Held> held = new ConcurrentHashMap<>();
  /** Locks held now: the one read a change pays while there are none. */
  private final AtomicInteger count = new AtomicInteger();

  CacheLocks(String cache) {
    this.cache = cache;
  }

  @Override
  public Object holder(Object key) {
    if (count.get() == 0) {
      return null;
    }
    Held lock = held.get(key);
    if (lock == null || lock.applier == Thread.currentThread()) {
      return null;
    }
    if (lock.expired()) {
      release(lock); // a caller that died or paused past its lease no longer holds the key
      return null;
    }
    return lock;
  }

  @Override
  public void await(Object holder) {
    Held lock = (Held) holder;
    try {
      lock.released.await(Math.max(0, lock.expiresAt - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("cache '" + cache + "': interrupted while waiting for a key locked by an entry"
          + " processor; nothing was changed");
    }
  }

  /** The value a granted lock found: {@code value} is null if the key had none. */
  interface Granted<V> {
    void accept(Held lock, V value);
  }

  /**
   * Waits until no one else holds the key, then locks it for {@code leaseNanos} and hands the
   * lock and the key's value to {@code granted}, still under the key's lock in the store.
   */
  <V> Held grant(Group<Object, V> group, Object key, byte[] keyBytes, long token, long leaseNanos, Granted<V> granted) {
    return group.holding(key, (k, value) -> {
      Held lock = new Held(k, keyBytes, token, value != null, System.nanoTime() + leaseNanos);
      held.put(k, lock);
      count.incrementAndGet();
      granted.accept(lock, value);
      return lock;
    });
  }

  /**
   * Applies what the processor under lock {@code token} did, as an invoke here would have, and
   * ends the lock. Refused with {@link EntryLockLostException}, changing nothing, if that lock has
   * ended; the lock ends whatever happens.
   */
  <V> void apply(Group<Object, V> group, Object key, long token, ProcessorEntry.Outcome outcome, V value) {
    Held lock = held.get(key);
    if (lock == null || lock.token != token) {
      throw lost(key);
    }
    lock.applier = Thread.currentThread();
    try {
      group.applyProcessed(key, lock.existed, outcome, value, () -> {
        // Under the key's lock: a lease that ended, or a drop, stops everything here.
        if (held.get(key) != lock || lock.expired()) {
          throw lost(key);
        }
      });
    } finally {
      release(lock);
    }
  }

  /** Ends the lock {@code token} on the key without a change, if it is still held. */
  void releaseToken(Object key, long token) {
    Held lock = held.get(key);
    if (lock != null && lock.token == token) {
      release(lock);
    }
  }

  void release(Held lock) {
    if (held.remove(lock.key, lock)) {
      count.decrementAndGet();
    }
    lock.released.countDown();
  }

  /** Ends every lock whose key's bytes {@code keep} refuses. */
  void dropUnless(Predicate<byte[]> keep) {
    for (Held lock : held.values()) {
      if (!keep.test(lock.keyBytes)) {
        release(lock);
      }
    }
  }

  private EntryLockLostException lost(Object key) {
    return new EntryLockLostException("cache '" + cache + "': the lock on key " + key + " under which an entry"
        + " processor ran on its caller had ended (its lease ran out, or the key moved to another member) before"
        + " its outcome arrived; nothing was applied");
  }
}
