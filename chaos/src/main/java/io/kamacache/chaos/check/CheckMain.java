package io.kamacache.chaos.check;

import io.kamacache.chaos.history.HistoryReader;
import io.kamacache.chaos.history.Op;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks history files from the command line.
 *
 * <pre>
 * java io.kamacache.chaos.check.CheckMain [--budget-seconds N] FILE|DIR...
 * </pre>
 *
 * <p>A directory stands for the {@code *.history} files directly in it. Prints the number of keys
 * and operations, each violation with its explanation, the undecided keys and the anomaly counts.
 * Exits 0 if every key is linearizable and every count is zero, 1 otherwise (bad arguments and
 * unreadable histories included).
 */
public final class CheckMain {

  /** Per-key search budget unless told otherwise: generous, as a search usually ends in seconds. */
  private static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

  private CheckMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Does what {@link #main} does and returns the exit status instead of exiting. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Duration budget = DEFAULT_BUDGET;
    List<Path> files = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--budget-seconds") && i + 1 < args.length) {
          budget = Duration.ofSeconds(Long.parseLong(args[++i]));
        } else if (args[i].startsWith("--")) {
          throw new IllegalArgumentException("unknown option " + args[i]);
        } else {
          addHistories(Path.of(args[i]), files);
        }
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("no history files given");
      }
    } catch (IllegalArgumentException | IOException e) {
      err.println("check: " + e.getMessage());
      err.println("usage: CheckMain [--budget-seconds N] FILE|DIR...");
      return 1;
    }
    List<Op> history;
    try {
      history = HistoryReader.read(files);
    } catch (IOException e) {
      err.println("check: cannot read the history: " + e.getMessage());
      return 1;
    }
    Linearizability.Report report = Linearizability.check(history, budget);
    Anomalies.Counts counts = Anomalies.count(history);
    out.println("files: " + files.size() + ", operations: " + history.size());
    out.println("keys: " + report.keys() + ", operations checked: " + report.opsChecked());
    out.println("violations: " + report.violations().size());
    for (Linearizability.Violation v : report.violations()) {
      out.println("key " + v.key() + ": " + v.explanation().replace("\n", "\n  "));
    }
    out.println("undecided keys (search budget " + budget.toSeconds() + " s each): "
        + (report.undecidedKeys().isEmpty() ? "none" : String.join(", ", report.undecidedKeys())));
    out.println("lost acknowledged writes: " + counts.lostAcknowledgedWrites());
    out.println("never-written values read: " + counts.neverWrittenValues());
    out.println("stale reads: " + counts.staleReads());
    boolean clean = report.ok() && counts.lostAcknowledgedWrites() == 0 && counts.neverWrittenValues() == 0
        && counts.staleReads() == 0;
    out.println(clean ? "result: OK" : "result: FAILED");
    return clean ? 0 : 1;
  }

  private static void addHistories(Path path, List<Path> files) throws IOException {
    if (!Files.isDirectory(path)) {
      if (!Files.exists(path)) {
        throw new IllegalArgumentException("no such file: " + path);
      }
      files.add(path);
      return;
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(path, "*.history")) {
      dir.forEach(found::add);
    }
    found.sort(null);
    files.addAll(found);
  }
}
