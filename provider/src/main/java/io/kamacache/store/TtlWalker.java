package io.kamacache.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Removes expired entries without waiting for a read. One walker, on one daemon thread, serves all
 * caches of a provider: each tick gives every registered cache one step of a bounded budget, so a
 * large cache never holds the thread, or any bucket lock, for long.
 */
public final class TtlWalker implements AutoCloseable {

  /**
   * System property: how often, in milliseconds, the provider's walker ticks. Here, with the
   * walker, so that the provider and the cluster settings (which refuse it in a settings file) both
   * read it without importing each other.
   */
  public static final String INTERVAL_PROPERTY = "kamacache.ttl-walker.interval-ms";

  /** One cache's share of a tick. */
  @FunctionalInterface
  public interface Walkable {
    /** Removes expired entries for at most {@code budgetNanos}; returns how many. */
    int walk(long budgetNanos);
  }

  private final Set<Walkable> walkables = ConcurrentHashMap.newKeySet();
  private final long budgetNanos;
  private final ScheduledExecutorService scheduler;

  /**
   * @param interval how often to tick; zero or less means never on its own ({@link #runOnce()}
   *     then ticks by hand)
   * @param budget how long one cache's step may take per tick
   */
  public TtlWalker(long interval, long budget, TimeUnit unit) {
    this.budgetNanos = unit.toNanos(budget);
    if (interval > 0) {
      scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kamacache-ttl-walker");
        thread.setDaemon(true);
        return thread;
      });
      scheduler.scheduleWithFixedDelay(this::runOnce, interval, interval, unit);
    } else {
      scheduler = null;
    }
  }

  public void register(Walkable walkable) {
    walkables.add(walkable);
  }

  public void unregister(Walkable walkable) {
    walkables.remove(walkable);
  }

  /** One tick: a step for every registered cache. Returns the entries removed. */
  public int runOnce() {
    int removed = 0;
    for (Walkable walkable : walkables) {
      try {
        removed += walkable.walk(budgetNanos);
      } catch (RuntimeException | Error e) {
        // A listener failing on an EXPIRED event must not stop expiry for every other cache.
        System.getLogger(TtlWalker.class.getName())
            .log(System.Logger.Level.WARNING, "expiring entries failed", e);
      }
    }
    return removed;
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    walkables.clear();
  }
}
