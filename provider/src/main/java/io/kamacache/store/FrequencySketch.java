package io.kamacache.store;

/**
 * An approximate count of recent accesses per key hash (TinyLFU's count-min sketch): four 4-bit
 * counters per key spread over a table of longs, halved once every {@code 10 × capacity}
 * increments so that old popularity fades. It answers "has this key been used more than that
 * one lately?" for keys the bucket no longer holds, which the LRU lists cannot.
 *
 * <p>Fixed size and no allocation after construction, so recording an access on the get-hit path
 * is free of garbage.
 */
final class FrequencySketch {
  /** Clears the bit that halving shifts into each 4-bit counter from its neighbour. */
  private static final long RESET_MASK = 0x7777_7777_7777_7777L;
  /** One seed per counter of a key, odd 64-bit constants (as Caffeine's), so the four land apart. */
  private static final long[] SEEDS = {
      0xc3a5c85c97cb3127L, 0xb492b66fbe98f273L, 0x9ae16a3b2f90404fL, 0xcbf29ce484222325L};
  /** Fewest longs in the table: a bucket of a few entries still has room to keep its keys apart. */
  private static final int MIN_TABLE = 8;
  /** Increments between halvings, per entry: TinyLFU's sample of ten accesses an entry. */
  private static final int SAMPLE_FACTOR = 10;

  private final long[] table;
  private final int tableMask;
  private final int sampleSize;
  private int additions;

  FrequencySketch(int capacity) {
    // One long (sixteen counters) per entry, rounded up to a power of two for the mask, at most 2^30.
    int size = Integer.highestOneBit(Math.max(MIN_TABLE, Math.min(capacity, 1 << 30)) * 2 - 1);
    table = new long[size];
    tableMask = size - 1;
    sampleSize = (int) Math.min(Integer.MAX_VALUE, (long) SAMPLE_FACTOR * Math.max(1, capacity));
  }

  /** Counts one access, saturating at 15. */
  void increment(int hash) {
    boolean added = false;
    for (int i = 0; i < 4; i++) {
      long h = (hash + SEEDS[i]) * SEEDS[i];
      h ^= h >>> 32;
      int index = (int) h & tableMask;
      int shift = ((int) (h >>> 40) & 15) << 2;
      if (((table[index] >>> shift) & 15) != 15) {
        table[index] += 1L << shift;
        added = true;
      }
    }
    if (added && ++additions == sampleSize) {
      reset();
    }
  }

  /** The estimated recent access count, 0 to 15; never below the true count since the last halving. */
  int frequency(int hash) {
    int min = 15;
    for (int i = 0; i < 4; i++) {
      long h = (hash + SEEDS[i]) * SEEDS[i];
      h ^= h >>> 32;
      int index = (int) h & tableMask;
      int shift = ((int) (h >>> 40) & 15) << 2;
      min = Math.min(min, (int) ((table[index] >>> shift) & 15));
    }
    return min;
  }

  private void reset() {
    for (int i = 0; i < table.length; i++) {
      table[i] = (table[i] >>> 1) & RESET_MASK;
    }
    additions /= 2;
  }
}
