package io.kamacache.chaos.harness;

import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's history says about availability: operations by status, and the longest time a key
 * went without an OK completion while the workload ran.
 *
 * @param longestUnavailable the longest gap between consecutive OK completions on one key, counting
 *     the workload's start and end as edges, so a key that never came back counts to the end
 * @param worstKey the key with that gap
 */
record Measures(long ops, long ok, long failed, long unknown, Duration longestUnavailable, String worstKey) {

  /** The final reads run after the workload; they are not part of its availability. */
  static final String FINAL_SUFFIX = "-final";

  /** (FAIL + UNKNOWN) / all. */
  double failedShare() {
    return ops == 0 ? 0 : (double) (failed + unknown) / ops;
  }

  /** Op times are nanoseconds, which every member's history shares (see the history format). */
  static Measures of(List<Op> history) {
    long ok = 0;
    long failed = 0;
    long unknown = 0;
    long windowStart = Long.MAX_VALUE;
    long windowEnd = Long.MIN_VALUE;
    Map<String, List<Long>> okEnds = new HashMap<>();
    for (Op op : history) {
      switch (op.status()) {
        case OK -> ok++;
        case FAIL -> failed++;
        default -> unknown++;
      }
      if (op.process().endsWith(FINAL_SUFFIX)) {
        continue;
      }
      windowStart = Math.min(windowStart, op.start());
      if (op.end() != Long.MAX_VALUE) {
        windowEnd = Math.max(windowEnd, op.end());
      }
      List<Long> ends = okEnds.computeIfAbsent(op.key(), any -> new ArrayList<>());
      if (op.status() == Status.OK) {
        ends.add(op.end());
      }
    }
    long longest = 0;
    String worst = null;
    for (Map.Entry<String, List<Long>> entry : okEnds.entrySet()) {
      long gap = longestGap(entry.getValue(), windowStart, windowEnd);
      if (worst == null || gap > longest) {
        longest = gap;
        worst = entry.getKey();
      }
    }
    return new Measures(history.size(), ok, failed, unknown, Duration.ofNanos(longest), worst);
  }

  /** The longest gap between {@code from}, the sorted completion times, and {@code to}. */
  static long longestGap(List<Long> ends, long from, long to) {
    List<Long> sorted = new ArrayList<>(ends);
    sorted.sort(null);
    long longest = 0;
    long previous = from;
    for (long end : sorted) {
      longest = Math.max(longest, end - previous);
      previous = Math.max(previous, end);
    }
    return Math.max(longest, to - previous);
  }
}
