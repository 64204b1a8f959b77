package io.kamacache.chaos.harness;

import java.nio.file.Path;

/**
 * The fault-injection suite's command line (scripts/chaos.sh runs it): every scenario asked for,
 * the number of times asked, each with its own seed; one line per run, then a table. Failing runs
 * keep their histories, logs and report under {@code --out}. Exits 1 if any run found a violation,
 * an undecided key, a lost acknowledged write or a never-written value, or could not finish.
 */
public final class ChaosRunner {

  private ChaosRunner() {}

  public static void main(String[] args) {
    RunnerArgs parsed;
    try {
      parsed = RunnerArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("usage: ChaosRunner [--runs N] [--scenarios " + String.join(",", Scenario.ids())
          + "] [--seed S] [--short] [--out DIR] [--workers N] [--keys K] [--think-ms MS] [--keep-all]: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (parsed.scenarios().stream().anyMatch(Scenario::namespaces) && !"0".equals(Os.listing("id", "-u").trim())) {
      System.err.println("chaos: the partition scenario makes network namespaces and needs root");
      System.exit(2);
    }
    Path out = parsed.out().toAbsolutePath();
    System.out.println("chaos: seed " + parsed.seed() + ", " + parsed.runs() + " run(s) of " + parsed.scenarios()
        + (parsed.quick() ? " (short)" : "") + "; failing runs are kept under " + out);
    Summary summary = new Summary();
    for (Scenario scenario : parsed.scenarios()) {
      for (int run = 0; run < parsed.runs(); run++) {
        RunOptions options = new RunOptions(parsed.seedOf(run), parsed.quick() ? Timing.quick() : Timing.full(),
            3, parsed.workers(), parsed.keys(), parsed.thinkMillis(), System.getProperty("java.class.path"), out,
            parsed.keepAll());
        RunResult result = Harness.run(scenario, options);
        summary.add(result);
        System.out.println(result.line());
      }
    }
    System.out.println();
    System.out.print(summary.table());
    if (!summary.allPassed()) {
      System.out.println();
      System.out.println("failing runs (histories, member logs and report.txt in each):");
      summary.failures().forEach(run -> System.out.println("  " + run.scenario().id() + " seed " + run.seed() + ": "
          + run.kept()));
    }
    System.exit(summary.allPassed() ? 0 : 1);
  }
}
