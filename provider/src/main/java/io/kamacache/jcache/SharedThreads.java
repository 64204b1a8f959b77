package io.kamacache.jcache;

import io.kamacache.store.TtlWalker;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every cache of one provider shares: the TTL walker and the executor for
 * asynchronous listeners and {@code loadAll}. Both are daemon threads, so an application that
 * forgets to close its managers still exits; both start on first use and again after a close.
 */
final class SharedThreads {

  /** The walker's default tick: an expired entry leaves within about a second, for a tick's cost once a second. */
  private static final long DEFAULT_WALKER_INTERVAL_MS = 1000;
  /** How long one cache's step of a tick may take: one thread serves every cache, and none may hold it long. */
  private static final long WALKER_BUDGET_MS = 2;

  private TtlWalker walker;
  private ExecutorService executor;

  synchronized TtlWalker walker() {
    if (walker == null) {
      long interval = Long.getLong(TtlWalker.INTERVAL_PROPERTY, DEFAULT_WALKER_INTERVAL_MS);
      walker = new TtlWalker(interval, WALKER_BUDGET_MS, TimeUnit.MILLISECONDS);
    }
    return walker;
  }

  synchronized ExecutorService executor() {
    if (executor == null) {
      AtomicInteger count = new AtomicInteger();
      executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "kamacache-worker-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
    }
    return executor;
  }

  /** Stops both; the next use starts them again. */
  synchronized void close() {
    if (walker != null) {
      walker.close();
      walker = null;
    }
    if (executor != null) {
      executor.shutdown();
      executor = null;
    }
  }
}
