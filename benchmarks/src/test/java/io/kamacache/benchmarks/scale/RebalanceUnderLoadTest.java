package io.kamacache.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RebalanceUnderLoadTest {

  @Test
  void aMemberJoiningALoadedClusterTakesItsShareAndNoKeyIsLost() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    RebalanceUnderLoad.Result result = RebalanceUnderLoad.run(5_000, 100, Duration.ofSeconds(1), "256m",
        new PrintStream(log, true, StandardCharsets.UTF_8));
    assertThat(result.missing()).as("keys missing after the join").isZero();
    assertThat(result.wrong()).as("keys read with another key's value").isZero();
    assertThat(result.unreadable()).as("keys whose getAll failed").isZero();
    // The join really moved entries, and the newcomer served keys it gained.
    assertThat(result.expectedOnNewcomer()).isPositive();
    assertThat(result.moved()).isGreaterThanOrEqualTo(result.expectedOnNewcomer());
    assertThat(result.newcomerServes()).isGreaterThan(result.ringSeen());
    // Rebalancing ended by itself (owned, served, backups quiet), not by the loop's time limit.
    assertThat(result.settled()).as("rebalancing settled before " + RebalanceUnderLoad.TIMEOUT + "; log:%n%s", log)
        .isTrue();
  }
}
