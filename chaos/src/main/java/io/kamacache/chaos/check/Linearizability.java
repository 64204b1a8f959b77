package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Op;
import java.time.Duration;
import java.util.List;

/** Temporary stand-in for the checker branch's type, so the harness compiles before the merge. */
public final class Linearizability {
  private Linearizability() {}

  public record Violation(String key, String explanation, List<Op> context) {}

  public record Report(int keys, int opsChecked, List<Violation> violations, List<String> undecidedKeys) {
    public boolean ok() {
      return violations.isEmpty() && undecidedKeys.isEmpty();
    }
  }

  public static Report check(List<Op> ops, Duration budgetPerKey) {
    throw new UnsupportedOperationException("stand-in: merge the check branch");
  }
}
