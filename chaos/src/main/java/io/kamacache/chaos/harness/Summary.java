package io.kamacache.chaos.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The table scripts/chaos.sh prints: one row per scenario, summed over its runs. */
final class Summary {

  private static final String FORMAT = "%-16s %5s %6s %9s %9s %8s %12s %11s %10s %6s %14s %9s%n";

  private final Map<Scenario, List<RunResult>> byScenario = new LinkedHashMap<>();

  void add(RunResult result) {
    byScenario.computeIfAbsent(result.scenario(), any -> new ArrayList<>()).add(result);
  }

  boolean allPassed() {
    return byScenario.values().stream().flatMap(List::stream).allMatch(RunResult::passed);
  }

  List<RunResult> failures() {
    return byScenario.values().stream().flatMap(List::stream).filter(run -> !run.passed()).toList();
  }

  String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(FORMAT, "scenario", "runs", "failed", "ops", "ok", "failed%", "unavailable", "violations",
        "undecided", "lost", "never-written", "s/run"));
    for (Map.Entry<Scenario, List<RunResult>> row : byScenario.entrySet()) {
      List<RunResult> runs = row.getValue();
      long ops = 0;
      long ok = 0;
      long notOk = 0;
      Duration unavailable = Duration.ZERO;
      long violations = 0;
      long undecided = 0;
      long lost = 0;
      long neverWritten = 0;
      long millis = 0;
      for (RunResult run : runs) {
        ops += run.measures().ops();
        ok += run.measures().ok();
        notOk += run.measures().failed() + run.measures().unknown();
        unavailable = max(unavailable, run.measures().longestUnavailable());
        violations += run.violations().size();
        undecided += run.undecidedKeys().size();
        lost += run.lostAcknowledgedWrites();
        neverWritten += run.neverWrittenValues();
        millis += run.elapsed().toMillis();
      }
      out.append(String.format(FORMAT, row.getKey().id(), runs.size(),
          runs.stream().filter(run -> !run.passed()).count(), ops, ok,
          String.format("%.2f", ops == 0 ? 0.0 : 100.0 * notOk / ops),
          String.format("%.1f s", unavailable.toMillis() / 1000.0), violations, undecided, lost, neverWritten,
          String.format("%.0f", millis / 1000.0 / runs.size())));
    }
    return out.toString();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
