package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClimberTest {

  /** A store of 100 entries: samples of 1,000 accesses. */
  private final Climber climber = new Climber(100, 20);

  /** Runs one sample over two buckets, each half hitting at its own rate. */
  private void sample(double highHalfRate, double lowHalfRate) {
    int sample = climber.sample();
    for (int bucket = 0; bucket < 2; bucket++) {
      double rate = Climber.half(bucket, sample) == 1 ? highHalfRate : lowHalfRate;
      int hits = (int) Math.round(500 * rate);
      climber.report(bucket, sample, hits, 500 - hits);
    }
    assertThat(climber.sample()).isEqualTo(sample + 1);
  }

  @Test
  void movesTowardsTheHalfThatHitsMoreAndBack() {
    for (int i = 0; i < 20; i++) {
      sample(0.8, 0.6);
    }
    double raised = climber.position;
    assertThat(raised).isGreaterThan(5);
    for (int i = 0; i < 20; i++) {
      sample(0.6, 0.8);
    }
    assertThat(climber.position).isLessThan(raised - 5);
  }

  @Test
  void aBucketThatIsAlwaysHotterDoesNotDrownThePreferenceOfTheHalves() {
    for (int i = 0; i < 20; i++) {
      sample(0.8, 0.6);
    }
    double raised = climber.position;
    // Bucket 0 hits 40 points more than bucket 1 whatever half it is in, while the low half
    // hits 2 points more: compared sample by sample, the hotter bucket would decide.
    for (int i = 0; i < 20; i++) {
      int sample = climber.sample();
      for (int bucket = 0; bucket < 2; bucket++) {
        int hits = (bucket == 0 ? 450 : 250) + (Climber.half(bucket, sample) == 1 ? -5 : 5);
        climber.report(bucket, sample, hits, 500 - hits);
      }
    }
    assertThat(climber.position).isLessThan(raised - 5);
  }

  @Test
  void theHalvesRunEitherSideOfThePositionAndSwapEverySample() {
    for (int i = 0; i < 10; i++) {
      sample(0.8, 0.6);
    }
    int sample = climber.sample();
    double position = climber.position;
    assertThat(climber.positionFor(0, sample) + climber.positionFor(1, sample)).isEqualTo(2 * position);
    int high = Climber.half(0, sample) == 1 ? 0 : 1;
    assertThat(climber.positionFor(high, sample)).isGreaterThan(position);
    assertThat(Climber.half(high, sample + 1)).isZero();
  }

  @Test
  void theProbeNarrowsAsTheClimberSettles() {
    // Up first, so that the low half is not clamped at 0.
    for (int i = 0; i < 10; i++) {
      sample(0.8, 0.6);
    }
    int sample = climber.sample();
    double first = Math.abs(climber.positionFor(1, sample) - climber.positionFor(0, sample));
    // Around the middle, so that neither half is clamped at an end either.
    for (int i = 0; i < 600; i++) {
      boolean up = climber.position < 10;
      sample(up ? 0.8 : 0.6, up ? 0.6 : 0.8);
    }
    sample = climber.sample();
    double last = Math.abs(climber.positionFor(1, sample) - climber.positionFor(0, sample));
    assertThat(last).isLessThan(first / 2).isGreaterThan(0);
  }

  @Test
  void countsFromAnEarlierSampleAreIgnored() {
    int old = climber.sample();
    sample(0.8, 0.6);
    for (int i = 0; i < 10; i++) {
      climber.report(0, old, 1_000, 0);
    }
    assertThat(climber.sample()).isEqualTo(old + 1);
  }

  @Test
  void aStoreOfOneBucketDuelsWithItselfSampleAgainstSample() {
    for (int i = 0; i < 20; i++) {
      int sample = climber.sample();
      int hits = Climber.half(0, sample) == 1 ? 800 : 600;
      climber.report(0, sample, hits, 1_000 - hits);
    }
    assertThat(climber.position).isGreaterThan(5);
  }
}
