package io.kamacache.benchmarks.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Replays traces through LRU, KamaCache's LRU-2 store and Caffeine's W-TinyLFU at several sizes,
 * and checks the bar: LRU-2 at least LRU everywhere, and within 2 points of W-TinyLFU on
 * average, both over the patterns of {@link SyntheticTraces#PATTERNS} and over the other traces.
 *
 * <p>Configuration, all optional: the traces folder as the first argument or
 * {@code -Dkamacache.traces}; the CSV folder as {@code -Dkamacache.results}; a comma-separated
 * list of trace names as {@code -Dkamacache.only}; the synthetic seed as {@code -Dkamacache.seed}.
 */
public final class HitRatioSimulator {

  static final String CREDIT = "cache2k traces © headissue GmbH, Jens Wilke, published by the "
      + "cache2k project under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).";

  /** The order of the columns; the names are also the CSV's policy column. */
  static final Map<String, Policy.Factory> POLICIES = policies();

  private static final double[] REAL_FRACTIONS = {0.01, 0.025, 0.05, 0.10, 0.20};
  /** web07 and web12 are short; sizes relative to their few distinct keys would be tiny. */
  private static final List<Integer> WEB_SIZES = List.of(500, 1_000, 2_000, 4_000, 8_000);

  private HitRatioSimulator() {}

  private static Map<String, Policy.Factory> policies() {
    Map<String, Policy.Factory> policies = new LinkedHashMap<>();
    policies.put("LRU", LruPolicy::new);
    policies.put("LRU-2", Lru2Policy::new);
    policies.put("W-TinyLFU", TinyLfuPolicy::new);
    return policies;
  }

  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    String explicit = System.getProperty("kamacache.traces", args.length > 0 ? args[0] : null);
    Path results = Paths.get(System.getProperty("kamacache.results", "benchmarks/results"));
    long seed = Long.getLong("kamacache.seed", 42L);
    Set<String> only = Stream.of(System.getProperty("kamacache.only", "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());

    List<Trace> traces = new ArrayList<>();
    Path folder = traceFolder(explicit);
    if (folder == null) {
      out.println("No trace folder found (tried " + (explicit != null ? explicit
          : "../shared/traces and ../../shared/traces") + "); running the synthetic traces only.");
    } else {
      List<Trace> real = realTraces(folder, only);
      out.println("Real traces from " + folder + ": " + real.size() + " file(s).");
      if (!real.isEmpty()) {
        out.println(CREDIT);
      }
      traces.addAll(real);
    }
    for (Trace trace : SyntheticTraces.all(seed)) {
      if (only.isEmpty() || only.contains(trace.name())) {
        traces.add(trace);
      }
    }

    List<Result> all = new ArrayList<>();
    for (Trace trace : traces) {
      List<Result> rows = run(trace);
      all.addAll(rows);
      printTable(out, trace, rows);
    }
    writeCsv(results.resolve("hit-ratio.csv"), all);
    printSummary(out, traces, all);
    out.println();
    out.println("CSV: " + results.resolve("hit-ratio.csv").toAbsolutePath().normalize());
  }

  /** The explicit folder if given, else the first default that exists, else null. */
  static Path traceFolder(String explicit) {
    List<Path> candidates = explicit != null
        ? List.of(Paths.get(explicit))
        : List.of(Paths.get("../shared/traces"), Paths.get("../../shared/traces"));
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate)) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    return null;
  }

  /** Every *.trace.xz in the folder or its cache2k subfolder, in name order. */
  static List<Trace> realTraces(Path folder, Set<String> only) throws IOException {
    Path cache2k = folder.resolve("cache2k");
    Path dir = Files.isDirectory(cache2k) ? cache2k : folder;
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".trace.xz"))
          .sorted().collect(Collectors.toList());
    }
    List<Trace> traces = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString().replace(".trace.xz", "");
      if (!only.isEmpty() && !only.contains(name)) {
        continue;
      }
      int[] keys = TraceReader.read(file);
      traces.add(name.startsWith("web")
          ? new Trace(name, keys, WEB_SIZES)
          : Trace.relativeSizes(name, keys, REAL_FRACTIONS));
    }
    return traces;
  }

  static List<Result> run(Trace trace) {
    List<Result> rows = new ArrayList<>();
    for (int size : trace.sizes()) {
      for (Map.Entry<String, Policy.Factory> policy : POLICIES.entrySet()) {
        long hits = replay(policy.getValue().create(size), trace.keys());
        rows.add(new Result(trace.name(), size, policy.getKey(), hits, trace.keys().length));
      }
    }
    return rows;
  }

  static long replay(Policy policy, int[] keys) {
    long hits = 0;
    for (int key : keys) {
      if (policy.access(key)) {
        hits++;
      }
    }
    return hits;
  }

  private static void printTable(PrintStream out, Trace trace, List<Result> rows) {
    out.println();
    out.printf(Locale.ROOT, "### %s (%,d accesses, %,d distinct keys)%n%n", trace.name(),
        trace.keys().length, trace.distinctKeys());
    out.println("| size | LRU % | LRU-2 % | W-TinyLFU % | LRU-2 − LRU | LRU-2 − W-TinyLFU |");
    out.println("|---:|---:|---:|---:|---:|---:|");
    for (int size : trace.sizes()) {
      double lru = ratio(rows, trace.name(), size, "LRU");
      double lru2 = ratio(rows, trace.name(), size, "LRU-2");
      double tinyLfu = ratio(rows, trace.name(), size, "W-TinyLFU");
      out.printf(Locale.ROOT, "| %,d | %.2f | %.2f | %.2f | %+.2f | %+.2f |%n", size, lru, lru2,
          tinyLfu, lru2 - lru, lru2 - tinyLfu);
    }
  }

  private static void printSummary(PrintStream out, List<Trace> traces, List<Result> all) {
    out.println();
    out.println("### Summary");
    out.println();
    out.println("| trace | avg LRU % | avg LRU-2 % | avg W-TinyLFU % | worst LRU-2 − LRU "
        + "| avg LRU-2 − W-TinyLFU |");
    out.println("|---|---:|---:|---:|---:|---:|");
    List<String> belowLru = new ArrayList<>();
    // [0]: the other traces, [1]: the patterns
    double[] gapSum = new double[2];
    int[] points = new int[2];
    for (Trace trace : traces) {
      double lruSum = 0;
      double lru2Sum = 0;
      double tinySum = 0;
      double worst = Double.POSITIVE_INFINITY;
      for (int size : trace.sizes()) {
        double lru = ratio(all, trace.name(), size, "LRU");
        double lru2 = ratio(all, trace.name(), size, "LRU-2");
        double tiny = ratio(all, trace.name(), size, "W-TinyLFU");
        lruSum += lru;
        lru2Sum += lru2;
        tinySum += tiny;
        worst = Math.min(worst, lru2 - lru);
        if (hits(all, trace.name(), size, "LRU-2") < hits(all, trace.name(), size, "LRU")) {
          belowLru.add(String.format(Locale.ROOT, "%s@%d (%+.2f)", trace.name(), size, lru2 - lru));
        }
        int group = SyntheticTraces.PATTERNS.contains(trace.name()) ? 1 : 0;
        gapSum[group] += lru2 - tiny;
        points[group]++;
      }
      int n = trace.sizes().size();
      out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %+.2f | %+.2f |%n", trace.name(),
          lruSum / n, lru2Sum / n, tinySum / n, worst, (lru2Sum - tinySum) / n);
    }
    out.println();
    out.println("LRU-2 >= LRU on every trace and size: "
        + (belowLru.isEmpty() ? "yes" : "NO, below at " + String.join(", ", belowLru)));
    String[] groups = {"the real and older synthetic traces", "the patterns " + SyntheticTraces.PATTERNS};
    for (int group = 0; group < 2; group++) {
      if (points[group] == 0) {
        continue;
      }
      double averageGap = gapSum[group] / points[group];
      out.printf(Locale.ROOT, "Average LRU-2 − W-TinyLFU over %s, %d trace sizes: %+.2f points (%s)%n",
          groups[group], points[group], averageGap,
          averageGap >= -2 ? "within 2 points" : "MORE than 2 points below");
    }
  }

  private static Result find(List<Result> rows, String trace, int size, String policy) {
    for (Result row : rows) {
      if (row.trace.equals(trace) && row.size == size && row.policy.equals(policy)) {
        return row;
      }
    }
    throw new IllegalStateException("no result for " + trace + "/" + size + "/" + policy);
  }

  private static double ratio(List<Result> rows, String trace, int size, String policy) {
    return 100.0 * find(rows, trace, size, policy).hitRatio();
  }

  private static long hits(List<Result> rows, String trace, int size, String policy) {
    return find(rows, trace, size, policy).hits;
  }

  static void writeCsv(Path file, List<Result> rows) {
    try {
      Files.createDirectories(file.getParent());
      try (Writer writer = Files.newBufferedWriter(file)) {
        // A bare header, so chart scripts and spreadsheets read it as is; the credit is in the
        // console output and docs/performance.md.
        writer.write("trace,size,policy,hit_ratio\n");
        for (Result row : rows) {
          writer.write(String.format(Locale.ROOT, "%s,%d,%s,%.6f%n", row.trace, row.size,
              row.policy, row.hitRatio()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One replay's outcome. */
  static final class Result {
    final String trace;
    final int size;
    final String policy;
    final long hits;
    final long accesses;

    Result(String trace, int size, String policy, long hits, long accesses) {
      this.trace = trace;
      this.size = size;
      this.policy = policy;
      this.hits = hits;
      this.accesses = accesses;
    }

    double hitRatio() {
      return accesses == 0 ? 0 : (double) hits / accesses;
    }
  }
}
