package io.kamacache.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerArgsTest {

  @Test
  void runsEveryScenarioTwentyTimesByDefault() {
    RunnerArgs args = RunnerArgs.parse();
    assertThat(args.runs()).isEqualTo(RunnerArgs.DEFAULT_RUNS);
    assertThat(args.scenarios()).containsExactly(Scenario.values());
    assertThat(args.quick()).isFalse();
  }

  @Test
  void readsScenariosSeedRunsAndShort() {
    RunnerArgs args = RunnerArgs.parse("--runs", "2", "--scenarios", "pause-member,etcd-outage", "--seed", "42", "--short");
    assertThat(args.runs()).isEqualTo(2);
    assertThat(args.scenarios()).isEqualTo(List.of(Scenario.PAUSE_MEMBER, Scenario.ETCD_OUTAGE));
    assertThat(args.seed()).isEqualTo(42);
    assertThat(args.quick()).isTrue();
  }

  @Test
  void everyRunGetsItsOwnSeed() {
    RunnerArgs args = RunnerArgs.parse("--seed", "1");
    assertThat(args.seedOf(0)).isEqualTo(1);
    assertThat(args.seedOf(1)).isNotEqualTo(args.seedOf(0));
  }

  @Test
  void rejectsUnknownScenariosAndArguments() {
    assertThatThrownBy(() -> RunnerArgs.parse("--scenarios", "kill-etcd")).hasMessageContaining("kill-owner");
    assertThatThrownBy(() -> RunnerArgs.parse("--rnus", "2")).hasMessageContaining("--rnus");
    assertThatThrownBy(() -> RunnerArgs.parse("--runs", "0")).hasMessageContaining("--runs");
  }

  @Test
  void scenarioIdsRoundTrip() {
    for (Scenario scenario : Scenario.values()) {
      assertThat(Scenario.byId(scenario.id())).isSameAs(scenario);
    }
    assertThat(Scenario.PARTITION.namespaces()).isTrue();
    assertThat(Scenario.KILL_OWNER.namespaces()).isFalse();
  }
}
