package io.kamacache.benchmarks.embedded;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fixed sequence of keys drawn from a Zipf distribution, made once per trial so that the
 * measured loop only indexes an array. The seed is fixed: every provider sees the same keys.
 */
final class ZipfKeys {

  static final int LENGTH = 1 << 20;
  private static final int MASK = LENGTH - 1;

  private final Integer[] keys = new Integer[LENGTH];

  ZipfKeys(int distinct, double exponent, long seed) {
    this(distinct, exponent, seed, false);
  }

  /**
   * @param scrambled whether the ranks map to keys in a fixed random order rather than rank k to
   *     key k: real keys are seldom small consecutive Integers with the most popular first, whose
   *     hashes a table with no spreading keeps side by side (Caffeine's benchmarks scramble too)
   */
  ZipfKeys(int distinct, double exponent, long seed, boolean scrambled) {
    double[] cumulative = new double[distinct];
    double sum = 0;
    for (int rank = 0; rank < distinct; rank++) {
      sum += 1 / Math.pow(rank + 1, exponent);
      cumulative[rank] = sum;
    }
    SplittableRandom random = new SplittableRandom(seed);
    // Boxed once here, so a get measures the cache and not Integer.valueOf.
    Integer[] boxed = new Integer[distinct];
    for (int i = 0; i < distinct; i++) {
      boxed[i] = i;
    }
    if (scrambled) {
      SplittableRandom shuffle = new SplittableRandom(seed ^ 0x5DEECE66DL);
      for (int i = distinct - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        Integer swap = boxed[i];
        boxed[i] = boxed[j];
        boxed[j] = swap;
      }
    }
    for (int i = 0; i < LENGTH; i++) {
      int rank = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
      keys[i] = boxed[rank < 0 ? Math.min(-rank - 1, distinct - 1) : rank];
    }
  }

  Integer at(int index) {
    return keys[index & MASK];
  }
}
