package io.kamacache.group;

import io.kamacache.event.EventDispatcher;
import io.kamacache.management.CacheStatistics;
import java.util.function.Supplier;

/**
 * The average times of the spec an operation counts towards, and the frame every operation runs
 * in: timed, then held until the synchronous listeners it fired have run (outside the key's lock).
 */
enum Timing {
  UNTIMED(false, false, false),
  GET(true, false, false),
  PUT(false, true, false),
  REMOVE(false, false, true),
  GET_AND_PUT(true, true, false),
  GET_AND_REMOVE(true, false, true);

  private final boolean get;
  private final boolean put;
  private final boolean remove;

  Timing(boolean get, boolean put, boolean remove) {
    this.get = get;
    this.put = put;
    this.remove = remove;
  }

  /** Runs an operation that returns a result. */
  <T> T call(CacheStatistics statistics, Supplier<T> operation) {
    long start = this == UNTIMED ? 0L : statistics.start();
    try {
      return operation.get();
    } finally {
      record(statistics, start);
      EventDispatcher.awaitSynchronous();
    }
  }

  /** Runs an operation that returns nothing. */
  void run(CacheStatistics statistics, Runnable operation) {
    long start = this == UNTIMED ? 0L : statistics.start();
    try {
      operation.run();
    } finally {
      record(statistics, start);
      EventDispatcher.awaitSynchronous();
    }
  }

  private void record(CacheStatistics statistics, long start) {
    if (get) {
      statistics.recordGetTime(start);
    }
    if (put) {
      statistics.recordPutTime(start);
    }
    if (remove) {
      statistics.recordRemoveTime(start);
    }
  }
}
