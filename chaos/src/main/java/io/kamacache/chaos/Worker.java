package io.kamacache.chaos;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.HistoryWriter;
import io.kamacache.chaos.history.Status;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;

/**
 * One client thread: random operations on random keys, each recorded as invoked before it starts
 * and completed after it returns. A call that throws is UNKNOWN, since a remote write that failed
 * on the way back may still have landed.
 */
final class Worker implements Runnable {

  /** Written values are {@code tag * VALUE_SPACE + seq * SEQ_STEP}: unique per write across the run. */
  static final long VALUE_SPACE = 1_000_000_000L;
  /** Room for up to 999 increments of a written value before they could meet the next write's value. */
  static final long SEQ_STEP = 1000L;

  private final Cache<String, Long> cache;
  private final HistoryWriter history;
  private final int keys;
  private final Random random;
  private final long tag;
  private final int thinkMillis;
  private final Failures failures;
  private final BooleanSupplier stopping;
  /** The value this worker last saw per key, as the expected value of its next CAS there. */
  private final Map<String, Long> lastSeen = new HashMap<>();
  private long seq;
  private long completed;

  Worker(Cache<String, Long> cache, HistoryWriter history, int keys, long seed, long tag, int thinkMillis,
      Failures failures, BooleanSupplier stopping) {
    this.cache = cache;
    this.history = history;
    this.keys = keys;
    this.random = new Random(seed);
    this.tag = tag;
    this.thinkMillis = thinkMillis;
    this.failures = failures;
    this.stopping = stopping;
  }

  @Override
  public void run() {
    while (!stopping.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
      step();
      think();
    }
  }

  long completed() {
    return completed;
  }

  /** Mostly puts and gets, as a cache sees; the atomic operations are where ownership shows. */
  static Fn choose(int percent) {
    if (percent < 35) {
      return Fn.PUT;
    } else if (percent < 70) {
      return Fn.GET;
    } else if (percent < 80) {
      return Fn.CAS;
    } else if (percent < 88) {
      return Fn.GET_AND_PUT;
    } else if (percent < 96) {
      return Fn.INCR;
    }
    return Fn.REMOVE;
  }

  void step() {
    // One step in twenty is a putAll of a few keys: each key's write goes in the history as a put,
    // so the per-key checker holds bulk writes to the same promises as single ones.
    if (random.nextInt(20) == 0) {
      putAll();
      return;
    }
    String key = "k" + random.nextInt(keys);
    Fn fn = choose(random.nextInt(100));
    Long expected = lastSeen.get(key);
    if (fn == Fn.CAS && expected == null) {
      fn = Fn.GET; // replace(k, null, v) is not a CAS; learn a value first
    }
    Long arg = fn == Fn.PUT || fn == Fn.CAS || fn == Fn.GET_AND_PUT ? nextValue() : null;
    if (fn != Fn.CAS) {
      expected = null;
    }
    long id = history.invoke(key, fn, arg, expected);
    Long result;
    try {
      result = apply(cache, key, fn, arg, expected);
    } catch (RuntimeException e) {
      history.complete(id, Status.UNKNOWN, null);
      failures.record(e);
      lastSeen.remove(key);
      return;
    }
    history.complete(id, Status.OK, result);
    completed++;
    remember(key, fn, arg, result);
  }

  /** Keys a putAll writes: enough that they span owners, few enough to keep the keys contended. */
  static final int PUT_ALL_KEYS = 4;

  private void putAll() {
    Map<String, Long> entries = new HashMap<>();
    while (entries.size() < Math.min(PUT_ALL_KEYS, keys)) {
      entries.putIfAbsent("k" + random.nextInt(keys), null);
    }
    Map<String, Long> ids = new HashMap<>();
    for (Map.Entry<String, Long> entry : entries.entrySet()) {
      entry.setValue(nextValue());
      ids.put(entry.getKey(), history.invoke(entry.getKey(), Fn.PUT, entry.getValue(), null));
    }
    try {
      cache.putAll(entries);
    } catch (RuntimeException e) {
      for (Map.Entry<String, Long> entry : ids.entrySet()) {
        history.complete(entry.getValue(), Status.UNKNOWN, null);
        lastSeen.remove(entry.getKey());
      }
      failures.record(e);
      return;
    }
    for (Map.Entry<String, Long> entry : ids.entrySet()) {
      history.complete(entry.getValue(), Status.OK, null);
      lastSeen.put(entry.getKey(), entries.get(entry.getKey()));
    }
    completed++;
  }

  /** Runs one operation as the history contract defines it. */
  static Long apply(Cache<String, Long> cache, String key, Fn fn, Long arg, Long expected) {
    switch (fn) {
      case PUT:
        cache.put(key, arg);
        return null;
      case GET:
        return cache.get(key);
      case CAS:
        return cache.replace(key, expected, arg) ? 1L : 0L;
      case GET_AND_PUT:
        return cache.getAndPut(key, arg);
      case INCR:
        return cache.invoke(key, new Increment());
      case REMOVE:
        return cache.remove(key) ? 1L : 0L;
      default:
        throw new IllegalArgumentException(fn.toString());
    }
  }

  private void remember(String key, Fn fn, Long arg, Long result) {
    Long now;
    switch (fn) {
      case PUT:
      case GET_AND_PUT:
        now = arg;
        break;
      case CAS:
        now = result == 1L ? arg : null;
        break;
      case GET:
      case INCR:
        now = result;
        break;
      default:
        now = null;
    }
    if (now == null) {
      lastSeen.remove(key);
    } else {
      lastSeen.put(key, now);
    }
  }

  private long nextValue() {
    seq++;
    if (seq >= VALUE_SPACE / SEQ_STEP) {
      throw new IllegalStateException("worker " + tag + " ran out of unique values");
    }
    return tag * VALUE_SPACE + seq * SEQ_STEP;
  }

  /** Leaves the cores to the members' keepalives and gRPC, which must not starve on a small machine. */
  private void think() {
    if (thinkMillis == 0) {
      return;
    }
    try {
      TimeUnit.MICROSECONDS.sleep(thinkMillis * 500L + random.nextInt(thinkMillis * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
