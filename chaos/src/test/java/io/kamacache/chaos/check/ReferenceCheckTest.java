package io.kamacache.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares the checker with a plain search that tries every order, on many small random histories,
 * so every shortcut the checker takes (merged dead values, reads placed at once, interchangeable
 * UNKNOWN writes, dominated configurations) is shown not to change a single verdict. The reference
 * has its own register semantics, written from the {@link Fn} documentation, to share no bug.
 */
class ReferenceCheckTest {

  private static final Duration BUDGET = Duration.ofMinutes(1);
  /** Enough random histories to hit each shortcut many times; they take a few seconds together. */
  private static final int HISTORIES = 30_000;

  @Test void checkerAgreesWithTryingEveryOrderOnSmallRandomHistories() {
    Random random = new Random(7);
    int linearizable = 0;
    for (int i = 0; i < HISTORIES; i++) {
      List<Op> history = randomHistory(random, 2 + random.nextInt(6));
      boolean expected = reference(history);
      Linearizability.Report report = Linearizability.check(history, BUDGET);
      assertThat(report.undecidedKeys()).isEmpty();
      assertThat(report.ok()).as("history %d: %s%n%s", i, history, report).isEqualTo(expected);
      linearizable += expected ? 1 : 0;
    }
    // Both verdicts must be common, or the comparison shows little.
    assertThat(linearizable).isBetween(HISTORIES / 10, HISTORIES * 9 / 10);
  }

  @Test void anomalyCountsAreZeroWheneverTheHistoryIsLinearizable() {
    Random random = new Random(11);
    int linearizable = 0;
    for (int i = 0; linearizable < HISTORIES / 3; i++) {
      List<Op> history = randomHistory(random, 2 + random.nextInt(6));
      if (reference(history)) {
        linearizable++;
        assertThat(Anomalies.count(history)).as("history %d: %s", i, history)
            .isEqualTo(new Anomalies.Counts(0, 0, 0));
      }
    }
  }

  private static List<Op> randomHistory(Random random, int size) {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      long start = random.nextInt(20);
      long end = start + 1 + random.nextInt(10);
      int s = random.nextInt(100);
      Status status = s < 70 ? Status.OK : s < 90 ? Status.UNKNOWN : Status.FAIL;
      Fn fn = Fn.values()[random.nextInt(Fn.values().length)];
      Long arg = null;
      Long expected = null;
      Long result = null;
      switch (fn) {
        case PUT -> arg = pick(random, 1L, 2L, 3L, 7L, 8L);
        case GET -> result = pick(random, null, 1L, 2L, 3L, 4L, 8L, 9L);
        case CAS -> {
          expected = pick(random, 1L, 2L, 3L, 8L);
          arg = pick(random, 1L, 2L, 3L, 8L);
          result = pick(random, 0L, 1L);
        }
        case GET_AND_PUT -> {
          arg = pick(random, 1L, 2L, 3L, 8L);
          result = pick(random, null, 1L, 2L, 3L, 8L);
        }
        case INCR -> result = pick(random, 1L, 2L, 3L, 4L, 8L, 9L);
        case REMOVE -> result = pick(random, 0L, 1L);
        default -> throw new AssertionError(fn);
      }
      ops.add(new Op("p" + i, i, "k", fn, arg, expected, status == Status.OK ? result : null, status, start,
          status == Status.UNKNOWN ? Long.MAX_VALUE : end));
    }
    return ops;
  }

  @SafeVarargs private static <T> T pick(Random random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** Whether some order of the operations is valid, found by trying them all. */
  static boolean reference(List<Op> history) {
    List<Op> ops = history.stream()
        .filter(op -> op.status() != Status.FAIL && !(op.status() == Status.UNKNOWN && op.fn() == Fn.GET))
        .toList();
    return extend(ops, new boolean[ops.size()], null);
  }

  private static boolean extend(List<Op> ops, boolean[] placed, Long register) {
    boolean allOkPlaced = true;
    for (int i = 0; i < ops.size(); i++) {
      allOkPlaced &= placed[i] || ops.get(i).status() != Status.OK;
    }
    if (allOkPlaced) {
      return true; // UNKNOWN operations left over never took effect.
    }
    for (int i = 0; i < ops.size(); i++) {
      if (placed[i] || !mayGoNext(ops, placed, ops.get(i))) {
        continue;
      }
      Op op = ops.get(i);
      boolean ok = op.status() == Status.OK;
      Long result;
      Long after;
      boolean present = register != null;
      switch (op.fn()) {
        case PUT -> {
          result = null;
          after = op.arg();
        }
        case GET -> {
          result = register;
          after = register;
        }
        case CAS -> {
          boolean swap = present && register.equals(op.expected());
          result = swap ? 1L : 0L;
          after = swap ? op.arg() : register;
        }
        case GET_AND_PUT -> {
          result = register;
          after = op.arg();
        }
        case INCR -> {
          after = (present ? register : 0) + 1;
          result = after;
        }
        case REMOVE -> {
          result = present ? 1L : 0L;
          after = null;
        }
        default -> throw new AssertionError(op.fn());
      }
      if (ok && op.fn() != Fn.PUT && !Objects.equals(result, op.result())) {
        continue;
      }
      placed[i] = true;
      boolean found = extend(ops, placed, after);
      placed[i] = false;
      if (found) {
        return true;
      }
    }
    return false;
  }

  /** Nothing unplaced ended before {@code op} started (an UNKNOWN operation never ends). */
  private static boolean mayGoNext(List<Op> ops, boolean[] placed, Op op) {
    for (int j = 0; j < ops.size(); j++) {
      Op other = ops.get(j);
      if (!placed[j] && other != op && other.status() == Status.OK && other.end() < op.start()) {
        return false;
      }
    }
    return true;
  }
}
