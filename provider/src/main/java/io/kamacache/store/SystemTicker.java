package io.kamacache.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()}, with a copy refreshed every few milliseconds by one daemon thread for
 * the whole JVM. Reading {@code nanoTime} costs about as much as a whole cache hit; a hit on an
 * entry that expires in minutes only needs to know that it is not about to expire, and a volatile
 * read of the copy tells it that.
 *
 * <p>The thread starts at the first read of the copy, which only a hit on an entry that can
 * expire makes: a JVM whose caches never expire anything is not woken 100 times a second (each
 * wake-up cost about 44 µs of CPU on the 2-core machine of docs/performance.md).
 */
public final class SystemTicker implements Ticker {

  private static final SystemTicker INSTANCE = new SystemTicker();
  /** How stale the copy may be: far inside {@link Ticker#RECENT_GUARD_NANOS}, and a wake-up every 10 ms costs nothing. */
  static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** What {@link #recent} holds until the refresher runs. */
  private static final long NOT_STARTED = Long.MIN_VALUE;

  private volatile long recent = NOT_STARTED;

  /** The JVM's monotonic clock; one per JVM, so one refresher thread. */
  public static Ticker instance() {
    return INSTANCE;
  }

  private SystemTicker() {}

  /** Starts the refresher, once; returns the copy, which never runs ahead of a later one. */
  private synchronized long start() {
    if (recent == NOT_STARTED) {
      recent = System.nanoTime();
      Thread refresher = new Thread(this::refresh, "kamacache-clock");
      refresher.setDaemon(true);
      refresher.start();
    }
    return recent;
  }

  private void refresh() {
    while (true) {
      LockSupport.parkNanos(REFRESH_NANOS);
      long now = System.nanoTime();
      recent = now == NOT_STARTED ? now + 1 : now;
    }
  }

  @Override public long nanos() {
    return System.nanoTime();
  }

  @Override public long recentNanos() {
    long copy = recent;
    return copy == NOT_STARTED ? start() : copy;
  }
}
