package io.kamacache.cluster;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads of a cluster node: named daemon threads, in bounded pools that refuse when full. */
final class ThreadPools {

  private ThreadPools() {}

  /**
   * A pool of at most {@code threads}, idle ones ending after a minute, with room for {@code queue}
   * waiting tasks; past that it refuses, which the peer service answers with RESOURCE_EXHAUSTED.
   */
  static ExecutorService bounded(String name, int threads, int queue) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
        queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue), daemon(name));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** One daemon thread that runs tasks in order, at their times. */
  static ScheduledExecutorService single(String name) {
    return Executors.newSingleThreadScheduledExecutor(daemon(name));
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
