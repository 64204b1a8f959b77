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
    for (int i = 0; i < LENGTH; i++) {
      int rank = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
      keys[i] = boxed[rank < 0 ? Math.min(-rank - 1, distinct - 1) : rank];
    }
  }

  Integer at(int index) {
    return keys[index & MASK];
  }
}
