package io.kamacache.chaos;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.HistoryWriter;
import io.kamacache.chaos.history.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;

/** One member's client threads, their history files, and the final read of every key. */
final class Workload {

  /** Tags a member may use: the orchestrator gives each launch its own block of this size. */
  static final int TAGS_PER_MEMBER = 100;
  /** How long {@link #stop} waits for a worker's current operation: more than a request deadline. */
  private static final long JOIN_MILLIS = 30_000;

  private final Cache<String, Long> cache;
  private final MemberArgs args;
  private final String processPrefix;
  private final Failures failures = new Failures();
  private final List<Worker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<HistoryWriter> writers = new ArrayList<>();
  private volatile boolean stopping;

  Workload(Cache<String, Long> cache, MemberArgs args, String memberId) {
    this.cache = cache;
    this.args = args;
    this.processPrefix = processPrefix(memberId, args.incarnation());
  }

  /** Process names must differ between incarnations: a killed one's open calls never complete. */
  static String processPrefix(String memberId, int incarnation) {
    return incarnation == 0 ? memberId : memberId + "~" + incarnation;
  }

  synchronized void start() {
    if (!threads.isEmpty()) {
      return;
    }
    for (int i = 0; i < args.workers(); i++) {
      String process = processPrefix + "-t" + i;
      HistoryWriter history = writer(process);
      writers.add(history);
      Worker worker = new Worker(cache, history, args.keys(), args.seed() * 31 + args.tag() + i, args.tag() + i,
          args.thinkMillis(), failures, () -> stopping);
      Thread thread = new Thread(worker, "chaos-" + process);
      workers.add(worker);
      threads.add(thread);
      thread.start();
    }
  }

  /** Lets every worker finish its current operation; idempotent. Returns the operations that completed OK. */
  synchronized long stop() {
    stopping = true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (HistoryWriter writer : writers) {
      closeQuietly(writer);
    }
    writers.clear();
    return workers.stream().mapToLong(Worker::completed).sum();
  }

  /** Reads every key once, recorded as GETs of this member's own "final" process. Returns the reads that failed. */
  int finalRead() {
    int failed = 0;
    HistoryWriter history = writer(processPrefix + "-final");
    try {
      for (int k = 0; k < args.keys(); k++) {
        String key = "k" + k;
        long id = history.invoke(key, Fn.GET, null, null);
        try {
          history.complete(id, Status.OK, cache.get(key));
        } catch (RuntimeException e) {
          history.complete(id, Status.UNKNOWN, null);
          failures.record(e);
          failed++;
        }
      }
    } finally {
      closeQuietly(history);
    }
    return failed;
  }

  Failures failures() {
    return failures;
  }

  private HistoryWriter writer(String process) {
    Path file = args.historyDir().resolve(process + ".history");
    try {
      Files.createDirectories(args.historyDir());
      return new HistoryWriter(file, process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot open history " + file, e);
    }
  }

  private static void closeQuietly(HistoryWriter writer) {
    try {
      writer.close();
    } catch (Exception e) {
      System.err.println("chaos member: closing a history failed: " + e);
    }
  }
}
