package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks that a history of register operations is linearizable, key by key.
 *
 * <p>Registers on different keys are independent objects, and a history of independent objects is
 * linearizable exactly when each object's history is (Herlihy and Wing's locality, which Porcupine
 * calls P-compositionality), so each key is searched on its own: Wing and Gong's search with Lowe's
 * memoization, plus the reductions described in {@link KeySearch}.
 *
 * <ul>
 *   <li>{@link Status#OK} operations must each take effect once, between their start and end, with
 *       the result recorded.
 *   <li>{@link Status#FAIL} operations are dropped: they did not take effect.
 *   <li>{@link Status#UNKNOWN} operations may take effect once, any time after their start, or never;
 *       their result is not known. UNKNOWN reads are dropped, as they change nothing.
 * </ul>
 *
 * <p>Operation A precedes B when A ended strictly before B started; equal times count as
 * concurrent, so a coarse clock can hide a violation but never invent one. A key whose search runs
 * out of its budget, or would need more than about a fifth of the heap for its memo, is reported
 * undecided, never as passing.
 */
public final class Linearizability {

  /**
   * Configurations one key's search may store before the key is called undecided: one per 1 KiB of
   * heap, and each takes about 200 bytes, so a search never fills more than about a fifth of the heap.
   */
  static final long MAX_CONFIGURATIONS = Runtime.getRuntime().maxMemory() / 1024;

  private Linearizability() {}

  /**
   * The outcome of a check.
   *
   * @param keys how many distinct keys the history has
   * @param opsChecked how many operations the searches considered: all but FAIL operations and
   *     UNKNOWN reads
   * @param violations one per key with no linearization, by key
   * @param undecidedKeys keys whose search ran out of budget, by key
   */
  public record Report(int keys, int opsChecked, List<Violation> violations, List<String> undecidedKeys) {
    public Report {
      violations = List.copyOf(violations);
      undecidedKeys = List.copyOf(undecidedKeys);
    }

    /** True when every key was shown linearizable: no violation and no undecided key. */
    public boolean ok() {
      return violations.isEmpty() && undecidedKeys.isEmpty();
    }
  }

  /**
   * A key with no linearization.
   *
   * @param explanation for people: the longest linearizable order found, the state it leaves, and
   *     why each operation that could come next does not fit
   * @param context the operations the explanation mentions
   */
  public record Violation(String key, String explanation, List<Op> context) {
    public Violation {
      context = List.copyOf(context);
    }
  }

  /**
   * Checks every key of {@code history}.
   *
   * @param budgetPerKey how long one key's search may take before the key is called undecided
   * @throws IllegalArgumentException if an operation that must be checked lacks its argument (a PUT,
   *     GET_AND_PUT or CAS without arg, a CAS without expected) or, acknowledged, ends before it starts
   */
  public static Report check(List<Op> history, Duration budgetPerKey) {
    Objects.requireNonNull(budgetPerKey, "budgetPerKey");
    if (budgetPerKey.isNegative()) {
      throw new IllegalArgumentException("negative budget: " + budgetPerKey);
    }
    long budgetNanos = budgetPerKey.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
        ? Long.MAX_VALUE : budgetPerKey.toNanos();
    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op op : history) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    int opsChecked = 0;
    List<Violation> violations = new ArrayList<>();
    List<String> undecided = new ArrayList<>();
    for (Map.Entry<String, List<Op>> entry : byKey.entrySet()) {
      KeyHistory h = KeyHistory.of(entry.getKey(), entry.getValue());
      opsChecked += h.size();
      KeySearch search = new KeySearch(h, budgetNanos, MAX_CONFIGURATIONS);
      switch (search.run()) {
        case LINEARIZABLE:
          break;
        case VIOLATION:
          violations.add(new Violation(h.key, Describe.violation(h, search.deepest()),
              Describe.context(search.deepest())));
          break;
        case UNDECIDED:
          undecided.add(h.key);
          break;
        default:
          throw new AssertionError();
      }
    }
    return new Report(byKey.size(), opsChecked, violations, undecided);
  }
}
