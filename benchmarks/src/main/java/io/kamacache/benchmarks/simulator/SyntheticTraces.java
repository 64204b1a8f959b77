package io.kamacache.benchmarks.simulator;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Traces generated from a seed, so every run replays the same accesses. They test the simulator
 * itself without the real traces, and probe known weak spots of recency policies: a loop longer
 * than the cache and one-time scans pushing out a hot set.
 */
public final class SyntheticTraces {

  /** Relative sizes used for the synthetic traces whose distinct count is meaningful. */
  private static final double[] FRACTIONS = {0.01, 0.025, 0.05, 0.10, 0.20};

  private SyntheticTraces() {}

  public static List<Trace> all(long seed) {
    return List.of(
        Trace.relativeSizes("zipf-0.9", zipf(new SplittableRandom(seed), 1_000_000, 100_000, 0.9, 0),
            FRACTIONS),
        // Every size is below the loop length: LRU always misses, which is the point.
        Trace.relativeSizes("loop-10k", loop(10_000, 500_000), 0.10, 0.25, 0.50, 0.75, 0.90),
        // The one-time scan keys inflate the distinct count, so size by the hot set instead.
        new Trace("scan+zipf", scanWithZipf(new SplittableRandom(seed + 1), 1_000_000),
            List.of(500, 1_000, 2_000, 4_000, 8_000)),
        Trace.relativeSizes("zipf+loop-mix", zipfLoopMix(new SplittableRandom(seed + 2), 1_000_000),
            FRACTIONS));
  }

  /**
   * Zipf-distributed ranks mapped to keys {@code offset + rank}. Inverse-CDF sampling over a
   * precomputed table is exact and, unlike rejection sampling, draws one random number per access.
   */
  public static int[] zipf(SplittableRandom random, int accesses, int keyCount, double exponent,
      int offset) {
    double[] cdf = zipfCdf(keyCount, exponent);
    int[] keys = new int[accesses];
    for (int i = 0; i < accesses; i++) {
      keys[i] = offset + sample(cdf, random.nextDouble());
    }
    return keys;
  }

  /** Keys 0..length-1 in order, again and again. */
  public static int[] loop(int length, int accesses) {
    int[] keys = new int[accesses];
    for (int i = 0; i < accesses; i++) {
      keys[i] = i % length;
    }
    return keys;
  }

  /**
   * A Zipf hot set of 20k keys, interrupted after every 20k accesses by a scan of 10k keys never
   * seen before, like a batch job or a crawler walking the catalogue between user requests.
   */
  static int[] scanWithZipf(SplittableRandom random, int accesses) {
    double[] cdf = zipfCdf(20_000, 0.9);
    int[] keys = new int[accesses];
    int nextScanKey = 1_000_000;
    for (int i = 0; i < accesses; i++) {
      boolean scanning = i % 30_000 >= 20_000;
      keys[i] = scanning ? nextScanKey++ : sample(cdf, random.nextDouble());
    }
    return keys;
  }

  /**
   * Two programs interleaved access by access: a Zipf over 50k keys and a loop over 8k keys. The
   * loop's re-references arrive after more than a level's worth of inserts, the case where a plain
   * two-level LRU falls below LRU.
   */
  static int[] zipfLoopMix(SplittableRandom random, int accesses) {
    double[] cdf = zipfCdf(50_000, 0.9);
    int[] keys = new int[accesses];
    int loopPosition = 0;
    for (int i = 0; i < accesses; i++) {
      if (random.nextBoolean()) {
        keys[i] = sample(cdf, random.nextDouble());
      } else {
        keys[i] = 1_000_000 + loopPosition;
        loopPosition = (loopPosition + 1) % 8_000;
      }
    }
    return keys;
  }

  static double[] zipfCdf(int keyCount, double exponent) {
    double[] cdf = new double[keyCount];
    double sum = 0;
    for (int rank = 0; rank < keyCount; rank++) {
      sum += 1.0 / Math.pow(rank + 1, exponent);
      cdf[rank] = sum;
    }
    for (int rank = 0; rank < keyCount; rank++) {
      cdf[rank] /= sum;
    }
    return cdf;
  }

  /** The first rank whose cumulative probability reaches {@code u}. */
  static int sample(double[] cdf, double u) {
    int low = 0;
    int high = cdf.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cdf[mid] < u) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
