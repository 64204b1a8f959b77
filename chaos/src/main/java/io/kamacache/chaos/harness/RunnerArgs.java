package io.kamacache.chaos.harness;

import io.kamacache.chaos.NamedArgs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@link ChaosRunner}: {@code [--runs N] [--scenarios a,b] [--seed S] [--short]
 * [--out DIR] [--workers N] [--keys K] [--think-ms MS] [--keep-all]}.
 */
record RunnerArgs(int runs, List<Scenario> scenarios, long seed, boolean quick, Path out, int workers, int keys,
    int thinkMillis, boolean keepAll) {

  /** Twenty runs per scenario find the rarer interleavings without taking all day. */
  static final int DEFAULT_RUNS = 20;

  static RunnerArgs parse(String... args) {
    Map<String, String> named = NamedArgs.parse(args);
    int runs = Integer.parseInt(take(named, "--runs", String.valueOf(DEFAULT_RUNS)));
    String scenarioList = take(named, "--scenarios", String.join(",", Scenario.ids()));
    long seed = Long.parseLong(take(named, "--seed", String.valueOf(System.currentTimeMillis())));
    boolean quick = Boolean.parseBoolean(take(named, "--short", "false"));
    Path out = Path.of(take(named, "--out", "chaos/target/chaos-runs"));
    int workers = Integer.parseInt(take(named, "--workers", "2"));
    int keys = Integer.parseInt(take(named, "--keys", "20"));
    int think = Integer.parseInt(take(named, "--think-ms", "10"));
    boolean keepAll = Boolean.parseBoolean(take(named, "--keep-all", "false"));
    if (!named.isEmpty()) {
      throw new IllegalArgumentException("unknown arguments: " + named.keySet());
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (String id : scenarioList.split(",")) {
      if (!id.isBlank()) {
        scenarios.add(Scenario.byId(id));
      }
    }
    if (runs < 1 || scenarios.isEmpty() || workers < 1 || workers >= Cluster.TAG_BLOCK || keys < 1 || think < 0) {
      throw new IllegalArgumentException("need --runs >= 1, some --scenarios, 1 <= --workers < "
          + Cluster.TAG_BLOCK + ", --keys >= 1, --think-ms >= 0");
    }
    return new RunnerArgs(runs, List.copyOf(scenarios), seed, quick, out, workers, keys, think, keepAll);
  }

  /** The seed of each run: spread from the base seed, so runs differ and a failing one can be repeated alone. */
  long seedOf(int run) {
    return seed + 1_000_003L * run;
  }

  private static String take(Map<String, String> named, String name, String fallback) {
    String value = named.remove(name);
    return value == null ? fallback : value;
  }
}
