package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Counts of specific, easily explained anomalies, key by key: a coarser view than
 * {@link Linearizability} that says what kind of thing went wrong and how often. Every count is
 * zero for a linearizable history.
 *
 * <p>Terms used below, all per key:
 *
 * <ul>
 *   <li>An <em>observation</em> is an OK operation that saw the register's value x before it took
 *       effect: a GET (x = its result), a GET_AND_PUT (its result), a successful CAS (its expected
 *       value), a REMOVE that returned 0 (x = absent), an INCR that returned r &ge; 2 (x = r - 1; an
 *       INCR returning 1 found absent or 0, which is ambiguous, so it is not an observation).
 *   <li>An <em>acknowledged write</em> is an OK PUT or GET_AND_PUT (value: its arg), successful CAS
 *       (its arg), INCR (its result) or REMOVE that returned 1 (absent).
 *   <li>A <em>producer</em> of x is an operation that may have set the register to x: a PUT,
 *       GET_AND_PUT or CAS with arg x that is OK (a CAS: successful) or UNKNOWN; an OK INCR that
 *       returned x; any UNKNOWN INCR, if 1 to n increments (n counting the key's INCRs) lead to x
 *       from absent or from an arg of some PUT, GET_AND_PUT or CAS on the key; for absent, the initial state (before everything) and any REMOVE
 *       that returned 1 or is UNKNOWN. An UNKNOWN producer may act any time after its start, so it
 *       counts as ending never.
 *   <li>A write w <em>hides</em> x from an observation r when w is an acknowledged write of a value
 *       other than x that ended before r started, x has a producer, and every producer of x (other
 *       than r) that started before r ended also ended before w started. Equal times count as
 *       concurrent, as in {@link Linearizability}. Then x was overwritten
 *       by w and could not have been written again before r, so no linearization lets r see x.
 * </ul>
 */
public final class Anomalies {

  private Anomalies() {}

  /**
   * Anomaly counts, summed over keys.
   *
   * @param lostAcknowledgedWrites acknowledged writes that hide some observation's value: a later
   *     read saw what the write had overwritten, so the write was undone. Each write counts once.
   * @param neverWrittenValues OK GETs and GET_AND_PUTs returning, OK INCRs returning, and successful
   *     CASes expecting a value that nothing on the key could have produced: not an arg of any PUT,
   *     GET_AND_PUT or CAS on the key (whatever its status), nor reachable from such an arg by at most
   *     n increments, nor from absent by 1 to n increments, where n counts the key's INCRs of any
   *     status. Absent is never counted.
   * @param staleReads observations whose value some acknowledged write hides: the read returned a
   *     value already overwritten before it started. Each observation counts once.
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
      neverWritten += neverWritten(ops, reach);
      Hidden hidden = hidden(ops, reach);
      lost += hidden.writes;
      stale += hidden.observations;
    }
    return new Counts(lost, neverWritten, stale);
  }

  private static int neverWritten(List<Op> ops, Reach reach) {
    int count = 0;
    for (Op op : ops) {
      Long read = readValue(op);
      if (read != null && !reach.producible(read)) {
        count++;
      }
    }
    return count;
  }

  /** The value an OK operation returned or relied on, for the never-written count. */
  private static Long readValue(Op op) {
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
  private static final class Reach {
    /** Args of PUT, GET_AND_PUT and CAS of any status, sorted. */
    private final long[] written;
    /** INCRs of any status. */
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

  private record Hidden(int writes, int observations) {}

  private static Hidden hidden(List<Op> ops, Reach reach) {
    Producers producers = new Producers(ops, reach);
    List<Op> writes = new ArrayList<>();
    for (Op op : ops) {
      if (written(op) != NOT_A_WRITE) {
        writes.add(op);
      }
    }
    writes.sort(Comparator.comparingLong(Op::start));
    long[] writeStarts = writes.stream().mapToLong(Op::start).toArray();
    boolean[] lost = new boolean[writes.size()];
    int lostCount = 0;
    int staleCount = 0;
    for (Op r : ops) {
      Object x = observed(r);
      if (x == NOT_OBSERVED) {
        continue;
      }
      long lastProducerEnd = producers.lastEnd(x, r);
      if (lastProducerEnd == Long.MAX_VALUE) {
        continue;
      }
      // Writes hiding x start after the last producer of x ended and end before r starts.
      int from = firstAfter(writeStarts, lastProducerEnd);
      boolean stale = false;
      for (int i = from; i < writes.size() && writeStarts[i] < r.start(); i++) {
        Op w = writes.get(i);
        if (w.end() < r.start() && !Objects.equals(written(w), x)) {
          stale = true;
          if (!lost[i]) {
            lost[i] = true;
            lostCount++;
          }
        }
      }
      if (stale) {
        staleCount++;
      }
    }
    return new Hidden(lostCount, staleCount);
  }

  private static int firstAfter(long[] sorted, long t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Marks "not an acknowledged write" and "not an observation"; absent is {@link #ABSENT}. */
  private static final Object NOT_A_WRITE = new Object();
  private static final Object NOT_OBSERVED = new Object();
  static final Object ABSENT = new Object() {
    @Override public String toString() {
      return "absent";
    }
  };

  /** The value an acknowledged write left, or {@link #NOT_A_WRITE}. */
  private static Object written(Op op) {
    if (op.status() != Status.OK) {
      return NOT_A_WRITE;
    }
    Long r = op.result();
    switch (op.fn()) {
      case PUT:
      case GET_AND_PUT:
        return op.arg() == null ? NOT_A_WRITE : op.arg();
      case CAS:
        return Objects.equals(r, 1L) && op.arg() != null ? op.arg() : NOT_A_WRITE;
      case INCR:
        return r == null ? NOT_A_WRITE : r;
      case REMOVE:
        return Objects.equals(r, 1L) ? ABSENT : NOT_A_WRITE;
      default:
        return NOT_A_WRITE;
    }
  }

  /** The value an observation saw, or {@link #NOT_OBSERVED}. */
  private static Object observed(Op op) {
    if (op.status() != Status.OK) {
      return NOT_OBSERVED;
    }
    Long r = op.result();
    switch (op.fn()) {
      case GET:
      case GET_AND_PUT:
        return r == null ? ABSENT : r;
      case CAS:
        return Objects.equals(r, 1L) && op.expected() != null ? op.expected() : NOT_OBSERVED;
      case REMOVE:
        return Objects.equals(r, 0L) ? ABSENT : NOT_OBSERVED;
      case INCR:
        return r != null && r >= 2 ? (Object) (r - 1) : NOT_OBSERVED;
      default:
        return NOT_OBSERVED;
    }
  }

  /** The producers of each value on one key, by start, with the latest end so far. */
  private static final class Producers {
    private final Map<Object, List<Op>> byValue = new HashMap<>();
    /** UNKNOWN INCRs, which may produce any value increments can reach. */
    private final List<Op> anyValue = new ArrayList<>();
    private final Reach reach;

    Producers(List<Op> ops, Reach reach) {
      this.reach = reach;
      for (Op op : ops) {
        Object value = produced(op);
        if (value == ANY) {
          anyValue.add(op);
        } else if (value != null) {
          byValue.computeIfAbsent(value, k -> new ArrayList<>()).add(op);
        }
      }
    }

    private static final Object ANY = new Object();

    /** What {@code op} may have set the register to: a value, {@link #ABSENT}, {@link #ANY} or null for nothing. */
    private static Object produced(Op op) {
      boolean ok = op.status() == Status.OK;
      boolean unknown = op.status() == Status.UNKNOWN;
      Long r = op.result();
      switch (op.fn()) {
        case PUT:
        case GET_AND_PUT:
          return ok || unknown ? op.arg() : null;
        case CAS:
          return unknown || (ok && Objects.equals(r, 1L)) ? op.arg() : null;
        case INCR:
          return unknown ? ANY : ok ? r : null;
        case REMOVE:
          return unknown || (ok && Objects.equals(r, 1L)) ? ABSENT : null;
        default:
          return null;
      }
    }

    /**
     * The latest end of a producer of {@code x} other than {@code r} that started before {@code r}
     * ended (or as it ended: equal times count as concurrent, as in {@link Linearizability}) ({@link Long#MAX_VALUE} for an UNKNOWN one; {@link Long#MIN_VALUE} for the initial
     * state), or {@link Long#MAX_VALUE} if x has no such producer, so nothing hides it.
     */
    long lastEnd(Object x, Op r) {
      long last = x == ABSENT ? Long.MIN_VALUE : Long.MAX_VALUE;
      boolean any = x == ABSENT;
      boolean incremented = x != ABSENT && reach.incremented((Long) x);
      for (List<Op> list : List.of(byValue.getOrDefault(x, List.of()), incremented ? anyValue : List.<Op>of())) {
        for (Op p : list) {
          if (p != r && p.start() <= r.end()) {
            long end = p.status() == Status.OK ? p.end() : Long.MAX_VALUE;
            last = any ? Math.max(last, end) : end;
            any = true;
          }
        }
      }
      return last;
    }
  }
}
