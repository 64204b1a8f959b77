package io.kamacache.store;

/**
 * The store's one hill climber, shared by its buckets. It picks the position that each
 * {@link Bucket} turns into how open its frequency gate is and how large its level 2 may grow
 * (see {@link Bucket#ADMIT_STEPS}).
 *
 * <p>Comparing one sample's hit rate with the one before, as Caffeine's climber does, mostly
 * measures how the workload moved in between: on the orm-busy trace at 763 entries, one sample
 * differs from the next by about 9 points at a fixed position, while a step of the position is
 * worth a few hundredths of a point, so such a climber wanders at random. The buckets duel
 * instead. During each sample half of them run a little above the position and half a little
 * below, over the same stretch of the workload, and the climber moves towards the half that hit
 * more. The halves swap every sample and a move adds two samples up, so a bucket whose keys
 * happen to be hotter favours neither side. The step, and the probe with it, shrink as the
 * climber settles, so a settled store pays little for probing. A store of one bucket duels with
 * itself, sample against sample.
 *
 * <p>What still keeps orm-busy at 763 entries a little below LRU is the climb itself: a fixed
 * position of 20 beats LRU in every tenth of that trace, and the climber loses its points in the
 * first half while it gets there. The two halves' gap is about 3 points of noise per move
 * against half a point of signal. Averaging moves (momentum), wider or narrower probes, first
 * steps of 2 or 3, slower decay, samples of 5 or 20 times the capacity, a steeper or earlier
 * shrink of level 2, a shorter gate and a sketch that ages faster or slower all moved that point
 * by no more than the noise, measured over six relabellings of the trace's keys. Relabelling
 * alone moves the point by over a point at a fixed position: which keys share a bucket decides
 * how well the buckets' sizes, fixed once the store fills, fit the hot keys. Letting sizes follow
 * demand, by evicting the older of two buckets' level-1 tails on a store-wide insert clock, was
 * tried too: 0.37 points below LRU there, though 1.63 below W-TinyLFU on average against 1.72.
 *
 * <p>Buckets report under their own lock, batched (see {@link Bucket}), so the climber's monitor
 * is taken once per {@link #REPORT} accesses of a bucket, and never on a read hit.
 */
final class Climber {
  /** Accesses per sample, per entry of the store, as in Caffeine's climber. */
  static final int SAMPLE_FACTOR = 10;
  /** Accesses a bucket counts before it reports them. */
  static final int REPORT = 64;
  static final double FIRST_STEP = 1;
  static final double LAST_STEP = 0.25;
  static final double STEP_DECAY = 0.995;
  /**
   * How far each half runs from the position, in steps: the probe must stand out of the noise
   * between the halves, yet every bucket pays for running off the position.
   */
  static final double PROBE = 2;

  private final long samplePeriod;
  private final double highest;
  /** The sample under way; buckets read it at each insert to see whether to follow a move. */
  private volatile int sample;
  private double position;
  private double step = FIRST_STEP;
  private double direction = 1;
  private final long[] hits = new long[2];
  private final long[] accesses = new long[2];
  /** Each half's hit rate in the last sample it ran in, or -1 before it ran. */
  private final double[] lastRate = {-1, -1};
  private double previousGap;

  /** A climber for a store of {@code capacity} entries over positions 0 to {@code highest}. */
  Climber(long capacity, double highest) {
    this.samplePeriod = Math.max(1, Math.min(Long.MAX_VALUE / SAMPLE_FACTOR, capacity) * SAMPLE_FACTOR);
    this.highest = highest;
  }

  int sample() {
    return sample;
  }

  /** 1 for the half running above the position during the sample, 0 for the one below. */
  static int half(int bucket, int sample) {
    return (bucket + sample) & 1;
  }

  /** Where the bucket runs during the sample. */
  synchronized double positionFor(int bucket, int sample) {
    double probe = PROBE * step;
    return clamp(half(bucket, sample) == 1 ? position + probe : position - probe);
  }

  synchronized double position() {
    return position;
  }

  /**
   * Counts a bucket's accesses; ignored if they were made in an earlier sample, since the
   * bucket ran elsewhere then. The last report of a sample ends it and may move the position.
   */
  synchronized void report(int bucket, int sampleOfCounts, int sampleHits, int sampleMisses) {
    if (sampleOfCounts != sample) {
      return;
    }
    int half = half(bucket, sampleOfCounts);
    hits[half] += sampleHits;
    accesses[half] += sampleHits + sampleMisses;
    if (accesses[0] + accesses[1] < samplePeriod) {
      return;
    }
    for (int i = 0; i < 2; i++) {
      if (accesses[i] > 0) {
        lastRate[i] = (double) hits[i] / accesses[i];
      }
      hits[i] = 0;
      accesses[i] = 0;
    }
    if (lastRate[0] >= 0 && lastRate[1] >= 0) {
      double gap = lastRate[1] - lastRate[0];
      // Every other sample, once both assignments of buckets to halves have run.
      if ((sample & 1) == 1) {
        double sum = gap + previousGap;
        // A tie keeps the direction, as Caffeine's climber does, so that a plateau where both
        // halves hit nothing (a level 2 full of keys never used again) is crossed, not sat on.
        if (sum != 0) {
          direction = Math.signum(sum);
        }
        position = clamp(position + direction * step);
        step = Math.max(LAST_STEP, step * STEP_DECAY);
      }
      previousGap = gap;
    }
    sample++;
  }

  private double clamp(double p) {
    return Math.max(0, Math.min(highest, p));
  }
}
