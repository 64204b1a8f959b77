package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * On one key, the pairs (acknowledged write w, observation r) where w hides r's value, as
 * {@link Anomalies} defines it; counted by write (lost writes) and by observation (stale reads).
 */
final class HiddenValues {

  /** The register's absent state, as a value. */
  private static final Object ABSENT = new Object();
  /** Stands for "any value increments can reach", the possible effect of an UNKNOWN INCR. */
  private static final Object INCREMENTED = new Object();

  private final Map<Object, List<Op>> producersByValue = new HashMap<>();
  private final List<Op> unknownIncrements = new ArrayList<>();
  private final Anomalies.Reach reach;
  private int lostWrites;
  private int staleObservations;

  HiddenValues(List<Op> ops, Anomalies.Reach reach) {
    this.reach = reach;
    List<Op> writes = new ArrayList<>();
    for (Op op : ops) {
      Object produced = produced(op);
      if (produced == INCREMENTED) {
        unknownIncrements.add(op);
      } else if (produced != null) {
        producersByValue.computeIfAbsent(produced, k -> new ArrayList<>()).add(op);
      }
      if (written(op) != null) {
        writes.add(op);
      }
    }
    writes.sort(Comparator.comparingLong(Op::start));
    long[] writeStarts = writes.stream().mapToLong(Op::start).toArray();
    boolean[] lost = new boolean[writes.size()];
    for (Op r : ops) {
      Object x = observed(r);
      if (x == null) {
        continue;
      }
      boolean stale = false;
      // A write hiding x starts after the last producer of x ended and ends before r starts.
      int first = firstAfter(writeStarts, lastProducerEnd(x, r));
      for (int i = first; i < writes.size() && writeStarts[i] < r.start(); i++) {
        Op w = writes.get(i);
        if (w.end() < r.start() && !x.equals(written(w))) {
          stale = true;
          if (!lost[i]) {
            lost[i] = true;
            lostWrites++;
          }
        }
      }
      staleObservations += stale ? 1 : 0;
    }
  }

  int lostWrites() {
    return lostWrites;
  }

  int staleObservations() {
    return staleObservations;
  }

  /**
   * The latest end of a producer of {@code x} other than {@code r} that started no later than
   * {@code r} ended: {@link Long#MAX_VALUE} if one is UNKNOWN or if x has no producer at all (then
   * nothing hides it), {@link Long#MIN_VALUE} if only the initial state produced it.
   */
  private long lastProducerEnd(Object x, Op r) {
    boolean found = x == ABSENT;
    long last = Long.MIN_VALUE;
    List<Op> incrementsToX = x != ABSENT && reach.incremented((Long) x) ? unknownIncrements : List.of();
    for (List<Op> producers : List.of(producersByValue.getOrDefault(x, List.of()), incrementsToX)) {
      for (Op p : producers) {
        if (p != r && p.start() <= r.end()) {
          found = true;
          last = Math.max(last, p.status() == Status.OK ? p.end() : Long.MAX_VALUE);
        }
      }
    }
    return found ? last : Long.MAX_VALUE;
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

  /** What {@code op} may have set the register to: a value, ABSENT, INCREMENTED, or null for nothing. */
  private static Object produced(Op op) {
    boolean ok = op.status() == Status.OK;
    boolean unknown = op.status() == Status.UNKNOWN;
    boolean succeeded = ok && Objects.equals(op.result(), 1L);
    switch (op.fn()) {
      case PUT:
      case GET_AND_PUT:
        return ok || unknown ? op.arg() : null;
      case CAS:
        return succeeded || unknown ? op.arg() : null;
      case INCR:
        return unknown ? INCREMENTED : ok ? op.result() : null;
      case REMOVE:
        return succeeded || unknown ? ABSENT : null;
      default:
        return null;
    }
  }

  /** The value an acknowledged write left (ABSENT for a remove), or null if {@code op} is none. */
  private static Object written(Op op) {
    if (op.status() != Status.OK) {
      return null;
    }
    switch (op.fn()) {
      case PUT:
      case GET_AND_PUT:
        return op.arg();
      case CAS:
        return Objects.equals(op.result(), 1L) ? op.arg() : null;
      case INCR:
        return op.result();
      case REMOVE:
        return Objects.equals(op.result(), 1L) ? ABSENT : null;
      default:
        return null;
    }
  }

  /** The value an observation saw (ABSENT for absent), or null if {@code op} is none. */
  private static Object observed(Op op) {
    if (op.status() != Status.OK) {
      return null;
    }
    Long r = op.result();
    switch (op.fn()) {
      case GET:
      case GET_AND_PUT:
        return r == null ? ABSENT : r;
      case CAS:
        return Objects.equals(r, 1L) ? op.expected() : null;
      case REMOVE:
        return Objects.equals(r, 0L) ? ABSENT : null;
      case INCR:
        return r != null && r >= 2 ? Long.valueOf(r - 1) : null;
      default:
        return null;
    }
  }
}
