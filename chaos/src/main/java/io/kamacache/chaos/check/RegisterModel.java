package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Fn;
import java.util.Arrays;
import java.util.Objects;

/**
 * The sequential specification of one key's {@code Long} register, over an abstracted state.
 *
 * <p>The abstraction: a value is <em>dead</em> when neither it nor any value a run of the key's
 * increments could carry it to is ever compared with anything, that is, when no value in
 * [v, v + increments] is one an operation can distinguish (an OK GET's or GET_AND_PUT's result, an
 * OK INCR's result minus one, a CAS's expected value). From a dead value every operation is legal or
 * illegal, and changes the state, exactly as from any other dead value, and increments never carry
 * it out of the dead zone (there are not enough of them). So all dead values behave alike and the
 * model keeps one state, {@link #DEAD}, for them. Writes of values nobody reads (typically the
 * values of UNKNOWN writes that never landed) then all lead to the same state, which lets the
 * search's memo merge what would otherwise be one configuration per unread value.
 */
final class RegisterModel {

  static final int ABSENT = 0;
  static final int VALUE = 1;
  static final int DEAD = 2;

  /**
   * A register state. A dead state keeps the value it stands for, to show people (one of the values
   * it stands for: the one on the path the search took), but equals every other dead state.
   */
  record State(int kind, long value) {
    static final State ABSENT_STATE = new State(ABSENT, 0);

    boolean present() {
      return kind != ABSENT;
    }

    boolean holds(Long x) {
      return kind == VALUE && x != null && value == x;
    }

    @Override public boolean equals(Object o) {
      return o instanceof State s && s.kind == kind && (kind != VALUE || s.value == value);
    }

    @Override public int hashCode() {
      return kind == VALUE ? Long.hashCode(value) : kind;
    }

    @Override public String toString() {
      return kind == ABSENT ? "absent" : Long.toString(value);
    }
  }

  /** Sorted values some operation compares the register with. */
  private final long[] distinguished;
  private final long increments;

  RegisterModel(long[] distinguished, long increments) {
    this.distinguished = distinguished.clone();
    Arrays.sort(this.distinguished);
    this.increments = increments;
  }

  /** The state holding {@code x}: dead if nothing can tell {@code x} apart from other dead values. */
  State of(long x) {
    long last = x + increments < x ? Long.MAX_VALUE : x + increments;
    int at = Arrays.binarySearch(distinguished, x);
    int next = at >= 0 ? at : -at - 1;
    boolean seen = next < distinguished.length && distinguished[next] <= last;
    return new State(seen ? VALUE : DEAD, x);
  }

  /**
   * The state after {@code op} at {@code s}, or null if {@code op} is acknowledged and its result is
   * impossible at {@code s}. An UNKNOWN operation's result is not constrained.
   */
  State apply(State s, SearchOp op) {
    switch (op.fn) {
      case PUT:
        return of(op.arg);
      case GET:
        return !op.ok || sees(s, op.result) ? s : null;
      case GET_AND_PUT:
        return !op.ok || sees(s, op.result) ? of(op.arg) : null;
      case CAS: {
        boolean swaps = s.holds(op.expected);
        if (!op.ok) {
          return swaps ? of(op.arg) : s;
        }
        if (op.result != null && op.result == 1) {
          return swaps ? of(op.arg) : null;
        }
        return op.result != null && op.result == 0 && !swaps ? s : null;
      }
      case INCR: {
        if (s.kind == DEAD) {
          // A dead value plus one is dead too, and no acknowledged INCR returns one (see the class comment).
          return op.ok ? null : new State(DEAD, s.value + 1);
        }
        long next = s.kind == ABSENT ? 1 : s.value + 1;
        return !op.ok || Objects.equals(op.result, next) ? of(next) : null;
      }
      case REMOVE:
        if (!op.ok) {
          return State.ABSENT_STATE;
        }
        return op.result != null && op.result == (s.present() ? 1 : 0) ? State.ABSENT_STATE : null;
      default:
        throw new AssertionError(op.fn);
    }
  }

  /** Why {@code op} cannot take effect at {@code s}, in words, or null if it can. */
  String whyNot(State s, SearchOp op) {
    if (apply(s, op) != null) {
      return null;
    }
    String held = s.kind == ABSENT ? "the register was absent" : "the register held " + s;
    switch (op.fn) {
      case GET:
      case GET_AND_PUT:
        return "it returned " + (op.result == null ? "absent" : op.result) + " but " + held;
      case CAS:
        if (op.result == null || (op.result != 0 && op.result != 1)) {
          return "a CAS returns 0 or 1, this one " + op.result;
        }
        return (op.result == 1 ? "it succeeded but " : "it failed but ") + held;
      case INCR:
        return "it returned " + op.result + " but " + held;
      case REMOVE:
        if (op.result == null || (op.result != 0 && op.result != 1)) {
          return "a REMOVE returns 0 or 1, this one " + op.result;
        }
        return "it returned " + op.result + " but " + held;
      default:
        throw new AssertionError(op.fn);
    }
  }

  /**
   * Whether {@code op} leaves the state unchanged wherever it is legal: such an operation can be
   * placed as soon as it is legal, without trying alternatives (see {@link KeySearch}).
   */
  static boolean observer(SearchOp op) {
    if (!op.ok) {
      return op.fn == Fn.GET;
    }
    switch (op.fn) {
      case GET:
        return true;
      case CAS:
        // A failed CAS changes nothing; a successful CAS(x -> x) finds x and leaves it.
        return Objects.equals(op.result, 0L)
            || (Objects.equals(op.result, 1L) && Objects.equals(op.expected, op.arg));
      case GET_AND_PUT:
        return op.result != null && op.result.equals(op.arg);
      case REMOVE:
        return Objects.equals(op.result, 0L);
      default:
        return false;
    }
  }

  private static boolean sees(State s, Long result) {
    return result == null ? !s.present() : s.holds(result);
  }
}
