package io.kamacache.chaos.harness;

import io.kamacache.chaos.check.Anomalies;
import io.kamacache.chaos.check.Linearizability;
import io.kamacache.chaos.history.HistoryReader;
import io.kamacache.chaos.history.Op;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Runs one scenario once: etcd and the members up, the workload on every member, the fault and its
 * healing, settling, the final reads, and then the checks on the recorded histories. A run that
 * passes leaves nothing behind; a failing one keeps its directory.
 */
final class Harness {

  /** Violations written to a failing run's report; the history has them all. */
  private static final int VIOLATIONS_REPORTED = 20;

  private Harness() {}

  static RunResult run(Scenario scenario, RunOptions options) {
    long begin = System.nanoTime();
    Path dir = newRunDir(scenario, options);
    Random random = new Random(options.seed());
    Events events = new Events();
    String error = null;
    Cluster cluster = Cluster.create(options, dir, scenario.namespaces(), random);
    try {
      drive(scenario, options, cluster, random, events);
    } catch (RuntimeException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
      events.add("harness error: " + error);
    } finally {
      cluster.close();
    }
    RunResult result = check(scenario, options, cluster.historyDir(), error, Duration.ofNanos(System.nanoTime() - begin));
    writeReport(dir, result, events);
    if (result.passed() && !options.keepPassing()) {
      Os.deleteTree(dir);
      return result;
    }
    return result.keptIn(dir);
  }

  private static void drive(Scenario scenario, RunOptions options, Cluster cluster, Random random, Events events) {
    Timing timing = options.timing();
    cluster.etcd().start();
    events.add("etcd ready at " + cluster.etcd().endpoint());
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= options.members(); i++) {
      ids.add("m" + i);
    }
    cluster.startMembers(ids);
    if (cluster.awaitRings(cluster.members(), timing.settleLimit()) == null) {
      throw new IllegalStateException("the cluster did not form within " + timing.settleLimit());
    }
    events.add("cluster formed: " + cluster.members());
    cluster.members().forEach(MemberJvm::go);
    events.add("workload started");
    Os.sleep(timing.warmUp());
    scenario.inject(new Fault(cluster, timing, random, events));
    List<MemberJvm> live = cluster.members().stream().filter(MemberJvm::alive).toList();
    Duration settled = cluster.awaitRings(live, timing.settleLimit());
    events.add(settled == null ? "rings did not settle within " + timing.settleLimit()
        : "rings settled in " + settled.toMillis() + " ms");
    Os.sleep(timing.afterHeal());
    for (MemberJvm member : live) {
      events.add("stopped " + member + " after " + member.stopWorkers() + " ok operations");
    }
    for (MemberJvm member : live) {
      events.add("final read on " + member + ": " + member.finalRead() + " reads failed");
    }
  }

  private static RunResult check(Scenario scenario, RunOptions options, Path historyDir, String error, Duration elapsed) {
    List<Op> ops;
    try (Stream<Path> files = Files.list(historyDir)) {
      ops = HistoryReader.read(files.filter(Files::isRegularFile).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the histories in " + historyDir, e);
    }
    Linearizability.Report report = Linearizability.check(ops, options.timing().checkBudget());
    Anomalies.Counts counts = Anomalies.count(ops);
    List<String> violations = report.violations().stream().map(v -> v.key() + ": " + v.explanation()).toList();
    return new RunResult(scenario, options.seed(), Measures.of(ops), report.opsChecked(), violations,
        List.copyOf(report.undecidedKeys()), counts.lostAcknowledgedWrites(), counts.neverWrittenValues(),
        counts.staleReads(), elapsed, error, null);
  }

  private static Path newRunDir(Scenario scenario, RunOptions options) {
    try {
      Files.createDirectories(options.workRoot());
      return Files.createTempDirectory(options.workRoot(), scenario.id() + "-" + options.seed() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeReport(Path dir, RunResult result, Events events) {
    List<String> lines = new ArrayList<>();
    lines.add(result.line());
    lines.add("");
    lines.add("timeline:");
    lines.addAll(events.lines());
    lines.add("");
    lines.add("longest unavailability on key " + result.measures().worstKey());
    lines.add("undecided keys: " + result.undecidedKeys());
    lines.add("violations (" + result.violations().size() + "):");
    result.violations().stream().limit(VIOLATIONS_REPORTED).forEach(v -> lines.add("  " + v));
    try {
      Files.write(dir.resolve("report.txt"), lines);
    } catch (IOException e) {
      System.err.println("chaos: could not write the report in " + dir + ": " + e);
    }
  }
}
