package io.kamacache.store;

import java.util.Arrays;

/**
 * The store's one tuner, shared by its buckets: it picks the {@link Setting} they all run by.
 *
 * <p>It runs a miniature simulation. {@link #SAMPLED_BUCKETS} of the store's buckets hand it the
 * keys they see, in order; a share of them, picked by hash, is replayed through one small model of
 * a bucket per candidate setting, so every candidate sees the very same accesses. Each round the
 * candidate whose models hit most, with earlier rounds counting less and less, becomes the store's
 * setting. A bucket already sees a share of the keys picked by hash, so a model of one bucket is a
 * model of the store at that setting. Comparing models on one stream takes the workload's own
 * swings out of the comparison, which is what made the earlier duel between halves of the buckets
 * too slow to follow a short trace (docs/performance.md, "Why the store is shaped as it is").
 *
 * <p>The replay runs on the sampled buckets' inserts and locked accesses; a lock-free hit only
 * notes a sampled key's hash for the next one, see {@link Sample}. Other buckets only read the
 * setting, at each insert.
 */
final class Tuner {

  /** How a bucket runs: its level 2's share, its gate, and how it tells a key that comes back. */
  static final class Setting {
    /** Level 2's largest share of the bucket; level 1 may use whatever level 2 does not. */
    final double level2Share;
    /**
     * Whether every key back from the ghosts enters level 2 (2Q), or only one used more than
     * level 2's victim (TinyLFU's admission).
     */
    final boolean gateOpen;
    /**
     * A key the ghosts forgot but the frequency sketch has seen this often lately also counts as
     * coming back: the sketch remembers a loop far longer than the cache, the ghosts do not.
     * {@link #NEVER_RECALLED} turns it off.
     */
    final int recallFrequency;

    Setting(double level2Share, boolean gateOpen, int recallFrequency) {
      this.level2Share = level2Share;
      this.gateOpen = gateOpen;
      this.recallFrequency = recallFrequency;
    }

    @Override public String toString() {
      return "level 2 " + level2Share + (gateOpen ? ", gate open" : ", gate shut")
          + (recallFrequency == NEVER_RECALLED ? "" : ", recall at " + recallFrequency);
    }
  }

  /** Above the sketch's largest count (15), so no key is recalled by frequency alone. */
  static final int NEVER_RECALLED = 16;

  /**
   * The candidates, from most frequency-minded to plain LRU; each one is the best of all on some
   * trace in docs/performance.md. The first keeps nearly the whole bucket for keys seen again and
   * recalls keys the sketch has seen twice, as W-TinyLFU's main space does (loops, Zipf); the
   * second is the store's old starting point; the open-gate ones trade frequency for recency
   * step by step (small orm caches); a level 2 of nothing is LRU (a zigzag).
   */
  static final Setting[] CANDIDATES = {
      new Setting(0.95, false, 2),
      new Setting(0.8, false, NEVER_RECALLED),
      new Setting(0.8, true, NEVER_RECALLED),
      new Setting(0.5, true, NEVER_RECALLED),
      new Setting(0.2, true, NEVER_RECALLED),
      new Setting(0, true, NEVER_RECALLED),
  };
  /**
   * Where a store starts, before its first round: plain LRU. Until then every candidate's model is
   * as cold as the store was, so the first round comes a few cycles into a workload; a store that
   * started frequency-minded lost those cycles where only recency pays (a zigzag at 1,500 entries
   * fell 3.8 points below LRU), while one that starts as LRU loses little where frequency pays,
   * since the first round moves it there (docs/performance.md, "Hit ratio").
   */
  static final int FIRST = CANDIDATES.length - 1;

  /** Entries a model holds at least: smaller models judge the candidates on too few keys. */
  static final int MIN_MODEL = 128;
  /** Accesses a period, per entry of a model: long enough for a hit count to mean something. */
  static final int PERIOD_FACTOR = 5;
  /** How much a round's hits still count a round later: a third of the score is the last round's. */
  static final double DECAY = 0.67;
  /**
   * The same for the long-run scores, which a step must also lead (see {@link #JUMP}): a round
   * still counts about half fifty rounds later. On orm-busy the short-run leader changes every
   * few rounds while plain LRU leads over the whole trace, and each move costs more than it wins.
   */
  static final double LONG_DECAY = 0.98;
  /** Lock-free hits remembered between two locked accesses of the sampled bucket; a power of two. */
  static final int RING = 256;

  /** A model of one bucket at one setting, fed hashes of keys. */
  interface Model {
    /** Plays one access of the key of this hash; whether the model held it. */
    boolean access(Integer hash);
  }

  /**
   * Buckets whose keys are replayed, each through models of its own. More judged no better on the
   * traces (docs/performance.md) and each costs its models' memory and replay.
   */
  static final int SAMPLED_BUCKETS = 1;
  /**
   * A candidate that beats the setting by more than this share of hits is taken at once; a closer
   * one only moves the setting a step towards it, since each move leaves the buckets holding what
   * the old setting chose, which no model has (a zigzag wants the first, orm traces the second),
   * and only if the step's candidate also leads the setting over the long run.
   */
  static final double JUMP = 0.05;

  private final int modelCapacity;
  /** 1 in {@code sampleMask + 1} of a sampled bucket's keys is replayed, so models stay small. */
  private final int sampleMask;
  /** Accesses a sampled bucket replays between two reports. */
  private final long period;
  private final int sampledBuckets;
  private final long[] hits = new long[CANDIDATES.length];
  private final double[] scores = new double[CANDIDATES.length];
  private final double[] longScores = new double[CANDIDATES.length];
  private int reports;
  private int chosen;
  /** Read by every bucket at each insert; changed only at the end of a round. */
  private volatile Setting setting;

  /**
   * A tuner for a store of {@code buckets} buckets of {@code bucketCapacity} entries, running at
   * candidate {@code first} (the store's is {@link #FIRST}) until its first round.
   */
  Tuner(int bucketCapacity, int buckets, int first) {
    this.chosen = first;
    this.setting = CANDIDATES[first];
    int share = Integer.highestOneBit(Math.max(1, bucketCapacity / MIN_MODEL));
    this.sampleMask = share - 1;
    this.modelCapacity = Math.max(1, bucketCapacity / share);
    this.period = (long) PERIOD_FACTOR * modelCapacity;
    this.sampledBuckets = Math.min(buckets, SAMPLED_BUCKETS);
  }

  Setting setting() {
    return setting;
  }

  /** The replay of a bucket's keys if the bucket of this index is one of those sampled, else null. */
  Sample sampleFor(int bucket) {
    return bucket < sampledBuckets ? new Sample() : null;
  }

  /**
   * Adds a sampled bucket's period of hits per candidate; a round is one period of each sampled
   * bucket, and its end may change the setting.
   */
  private synchronized void report(long[] sampleHits) {
    for (int i = 0; i < hits.length; i++) {
      hits[i] += sampleHits[i];
    }
    if (++reports < sampledBuckets) {
      return;
    }
    reports = 0;
    int best = chosen;
    for (int i = 0; i < scores.length; i++) {
      scores[i] = scores[i] * DECAY + hits[i];
      longScores[i] = longScores[i] * LONG_DECAY + hits[i];
      hits[i] = 0;
    }
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] > scores[best]) { // a tie keeps the setting there is
        best = i;
      }
    }
    if (best != chosen && scores[best] <= scores[chosen] * (1 + JUMP)) {
      best = chosen + Integer.signum(best - chosen);
      if (longScores[best] <= longScores[chosen]) {
        best = chosen;
      }
    }
    if (best != chosen) {
      chosen = best;
      setting = CANDIDATES[best];
    }
  }

  /**
   * One sampled bucket's replay: its models and the hits they scored this period. Everything here
   * runs under that bucket's lock, except {@link #recordLockFree}, which a lock-free hit in it
   * calls; that writes a ring the next locked access replays.
   */
  final class Sample {
    private Model[] models;
    private final long[] sampleHits = new long[CANDIDATES.length];
    /** Accesses replayed this period. */
    private long fed;
    private final int[] ring = new int[RING];
    /** Written without a lock by readers; a lost or torn update only loses a hit from the models. */
    private int ringWritten;
    private int ringRead;

    /** How many entries each model must hold. */
    int modelCapacity() {
      return modelCapacity;
    }

    /** Whether the replay has its models, which the bucket makes once it first evicts. */
    boolean started() {
      return models != null;
    }

    /** Starts the replay with one model per {@link #CANDIDATES candidate}, in their order. */
    void start(Model[] models) {
      if (models.length != CANDIDATES.length) {
        throw new IllegalArgumentException("one model per candidate");
      }
      this.models = models;
    }

    /** A hit taken without the lock: kept for the next {@link #access}. */
    void recordLockFree(int hash) {
      if (models != null && sampled(hash)) {
        int at = ringWritten;
        ring[at & (RING - 1)] = hash;
        ringWritten = at + 1;
      }
    }

    /** One access of the bucket, under its lock: replays it, after any lock-free hits. */
    void access(int hash) {
      if (models == null) {
        return;
      }
      int written = ringWritten;
      if (written - ringRead > RING) { // the ring went round: the oldest were overwritten
        ringRead = written - RING;
      }
      while (ringRead != written) {
        play(ring[ringRead++ & (RING - 1)]);
      }
      if (sampled(hash)) {
        play(hash);
      }
    }

    private void play(int hash) {
      Integer key = hash; // boxed once for all the models
      for (int i = 0; i < models.length; i++) {
        if (models[i].access(key)) {
          sampleHits[i]++;
        }
      }
      if (++fed == period) {
        fed = 0;
        report(sampleHits);
        Arrays.fill(sampleHits, 0);
      }
    }
  }

  /** Whether a key of this hash is one the models replay. */
  private boolean sampled(int hash) {
    return ((hash * 0x9E3779B9) >>> 16 & sampleMask) == 0;
  }

}
