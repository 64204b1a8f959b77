package io.kamacache.benchmarks.scale;

import java.util.Arrays;

/**
 * Every read one thread made: when it started, how long it took, and whether it failed (threw,
 * or answered no value or a wrong one). Kept whole rather than sampled, so that any window of the
 * run can be summed up afterwards with exact percentiles. Written by its thread only, read once it
 * has stopped.
 */
final class Reads {

  private long[] starts = new long[1 << 16];
  private long[] nanos = new long[1 << 16];
  private boolean[] failed = new boolean[1 << 16];
  private int count;

  void record(long start, long took, boolean failure) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      nanos = Arrays.copyOf(nanos, count * 2);
      failed = Arrays.copyOf(failed, count * 2);
    }
    starts[count] = start;
    nanos[count] = took;
    failed[count] = failure;
    count++;
  }

  /** The reads of several threads that started in [from, to), as one summary. */
  static Window window(Reads[] threads, long from, long to) {
    int total = 0;
    for (Reads reads : threads) {
      total += reads.count;
    }
    long[] took = new long[total];
    int n = 0;
    int failures = 0;
    for (Reads reads : threads) {
      for (int i = 0; i < reads.count; i++) {
        if (reads.starts[i] >= from && reads.starts[i] < to) {
          took[n++] = reads.nanos[i];
          failures += reads.failed[i] ? 1 : 0;
        }
      }
    }
    long[] sorted = Arrays.copyOf(took, n);
    Arrays.sort(sorted);
    return new Window(to - from, sorted, failures);
  }

  /** The reads of one window: their latencies, sorted, and how many failed. */
  record Window(long nanos, long[] sorted, int failures) {

    int reads() {
      return sorted.length;
    }

    double perSecond() {
      return nanos == 0 ? 0 : sorted.length * 1e9 / nanos;
    }

    /** The latency, in microseconds, that the share {@code q} of the reads did not exceed. */
    double micros(double q) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e3;
    }

    double maxMicros() {
      return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e3;
    }
  }
}
