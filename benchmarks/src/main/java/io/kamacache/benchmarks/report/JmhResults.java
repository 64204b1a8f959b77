package io.kamacache.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JMH result file ({@code -rf json}) reduced to what the report compares: for every benchmark
 * and parameter, the median over forks of each fork's score. Medians of forks, not JMH's mean of
 * all iterations, because one fork with a bad JIT outcome should not move a ratio.
 */
final class JmhResults {

  /** One benchmark with one parameter value. */
  record Result(String benchmark, String param, String unit, double median, List<Double> forks,
      Map<String, Double> percentileMedians, double allocationPerOp) {}

  private final List<Result> results = new ArrayList<>();

  JmhResults(Path file) throws IOException {
    JsonArray runs = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
    for (JsonElement element : runs) {
      JsonObject run = element.getAsJsonObject();
      String name = run.get("benchmark").getAsString();
      String benchmark = name.substring(name.lastIndexOf('.') + 1);
      String param = "";
      if (run.has("params")) {
        for (Map.Entry<String, JsonElement> entry : run.getAsJsonObject("params").entrySet()) {
          param = entry.getValue().getAsString();
        }
      }
      JsonObject primary = run.getAsJsonObject("primaryMetric");
      String unit = primary.get("scoreUnit").getAsString();
      List<Double> forks = new ArrayList<>();
      Map<String, Double> percentiles = new TreeMap<>();
      if (primary.has("rawDataHistogram")) {
        List<Map<String, Double>> perFork = new ArrayList<>();
        for (JsonElement fork : primary.getAsJsonArray("rawDataHistogram")) {
          perFork.add(percentiles(fork.getAsJsonArray()));
        }
        for (String p : List.of("p50", "p99", "p99.9")) {
          percentiles.put(p, median(perFork.stream().map(m -> m.get(p)).toList()));
        }
        forks.addAll(perFork.stream().map(m -> m.get("p50")).toList());
      } else {
        for (JsonElement fork : primary.getAsJsonArray("rawData")) {
          double sum = 0;
          int count = 0;
          for (JsonElement iteration : fork.getAsJsonArray()) {
            sum += iteration.getAsDouble();
            count++;
          }
          forks.add(sum / count);
        }
      }
      double allocation = Double.NaN;
      if (run.has("secondaryMetrics")) {
        for (Map.Entry<String, JsonElement> metric : run.getAsJsonObject("secondaryMetrics").entrySet()) {
          if (metric.getKey().endsWith("gc.alloc.rate.norm")) {
            allocation = metric.getValue().getAsJsonObject().get("score").getAsDouble();
          }
        }
      }
      results.add(new Result(benchmark, param, unit, median(forks), forks, percentiles, allocation));
    }
  }

  /** Percentiles of one fork's samples: every iteration's histogram of [value, count] pairs. */
  private static Map<String, Double> percentiles(JsonArray iterations) {
    TreeMap<Double, Long> counts = new TreeMap<>();
    long total = 0;
    for (JsonElement iteration : iterations) {
      for (JsonElement pair : iteration.getAsJsonArray()) {
        double value = pair.getAsJsonArray().get(0).getAsDouble();
        long count = pair.getAsJsonArray().get(1).getAsLong();
        counts.merge(value, count, Long::sum);
        total += count;
      }
    }
    Map<String, Double> result = new TreeMap<>();
    double[] wanted = {0.50, 0.99, 0.999};
    String[] names = {"p50", "p99", "p99.9"};
    long seen = 0;
    int next = 0;
    for (Map.Entry<Double, Long> entry : counts.entrySet()) {
      seen += entry.getValue();
      while (next < wanted.length && seen >= Math.ceil(wanted[next] * total)) {
        result.put(names[next++], entry.getKey());
      }
    }
    return result;
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  Result find(String benchmark, String param) {
    for (Result result : results) {
      if (result.benchmark().equals(benchmark) && result.param().equals(param)) {
        return result;
      }
    }
    return null;
  }

  double median(String benchmark, String param) {
    Result result = find(benchmark, param);
    return result == null ? Double.NaN : result.median();
  }

  List<Result> all() {
    return results;
  }

  static String forks(Result result) {
    return Arrays.toString(result.forks().stream().mapToDouble(d -> Math.round(d * 1000) / 1000.0).toArray());
  }
}
