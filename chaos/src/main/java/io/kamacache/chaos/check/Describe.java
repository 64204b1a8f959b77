package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Operations and violations in words, for people reading a failed run's report. */
final class Describe {

  /** Pending operations an explanation lists: the first few are the ones that matter. */
  private static final int PENDING = 6;

  private Describe() {}

  /** An operation on one line, times in milliseconds from {@code origin}. */
  static String op(Op op, long origin) {
    String when = String.format(Locale.ROOT, "[+%.3f ms, %s]", (op.start() - origin) / 1e6,
        op.status() == Status.UNKNOWN ? "never acknowledged"
            : String.format(Locale.ROOT, "+%.3f ms", (op.end() - origin) / 1e6));
    return op.process() + " #" + op.id() + " " + what(op) + " " + when;
  }

  /** What the operation did, for example {@code CAS(3 -> 4) succeeded} or {@code GET -> absent}. */
  static String what(Op op) {
    String status = op.status() == Status.OK ? "" : " (" + op.status() + ")";
    Long r = op.result();
    boolean ok = op.status() == Status.OK;
    switch (op.fn()) {
      case PUT:
        return "PUT(" + op.arg() + ")" + status;
      case GET:
        return "GET -> " + value(r) + status;
      case CAS:
        String outcome = Objects.equals(r, 1L) ? " succeeded" : Objects.equals(r, 0L) ? " failed" : " -> " + r;
        return "CAS(" + op.expected() + " -> " + op.arg() + ")" + (ok ? outcome : status);
      case GET_AND_PUT:
        return "GET_AND_PUT(" + op.arg() + ")" + (ok ? " -> " + value(r) : status);
      case INCR:
        return "INCR" + (ok ? " -> " + r : status);
      case REMOVE:
        return "REMOVE" + (ok ? " -> " + r : status);
      default:
        throw new AssertionError(op.fn());
    }
  }

  /** The explanation of a key with no linearization, from the furthest point the search reached. */
  static String violation(KeyHistory h, KeySearch.Snapshot deepest) {
    StringBuilder text = new StringBuilder();
    text.append("no linearization: at most ").append(deepest.okPlaced()).append(" of the ")
        .append(h.ok.length).append(" acknowledged operations on key ").append(h.key)
        .append(" fit in a valid order.\n");
    if (deepest.tail().isEmpty()) {
      text.append("Not even the first can be placed: the register starts absent.\n");
    } else {
      text.append("The longest valid order found (").append(deepest.placed())
          .append(" operations) ends with:\n");
      for (SearchOp op : deepest.tail()) {
        text.append("  ").append(op(op.op, h.origin)).append('\n');
      }
      boolean absent = deepest.state().kind() == RegisterModel.ABSENT;
      text.append("which leaves the register ").append(absent ? "" : "at ").append(deepest.state()).append(".\n");
    }
    text.append("None of the operations that could come next fits");
    text.append(deepest.pending().isEmpty() ? " (there are none).\n" : ":\n");
    int shown = 0;
    for (SearchOp op : deepest.pending()) {
      if (shown++ == PENDING) {
        text.append("  ... and ").append(deepest.pending().size() - PENDING).append(" more\n");
        break;
      }
      String why = h.model.whyNot(deepest.state(), op);
      text.append("  ").append(op(op.op, h.origin)).append(": ")
          .append(why != null ? why : "it fits, but then nothing can follow").append('\n');
    }
    return text.toString().stripTrailing();
  }

  /** The operations an explanation mentions, in the order it mentions them. */
  static List<Op> context(KeySearch.Snapshot deepest) {
    List<Op> ops = new ArrayList<>();
    deepest.tail().forEach(op -> ops.add(op.op));
    deepest.pending().stream().limit(PENDING).forEach(op -> ops.add(op.op));
    return List.copyOf(ops);
  }

  private static String value(Long v) {
    return v == null ? "absent" : v.toString();
  }
}
