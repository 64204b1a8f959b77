package io.kamacache.chaos.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One run's outcome.
 *
 * @param violations linearizability violations, as the checker describes them
 * @param error why the harness could not finish the run as planned, or null
 * @param kept the directory with the run's histories and logs, or null if it passed and was deleted
 */
record RunResult(Scenario scenario, long seed, Measures measures, int opsChecked, List<String> violations,
    List<String> undecidedKeys, int lostAcknowledgedWrites, int neverWrittenValues, int staleReads,
    Duration elapsed, String error, Path kept) {

  /** The run found nothing wrong: the suite's exit code and the short test rest on this. */
  boolean passed() {
    return error == null && violations.isEmpty() && undecidedKeys.isEmpty()
        && lostAcknowledgedWrites == 0 && neverWrittenValues == 0;
  }

  RunResult keptIn(Path dir) {
    return new RunResult(scenario, seed, measures, opsChecked, violations, undecidedKeys, lostAcknowledgedWrites,
        neverWrittenValues, staleReads, elapsed, error, dir);
  }

  /** One line per run, as the runner prints them while it goes. */
  String line() {
    return String.format("%-16s seed %-20d %s ops %d ok %d failed %.1f%% unavailable %.1f s violations %d undecided %d"
            + " lost %d never-written %d stale-reads %d in %.0f s%s",
        scenario.id(), seed, passed() ? "PASS" : "FAIL", measures.ops(), measures.ok(), 100 * measures.failedShare(),
        measures.longestUnavailable().toMillis() / 1000.0, violations.size(), undecidedKeys.size(),
        lostAcknowledgedWrites, neverWrittenValues, staleReads, elapsed.toMillis() / 1000.0,
        (error == null ? "" : "; error: " + error) + (kept == null ? "" : "; kept in " + kept));
  }
}
