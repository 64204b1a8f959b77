package io.kamacache.store;

/**
 * The store's one hill climber, shared by its buckets. It picks the position that each
 * {@link Bucket} turns into how open its frequency gate is and how large its level 2 may grow
 * (see {@link Bucket#ADMIT_STEPS}).
 *
 * <p>The buckets duel rather than compare one sample with the one before: sample to sample, the
 * workload moves the hit rate far more than a step of the position does. During each sample half
 * of the buckets run a little above the position and half a little below, over the same stretch
 * of the workload, and the climber moves towards the half that hit more. The halves swap every
 * sample and a move adds two samples up, so a bucket whose keys happen to be hotter favours
 * neither side. The step, and the probe with it, shrink as the climber settles, so a settled
 * store pays little for probing. A store of one bucket duels with itself, sample against sample.
 * What was measured and tried is in docs/performance.md, "Why the store is shaped as it is".
 *
 * <p>Buckets report under their own lock, batched (see {@link Bucket}), so the climber's monitor
 * is taken once per {@link #REPORT} accesses of a bucket, and never on a read hit.
 */
final class Climber {
  /** Accesses per sample, per entry of the store, as in Caffeine's climber: long enough for a hit rate to mean something. */
  static final int SAMPLE_FACTOR = 10;
  /** Accesses a bucket counts before it reports them: the monitor once per 64, never per access. */
  static final int REPORT = 64;
  /** The first move: one step of {@link Bucket#ADMIT_STEPS}, so a store finds its region within a few samples. */
  static final double FIRST_STEP = 1;
  /** The smallest move: a settled climber still follows a workload that changes, a quarter-step at a time. */
  static final double LAST_STEP = 0.25;
  /** The step's shrink per move: about 280 moves from the first step to the last, so it settles slowly. */
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
  /** Package-private so that tests can see where the climb went. */
  double position;
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
