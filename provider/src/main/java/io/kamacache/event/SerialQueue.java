package io.kamacache.event;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. One per listener
 * registration, so a registration sees its events in the order the operations made them without
 * holding a thread of its own.
 */
final class SerialQueue {
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Executor executor;

  SerialQueue(Executor executor) {
    this.executor = executor;
  }

  void submit(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
      }
    } finally {
      scheduled.set(false);
      // A task added between the last poll and the reset would otherwise wait for the next submit.
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
