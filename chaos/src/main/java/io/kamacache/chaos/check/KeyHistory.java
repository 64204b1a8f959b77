package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One key's operations, prepared for the search: FAIL operations and UNKNOWN reads dropped (neither
 * changes the register), acknowledged ones ordered by start, UNKNOWN writes grouped into classes of
 * interchangeable operations, and the register model for the key.
 */
final class KeyHistory {

  private static final Comparator<SearchOp> BY_START = Comparator.<SearchOp>comparingLong(o -> o.start)
      .thenComparingLong(o -> o.end)
      .thenComparing(o -> o.op.process())
      .thenComparingLong(o -> o.op.id());

  final String key;
  final RegisterModel model;
  /** Acknowledged operations, by start. */
  final SearchOp[] ok;
  /** UNKNOWN operations that may change the register, class by class, by start within a class. */
  final SearchOp[] unknown;
  /** For each class, the index in {@link #unknown} of its first member; one extra entry closes the last. */
  final int[] classStart;
  /** The earliest start of any operation kept, to print times relative to. */
  final long origin;

  private KeyHistory(String key, RegisterModel model, SearchOp[] ok, SearchOp[] unknown, int[] classStart,
      long origin) {
    this.key = key;
    this.model = model;
    this.ok = ok;
    this.unknown = unknown;
    this.classStart = classStart;
    this.origin = origin;
  }

  int size() {
    return ok.length + unknown.length;
  }

  static KeyHistory of(String key, List<Op> ops) {
    List<SearchOp> kept = new ArrayList<>();
    for (Op op : ops) {
      if (op.status() == Status.FAIL || (op.status() == Status.UNKNOWN && op.fn() == Fn.GET)) {
        continue;
      }
      requireWellFormed(op);
      kept.add(new SearchOp(op));
    }
    RegisterModel model = modelFor(kept);
    List<SearchOp> ok = new ArrayList<>();
    // Insertion order of classes is by first member's start, since we walk operations by start.
    Map<Object, List<SearchOp>> classes = new LinkedHashMap<>();
    kept.sort(BY_START);
    for (SearchOp op : kept) {
      if (op.ok) {
        ok.add(op);
      } else {
        classes.computeIfAbsent(classOf(model, op), k -> new ArrayList<>()).add(op);
      }
    }
    List<SearchOp> unknown = new ArrayList<>();
    int[] classStart = new int[classes.size() + 1];
    int c = 0;
    for (List<SearchOp> members : classes.values()) {
      classStart[c++] = unknown.size();
      unknown.addAll(members);
    }
    classStart[c] = unknown.size();
    long origin = kept.isEmpty() ? 0 : kept.get(0).start;
    return new KeyHistory(key, model, ok.toArray(new SearchOp[0]), unknown.toArray(new SearchOp[0]),
        classStart, origin);
  }

  /**
   * What makes two UNKNOWN operations interchangeable: the same change to every state. Any
   * linearization that uses some members of a class can use the earliest-starting ones instead, in
   * the same places, because an UNKNOWN operation constrains nobody (it has no end) and the k-th
   * place used lies after at least k members' starts. So the search only ever places a class's
   * members in start order.
   */
  private static Object classOf(RegisterModel model, SearchOp op) {
    switch (op.fn) {
      case PUT:
      case GET_AND_PUT:
        return List.of("write", model.of(op.arg));
      case REMOVE:
        return List.of("write", RegisterModel.State.ABSENT_STATE);
      case INCR:
        return List.of("incr");
      case CAS:
        return List.of("cas", op.expected, model.of(op.arg));
      default:
        throw new AssertionError(op.fn);
    }
  }

  /** The model, told which values operations compare the register with and how many increments exist. */
  private static RegisterModel modelFor(List<SearchOp> ops) {
    long[] seen = new long[ops.size()];
    int n = 0;
    long increments = 0;
    for (SearchOp op : ops) {
      if (op.fn == Fn.INCR) {
        increments++;
      }
      if (op.fn == Fn.CAS) {
        seen[n++] = op.expected;
      } else if (op.ok && (op.fn == Fn.GET || op.fn == Fn.GET_AND_PUT) && op.result != null) {
        seen[n++] = op.result;
      } else if (op.ok && op.fn == Fn.INCR && op.result != null) {
        // Its result minus one is the value it found (0 also stands for absent, harmlessly).
        seen[n++] = op.result - 1;
      }
    }
    return new RegisterModel(Arrays.copyOf(seen, n), increments);
  }

  private static void requireWellFormed(Op op) {
    boolean needsArg = op.fn() == Fn.PUT || op.fn() == Fn.GET_AND_PUT || op.fn() == Fn.CAS;
    if ((needsArg && op.arg() == null) || (op.fn() == Fn.CAS && op.expected() == null)) {
      throw new IllegalArgumentException("operation lacks its argument: " + op);
    }
    if (op.status() == Status.OK && op.end() < op.start()) {
      throw new IllegalArgumentException("operation ends before it starts: " + op);
    }
  }
}
