package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TunerTest {

  /** Small enough that every key is replayed: one model of {@value} entries, a bucket's whole share. */
  private static final int BUCKET = 100;

  /** The most frequency-minded candidate, where most workloads end; the tests that need a move start there. */
  static final int FREQUENCY_MINDED = 0;

  /** Started frequency-minded, so that a move has somewhere to go either way. */
  private final Tuner tuner = new Tuner(BUCKET, 1, FREQUENCY_MINDED);
  private final Tuner.Sample sample = tuner.sampleFor(0);

  /** Models that hit {@code hitsPerHundred[i]} of every hundred accesses, whatever the key. */
  private void startWithHitRates(int... hitsPerHundred) {
    Tuner.Model[] models = new Tuner.Model[Tuner.CANDIDATES.length];
    for (int i = 0; i < models.length; i++) {
      int rate = hitsPerHundred[i];
      int[] seen = new int[1];
      models[i] = key -> seen[0]++ % 100 < rate;
    }
    sample.start(models);
  }

  private void playRound() {
    for (int i = 0; i < Tuner.PERIOD_FACTOR * BUCKET; i++) {
      sample.access(i);
    }
  }

  private int chosen() {
    return List.of(Tuner.CANDIDATES).indexOf(tuner.setting());
  }

  @Test
  void aCandidateFarAheadIsTakenAtOnce() {
    startWithHitRates(10, 10, 10, 10, 10, 50);
    playRound();
    assertThat(chosen()).isEqualTo(Tuner.CANDIDATES.length - 1);
  }

  @Test
  void aCandidateJustAheadMovesTheSettingOneStepTowardsIt() {
    startWithHitRates(80, 81, 82, 83, 80, 80);
    playRound();
    assertThat(chosen()).isEqualTo(FREQUENCY_MINDED + 1);
    playRound();
    playRound();
    assertThat(chosen()).isEqualTo(3);
  }

  @Test
  void aStepWaitsUntilItsCandidateAlsoLeadsOverTheLongRun() {
    int[] rates = {60, 55, 50, 50, 50, 50};
    Tuner.Model[] models = new Tuner.Model[Tuner.CANDIDATES.length];
    for (int i = 0; i < models.length; i++) {
      int candidate = i;
      int[] seen = new int[1];
      models[i] = key -> seen[0]++ % 100 < rates[candidate];
    }
    sample.start(models);
    for (int round = 0; round < 20; round++) {
      playRound();
    }
    rates[1] = 62; // now just ahead: a step, not a jump
    for (int round = 0; round < 4; round++) {
      playRound();
    }
    assertThat(chosen()).as("ahead over the last rounds, behind over the long run").isEqualTo(FREQUENCY_MINDED);
    for (int round = 0; round < 40; round++) {
      playRound();
    }
    assertThat(chosen()).as("ahead over the long run too").isEqualTo(FREQUENCY_MINDED + 1);
  }

  @Test
  void aTieKeepsTheSetting() {
    startWithHitRates(30, 30, 30, 30, 30, 30);
    for (int round = 0; round < 5; round++) {
      playRound();
    }
    assertThat(chosen()).isEqualTo(FREQUENCY_MINDED);
  }

  @Test
  void aNewStoreRunsAsPlainLruUntilItsFirstRound() {
    Lru2Store<Integer, Integer> fresh = new Lru2Store<>(BUCKET, 1, SystemTicker.instance(), (k, v, c) -> { });
    assertThat(fresh.buckets[0].level2Max).as("no level 2: plain LRU").isZero();
  }

  @Test
  void hitsTakenWithoutTheLockAreReplayedBeforeTheNextLockedAccess() {
    List<Integer> replayed = new ArrayList<>();
    Tuner.Model[] models = new Tuner.Model[Tuner.CANDIDATES.length];
    models[0] = key -> replayed.add(key) && false;
    for (int i = 1; i < models.length; i++) {
      models[i] = key -> false;
    }
    sample.start(models);
    sample.recordLockFree(7);
    sample.recordLockFree(8);
    assertThat(replayed).isEmpty();
    sample.access(9);
    assertThat(replayed).containsExactly(7, 8, 9);
  }

  @Test
  void aModelIsABucketAtItsCandidateSetting() {
    // The LRU candidate: a key used twice, then pushed out by as many new keys as the model holds.
    Tuner.Model lru = Bucket.model(4, Tuner.CANDIDATES[Tuner.CANDIDATES.length - 1]);
    Tuner.Model frequent = Bucket.model(4, Tuner.CANDIDATES[0]);
    for (Tuner.Model model : List.of(lru, frequent)) {
      // A bucket moves a hit node at once for exact recency only once it has evicted (as the store's do).
      for (int key = 100; key < 105; key++) {
        model.access(key);
      }
      model.access(1);
      model.access(1);
      for (int key = 2; key < 6; key++) {
        model.access(key);
      }
    }
    assertThat(lru.access(1)).isFalse();
    assertThat(frequent.access(1)).isTrue();
  }
}
