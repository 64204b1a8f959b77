package io.kamacache.benchmarks.simulator;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Traces generated from a seed, so every run replays the same accesses. They test the simulator
 * itself without the real traces, and probe known weak spots of recency policies: a loop longer
 * than the cache and one-time scans pushing out a hot set, a zigzag where only recency pays, and
 * two pools of different reuse distances where only frequency does.
 */
public final class SyntheticTraces {

  /** Relative sizes used for the synthetic traces whose distinct count is meaningful. */
  private static final double[] FRACTIONS = {0.01, 0.025, 0.05, 0.10, 0.20};

  /** The patterns the store's adaptation is judged on apart from the rest (issue 15, item 3). */
  public static final List<String> PATTERNS = List.of("zigzag", "loop-1011", "scan-interleaved", "two-pool");

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
            FRACTIONS),
        new Trace("zigzag", zigzag(2_000, 13), List.of(250, 500, 1_000, 1_500, 2_000)),
        new Trace("loop-1011", loop(1_011, 500 * 1_011), List.of(250, 500, 750, 1_000)),
        // Sized by the hot set, as scan+zipf: the scans' keys are never worth keeping.
        new Trace("scan-interleaved", scanInterleaved(new SplittableRandom(seed + 3), 1_000_000),
            List.of(250, 500, 1_000, 2_000, 4_000)),
        new Trace("two-pool", twoPool(new SplittableRandom(seed + 4), 1_000_000),
            List.of(250, 500, 1_000, 2_000, 4_000)));
  }

  /**
   * Keys 0 up to {@code top}, then back down, {@code rounds} times without repeating the turning
   * keys ({@code 2 × top} accesses a round): a program walking an array forth and back. A key's
   * reuse distance runs evenly from 2 to {@code 2 × top}, and the most recent keys are always the
   * next ones, so LRU is the best a recency policy can do and a frequency gate only gets in the way.
   */
  public static int[] zigzag(int top, int rounds) {
    int[] keys = new int[2 * top * rounds];
    for (int i = 0; i < keys.length; i++) {
      int phase = i % (2 * top);
      keys[i] = phase <= top ? phase : 2 * top - phase;
    }
    return keys;
  }

  /**
   * A Zipf (0.8) hot set of 5,000 keys used by requests, and between every 10,000 of them a scan
   * of 6,000 keys each used once (an export, a report, a crawler), longer than every cache size:
   * scans arrive in long runs, so level 1 fills with them, unlike {@link #scanWithZipf}'s shorter
   * ones. Whatever a scan pushes out of the hot set is lost until its next request.
   */
  static int[] scanInterleaved(SplittableRandom random, int accesses) {
    double[] cdf = zipfCdf(5_000, 0.8);
    int[] keys = new int[accesses];
    int nextScanKey = 1_000_000;
    for (int i = 0; i < accesses; i++) {
      boolean scanning = i % 16_000 >= 10_000;
      keys[i] = scanning ? nextScanKey++ : sample(cdf, random.nextDouble());
    }
    return keys;
  }

  /**
   * Two pools used in strict alternation: a hot pool of 500 keys and a warm pool of 5,000, each
   * key drawn evenly from its pool. A hot key returns about every 1,000 accesses, a warm one every
   * 10,000, so a cache smaller than both pools does best keeping the hot pool whole and what fits of
   * the warm one; LRU, which sees the warm keys as just as recent, keeps a mix.
   */
  static int[] twoPool(SplittableRandom random, int accesses) {
    int[] keys = new int[accesses];
    for (int i = 0; i < accesses; i++) {
      keys[i] = i % 2 == 0 ? random.nextInt(500) : 100_000 + random.nextInt(5_000);
    }
    return keys;
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
