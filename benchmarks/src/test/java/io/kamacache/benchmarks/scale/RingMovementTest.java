package io.kamacache.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RingMovementTest {

  @Test
  void aJoiningMemberTakesKeysOnlyForItselfAndAboutItsFairShare() {
    List<RingMovement.Step> steps = RingMovement.simulate(20_000, 12, 128);
    assertThat(steps).hasSize(11);
    for (RingMovement.Step step : steps) {
      // Consistent hashing: a key changes owner only to go to the newcomer.
      assertThat(step.toNewcomer()).as("k=%d", step.members()).isEqualTo(1.0);
      // 128 positions per member keep each share within a small factor of 1/k.
      assertThat(step.movedShare()).as("k=%d", step.members()).isBetween(step.ideal() / 2, step.ideal() * 2);
      assertThat(step.busiestOverMean()).as("k=%d", step.members()).isLessThan(2.0);
    }
  }
}
