package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Counts of specific, easily explained anomalies, key by key: a coarser view than
 * {@link Linearizability} that says what kind of thing went wrong and how often. Every count is zero
 * for a linearizable history.
 *
 * <p>Terms used below, all per key, with n the number of INCRs on the key (any status):
 *
 * <ul>
 *   <li>An <em>observation</em> is an OK operation that saw the register's value x before it took
 *       effect: a GET or GET_AND_PUT (x = its result, absent if null), a successful CAS (its expected
 *       value), a REMOVE that returned 0 (absent), an INCR that returned r &ge; 2 (x = r - 1; one
 *       returning 1 found absent or 0, which is ambiguous, so it is not an observation).
 *   <li>An <em>acknowledged write</em> is an OK PUT or GET_AND_PUT (it leaves its arg), successful CAS
 *       (its arg), INCR (its result) or REMOVE that returned 1 (absent).
 *   <li>A <em>producer</em> of x is an operation that may have set the register to x: a PUT,
 *       GET_AND_PUT or CAS with arg x that is OK (a CAS: successful) or UNKNOWN; an OK INCR that
 *       returned x; an UNKNOWN INCR, if 1 to n increments lead to x from absent or from the arg of
 *       some PUT, GET_AND_PUT or CAS on the key. Producers of absent are the initial state (before
 *       everything) and every REMOVE that returned 1 or is UNKNOWN. An UNKNOWN producer may act any
 *       time after its start, so it counts as never ending.
 *   <li>A write w <em>hides</em> x from an observation r when w is an acknowledged write of a value
 *       other than x that ended before r started, x has a producer, and every producer of x other
 *       than r that started no later than r ended also ended before w started. Then x was
 *       overwritten by w and nothing could have written it again before r, so no linearization lets r
 *       see x. Equal times count as concurrent, as in {@link Linearizability}.
 * </ul>
 */
public final class Anomalies {

  private Anomalies() {}

  /**
   * Anomaly counts, summed over keys.
   *
   * @param lostAcknowledgedWrites acknowledged writes that hide the value of some observation: a
   *     later read saw what the write had overwritten, so the write was undone. Each write counts
   *     once, however many reads miss it.
   * @param neverWrittenValues OK GETs and GET_AND_PUTs returning, OK INCRs returning, and successful
   *     CASes expecting a value that nothing on the key could have produced: not the arg of any PUT,
   *     GET_AND_PUT or CAS on the key (whatever its status), nor 1 to n increments above one, nor
   *     from 1 to n (increments from absent). Absent is never counted.
   * @param staleReads observations whose value some acknowledged write hides: the read returned a
   *     value already overwritten before it started. Each observation counts once. Stale reads and
   *     lost writes are the two ends of the same evidence, so one is zero exactly when the other is;
   *     a write lost for good typically shows as one lost write and many stale reads.
   */
  public record Counts(int lostAcknowledgedWrites, int neverWrittenValues, int staleReads) {}

  /** Counts the anomalies in {@code history}. */
  public static Counts count(List<Op> history) {
    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op op : history) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    int lost = 0;
    int neverWritten = 0;
    int stale = 0;
    for (List<Op> ops : byKey.values()) {
      Reach reach = new Reach(ops);
      for (Op op : ops) {
        Long value = valueRead(op);
        if (value != null && !reach.producible(value)) {
          neverWritten++;
        }
      }
      HiddenValues hidden = new HiddenValues(ops, reach);
      lost += hidden.lostWrites();
      stale += hidden.staleObservations();
    }
    return new Counts(lost, neverWritten, stale);
  }

  /** The value an OK operation returned or relied on, for the never-written count. */
  private static Long valueRead(Op op) {
    if (op.status() != Status.OK) {
      return null;
    }
    switch (op.fn()) {
      case GET:
      case GET_AND_PUT:
      case INCR:
        return op.result();
      case CAS:
        return Objects.equals(op.result(), 1L) ? op.expected() : null;
      default:
        return null;
    }
  }

  /** Which values the writes and increments on one key could ever have put in the register. */
  static final class Reach {
    /** Args of PUT, GET_AND_PUT and CAS of any status, sorted. */
    private final long[] written;
    private final long increments;

    Reach(List<Op> ops) {
      increments = ops.stream().filter(op -> op.fn() == Fn.INCR).count();
      written = ops.stream()
          .filter(op -> op.fn() == Fn.PUT || op.fn() == Fn.GET_AND_PUT || op.fn() == Fn.CAS)
          .map(Op::arg).filter(Objects::nonNull).mapToLong(Long::longValue).sorted().toArray();
    }

    /** Whether x is written, or 1 to n increments from a written value or from absent. */
    boolean producible(long x) {
      return Arrays.binarySearch(written, x) >= 0 || incremented(x);
    }

    /** Whether 1 to n increments from a written value or from absent give x. */
    boolean incremented(long x) {
      if (x >= 1 && x <= increments) {
        return true;
      }
      // The closest written value below x is the one that reaches x in the fewest increments.
      int at = Arrays.binarySearch(written, x);
      int below = at >= 0 ? at - 1 : -at - 2;
      if (below < 0) {
        return false;
      }
      long distance = x - written[below];
      return distance > 0 && distance <= increments; // not above 0 only on overflow
    }
  }
}
