package io.kamacache.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()}, with a copy refreshed every few milliseconds by one daemon thread for
 * the whole JVM. Reading {@code nanoTime} costs about as much as a whole cache hit; a hit on an
 * entry that expires in minutes only needs to know that it is not about to expire, and a volatile
 * read of the copy tells it that.
 */
public final class SystemTicker implements Ticker {

  private static final SystemTicker INSTANCE = new SystemTicker();
  /** How stale the copy may be: far inside {@link Ticker#RECENT_GUARD_NANOS}, and a wake-up every 10 ms costs nothing. */
  static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private volatile long recent = System.nanoTime();

  /** The JVM's monotonic clock; one per JVM, so one refresher thread. */
  public static Ticker instance() {
    return INSTANCE;
  }

  private SystemTicker() {
    Thread refresher = new Thread(this::refresh, "kamacache-clock");
    refresher.setDaemon(true);
    refresher.start();
  }

  private void refresh() {
    while (true) {
      LockSupport.parkNanos(REFRESH_NANOS);
      recent = System.nanoTime();
    }
  }

  @Override public long nanos() {
    return System.nanoTime();
  }

  @Override public long recentNanos() {
    return recent;
  }
}
