package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Fn;
import io.kamacache.chaos.history.Op;
import io.kamacache.chaos.history.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A linearizable register on one key driven by simulated processes in simulated time, so a test
 * gets the same large history on every machine. Each operation takes effect at one instant between
 * its start and end; a chosen few writes are UNKNOWN: the process gives up on them at once, and
 * each lands later (anywhere up to a few hundred ticks on) or never.
 */
final class Simulation {

  /** Apart by far more than the number of increments, so INCR never turns one written value into another. */
  static final long VALUE_SPACING = 1_000_000;

  private Simulation() {}

  static List<Op> run(long seed, int processes, int operations, int unknownWrites) {
    return run(seed, processes, operations, unknownWrites, false);
  }

  /** As above; with {@code anyUnknown}, the UNKNOWN operations are any kind of write, not just PUTs. */
  static List<Op> run(long seed, int processes, int operations, int unknownWrites, boolean anyUnknown) {
    Random random = new Random(seed);
    Set<Integer> unknown = new HashSet<>();
    while (unknown.size() < unknownWrites) {
      unknown.add(random.nextInt(operations));
    }
    Long register = null;
    long nextValue = 1;
    long[] id = new long[processes];
    Pending[] inFlight = new Pending[processes];
    List<Pending> landing = new ArrayList<>();
    List<Op> history = new ArrayList<>();
    int started = 0;
    long time = 0;
    while (started < operations || anyInFlight(inFlight)) {
      time += 1 + random.nextInt(3);
      for (Pending late : List.copyOf(landing)) {
        if (late.landsAt <= time) {
          register = apply(register, late);
          landing.remove(late);
        }
      }
      int p = random.nextInt(processes);
      Pending op = inFlight[p];
      if (op == null) {
        if (started == operations) {
          continue;
        }
        boolean isUnknown = unknown.contains(started++);
        op = new Pending(isUnknown ? unknownFn(random, anyUnknown) : randomFn(random));
        op.start = time;
        op.arg = op.fn == Fn.PUT || op.fn == Fn.GET_AND_PUT || op.fn == Fn.CAS ? nextValue++ * VALUE_SPACING : null;
        if (op.fn == Fn.CAS) {
          // Half the time expect what is there, so some swaps succeed.
          op.expected = random.nextBoolean() && register != null ? register : random.nextInt(5) * VALUE_SPACING;
        }
        if (isUnknown) {
          if (random.nextBoolean()) {
            op.landsAt = time + 1 + random.nextInt(300);
            landing.add(op);
          }
          history.add(op.toOp("p" + p, id[p]++, Status.UNKNOWN, Long.MAX_VALUE));
          continue;
        }
        inFlight[p] = op;
      } else if (!op.applied) {
        op.result = result(register, op);
        register = apply(register, op);
        op.applied = true;
      } else {
        history.add(op.toOp("p" + p, id[p]++, Status.OK, time));
        inFlight[p] = null;
      }
    }
    history.sort(Comparator.comparingLong(Op::start));
    return history;
  }

  private static boolean anyInFlight(Pending[] inFlight) {
    for (Pending op : inFlight) {
      if (op != null) {
        return true;
      }
    }
    return false;
  }

  private static Fn randomFn(Random random) {
    int r = random.nextInt(100);
    return r < 40 ? Fn.GET : r < 65 ? Fn.PUT : r < 80 ? Fn.CAS : r < 90 ? Fn.GET_AND_PUT : r < 95 ? Fn.INCR : Fn.REMOVE;
  }

  private static Fn unknownFn(Random random, boolean any) {
    Fn fn = any ? randomFn(random) : Fn.PUT;
    return fn == Fn.GET ? Fn.PUT : fn;
  }

  private static Long result(Long register, Pending op) {
    switch (op.fn) {
      case GET:
      case GET_AND_PUT:
        return register;
      case CAS:
        return register != null && register.equals(op.expected) ? 1L : 0L;
      case INCR:
        return register == null ? 1 : register + 1;
      case REMOVE:
        return register != null ? 1L : 0L;
      default:
        return null;
    }
  }

  private static Long apply(Long register, Pending op) {
    switch (op.fn) {
      case PUT:
      case GET_AND_PUT:
        return op.arg;
      case CAS:
        return register != null && register.equals(op.expected) ? op.arg : register;
      case INCR:
        return register == null ? 1 : register + 1;
      case REMOVE:
        return null;
      default:
        return register;
    }
  }

  private static final class Pending {
    final Fn fn;
    Long arg;
    Long expected;
    Long result;
    long start;
    long landsAt;
    boolean applied;

    Pending(Fn fn) {
      this.fn = fn;
    }

    Op toOp(String process, long id, Status status, long end) {
      return new Op(process, id, "k", fn, arg, expected, status == Status.OK ? result : null, status, start, end);
    }
  }
}
