package io.kamacache.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.HistoryReader;
import io.kamacache.chaos.history.HistoryWriter;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real threads on a real linearizable register (a map behind a lock), recording through
 * {@link HistoryWriter} as the chaos clients do, with some operations left UNKNOWN, FAIL or never
 * completed. Whatever the interleaving, the history is linearizable; and one planted stale read is
 * always a violation, because of how it is planted (see {@link Worker#PLANTED}). So the outcome never
 * depends on timing.
 */
class GeneratedHistoryTest {

  private static final int THREADS = 8;
  private static final int OPS_PER_THREAD = 300;
  private static final int KEYS = 3;
  /** Written values lie this far apart, more than all operations together, so INCR never reaches another. */
  private static final long SPACING = 1_000_000;
  private static final Duration BUDGET = Duration.ofMinutes(2);

  @TempDir Path dir;

  @Test void threadsOnALockedRegisterLeaveALinearizableHistoryAndOneStaleReadBreaksIt() throws Exception {
    Map<String, Long> register = new HashMap<>();
    List<Path> files = new ArrayList<>();
    List<Worker> workers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < THREADS; t++) {
      Path file = dir.resolve("m1-t" + t + ".history");
      files.add(file);
      workers.add(new Worker(t, new HistoryWriter(file, "m1-t" + t), register, go));
    }
    workers.forEach(Thread::start);
    go.countDown();
    for (Worker worker : workers) {
      worker.join();
      worker.writer.close();
    }
    List<Op> history = HistoryReader.read(files);
    assertThat(history).hasSize(THREADS * OPS_PER_THREAD);
    assertThat(history).anyMatch(op -> op.status() == Status.UNKNOWN && op.end() == Long.MAX_VALUE);
    assertThat(history).anyMatch(op -> op.status() == Status.UNKNOWN && op.end() != Long.MAX_VALUE);
    assertThat(history).anyMatch(op -> op.status() == Status.FAIL);

    Linearizability.Report report = Linearizability.check(history, BUDGET);
    assertThat(report.ok()).as("%s", report).isTrue();
    assertThat(report.keys()).isEqualTo(KEYS);
    assertThat(Anomalies.count(history)).isEqualTo(new Anomalies.Counts(0, 0, 0));

    Worker planter = workers.get(0);
    List<Op> mutated = new ArrayList<>(history);
    for (int i = 0; i < mutated.size(); i++) {
      Op op = mutated.get(i);
      if (op.process().equals("m1-t0") && op.id() == planter.plantedReadId) {
        mutated.set(i, LinearizabilityScaleTest.withResult(op, planter.plantedOldValue));
      }
    }
    Linearizability.Report broken = Linearizability.check(mutated, BUDGET);
    assertThat(broken.undecidedKeys()).isEmpty();
    assertThat(broken.violations()).extracting(Linearizability.Violation::key).containsExactly("k0");
    assertThat(Anomalies.count(mutated).staleReads()).isEqualTo(1);
  }

  private static final class Worker extends Thread {
    /**
     * Thread 0's operations at these positions are PUT(a), PUT(b) and GET on k0, all acknowledged.
     * a is written nowhere else and no run of increments reaches it, so once PUT(b) has completed
     * after PUT(a) did, a GET that starts afterwards cannot return a: changing its result to a is a
     * violation in any interleaving.
     */
    static final int PLANTED = 150;

    final int thread;
    final HistoryWriter writer;
    final Map<String, Long> register;
    final CountDownLatch go;
    final Random random;
    final Map<String, Long> lastSeen = new HashMap<>();
    long plantedReadId;
    long plantedOldValue;

    Worker(int thread, HistoryWriter writer, Map<String, Long> register, CountDownLatch go) {
      this.thread = thread;
      this.writer = writer;
      this.register = register;
      this.go = go;
      this.random = new Random(1000 + thread);
    }

    @Override public void run() {
      try {
        go.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int i = 0; i < OPS_PER_THREAD; i++) {
        long value = ((long) thread * OPS_PER_THREAD + i + 1) * SPACING;
        if (thread == 0 && i >= PLANTED && i < PLANTED + 3) {
          Fn fn = i < PLANTED + 2 ? Fn.PUT : Fn.GET;
          long id = writer.invoke("k0", fn, fn == Fn.PUT ? value : null, null);
          Long result = apply("k0", fn, value, null);
          writer.complete(id, Status.OK, result);
          if (i == PLANTED) {
            plantedOldValue = value;
          } else if (fn == Fn.GET) {
            plantedReadId = id;
          }
          continue;
        }
        String key = "k" + random.nextInt(KEYS);
        Fn fn = pick();
        Long arg = fn == Fn.PUT || fn == Fn.GET_AND_PUT || fn == Fn.CAS ? value : null;
        Long expected = fn == Fn.CAS ? lastSeen.getOrDefault(key, SPACING) : null;
        long id = writer.invoke(key, fn, arg, expected);
        int fate = random.nextInt(100);
        if (fate < 3) {
          apply(key, fn, arg, expected); // timed out after it took effect
          writer.complete(id, Status.UNKNOWN, null);
        } else if (fate < 5) {
          writer.complete(id, Status.UNKNOWN, null); // timed out before it was sent
        } else if (fate < 7) {
          if (random.nextBoolean()) {
            apply(key, fn, arg, expected); // the client died before recording the outcome
          }
        } else if (fate < 9) {
          writer.complete(id, Status.FAIL, null); // refused before it was sent
        } else {
          Long result = apply(key, fn, arg, expected);
          if (result != null && fn != Fn.CAS && fn != Fn.REMOVE) {
            lastSeen.put(key, result);
          }
          writer.complete(id, Status.OK, result);
        }
      }
    }

    private Fn pick() {
      int r = random.nextInt(100);
      return r < 40 ? Fn.GET : r < 60 ? Fn.PUT : r < 75 ? Fn.CAS : r < 85 ? Fn.GET_AND_PUT : r < 95 ? Fn.INCR : Fn.REMOVE;
    }

    /** The register operation, atomically; returns its result. */
    private Long apply(String key, Fn fn, Long arg, Long expected) {
      synchronized (register) {
        Long old = register.get(key);
        switch (fn) {
          case PUT:
            register.put(key, arg);
            return null;
          case GET:
            return old;
          case CAS:
            if (old != null && old.equals(expected)) {
              register.put(key, arg);
              return 1L;
            }
            return 0L;
          case GET_AND_PUT:
            register.put(key, arg);
            return old;
          case INCR:
            register.put(key, old == null ? 1 : old + 1);
            return register.get(key);
          case REMOVE:
            return register.remove(key) != null ? 1L : 0L;
          default:
            throw new AssertionError(fn);
        }
      }
    }
  }
}
