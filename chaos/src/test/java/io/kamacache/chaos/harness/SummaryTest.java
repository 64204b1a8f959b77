package io.kamacache.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  private static RunResult result(Scenario scenario, List<String> violations, long unavailableMillis) {
    Measures measures = new Measures(100, 90, 0, 10, Duration.ofMillis(unavailableMillis), "k1");
    return new RunResult(scenario, 1, measures, 100, violations, List.of(), 0, 0, 0, Duration.ofSeconds(30), null, null);
  }

  @Test
  void sumsRunsPerScenarioAndKeepsTheLongestUnavailability() {
    Summary summary = new Summary();
    summary.add(result(Scenario.KILL_OWNER, List.of(), 1500));
    summary.add(result(Scenario.KILL_OWNER, List.of(), 4200));
    summary.add(result(Scenario.PAUSE_MEMBER, List.of("k3: read 5 after 6 was written"), 100));
    String table = summary.table();
    assertThat(table.lines().filter(line -> line.startsWith("kill-owner")).findFirst().orElseThrow())
        .contains(" 2 ").contains("200").contains("10.00").contains("4.2 s");
    assertThat(summary.allPassed()).isFalse();
    assertThat(summary.failures()).extracting(RunResult::scenario).containsExactly(Scenario.PAUSE_MEMBER);
  }

  @Test
  void aRunWithAHarnessErrorFails() {
    RunResult ok = result(Scenario.KILL_OWNER, List.of(), 0);
    assertThat(ok.passed()).isTrue();
    RunResult broken = new RunResult(Scenario.KILL_OWNER, 1, ok.measures(), 0, List.of(), List.of(), 0, 0, 0,
        Duration.ZERO, "member m1 did not answer", null);
    assertThat(broken.passed()).isFalse();
  }
}
