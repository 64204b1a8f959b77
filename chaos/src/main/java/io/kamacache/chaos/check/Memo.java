package io.kamacache.chaos.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations the search has already entered (Lowe's memoization): which acknowledged
 * operations are placed, the register state, and which UNKNOWN ones are placed.
 *
 * <p>The set of placed acknowledged operations is kept as the first one not placed (all before it
 * are) plus the few placed beyond it, which is small because nothing can be placed far past an
 * operation still pending. A configuration is dominated by an entered one with the same acknowledged
 * operations and state and a subset of its UNKNOWN ones: the UNKNOWN operations left unplaced can
 * always be put off to the end (they have no end time and may never take effect), so whatever order
 * finishes the bigger set also finishes the smaller one, which the search has explored or is still
 * exploring. Dominated configurations are not entered again.
 */
final class Memo {

  /** Per placed set and state, the UNKNOWN sets entered: a {@code long[]} while there is one, else a list. */
  private final Map<Placed, Object> entered = new HashMap<>();
  private long size;

  /** How many configurations are stored. */
  long size() {
    return size;
  }

  /**
   * Records the configuration and returns true, or returns false if it is dominated by one entered
   * before.
   */
  boolean enter(int frontier, int[] beyond, int beyondCount, RegisterModel.State state, long[] unknownPlaced) {
    Placed placed = new Placed(frontier, Arrays.copyOf(beyond, beyondCount), state);
    Object sets = entered.get(placed);
    if (sets == null) {
      entered.put(placed, unknownPlaced.clone());
      size++;
      return true;
    }
    List<long[]> list;
    if (sets instanceof long[] only) {
      if (subset(only, unknownPlaced)) {
        return false;
      }
      list = new ArrayList<>(2);
      list.add(only);
      entered.put(placed, list);
    } else {
      @SuppressWarnings("unchecked")
      List<long[]> several = (List<long[]>) sets;
      list = several;
      for (long[] earlier : list) {
        if (subset(earlier, unknownPlaced)) {
          return false;
        }
      }
    }
    // The new set dominates its supersets; dropping them keeps the lists short.
    int before = list.size();
    list.removeIf(earlier -> subset(unknownPlaced, earlier));
    size -= before - list.size();
    list.add(unknownPlaced.clone());
    size++;
    return true;
  }

  private static boolean subset(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      if ((a[i] & ~b[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The placed acknowledged operations and the state. */
  private static final class Placed {
    final int frontier;
    final int[] beyond;
    final RegisterModel.State state;
    final int hash;

    Placed(int frontier, int[] beyond, RegisterModel.State state) {
      this.frontier = frontier;
      this.beyond = beyond;
      this.state = state;
      this.hash = (frontier * 31 + Arrays.hashCode(beyond)) * 31 + state.hashCode();
    }

    @Override public boolean equals(Object o) {
      return o instanceof Placed p && p.frontier == frontier && p.hash == hash && p.state.equals(state)
          && Arrays.equals(p.beyond, beyond);
    }

    @Override public int hashCode() {
      return hash;
    }
  }
}
