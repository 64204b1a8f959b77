package io.kamacache.chaos.check;

import io.kamacache.chaos.check.RegisterModel.State;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Wing and Gong's search for a linearization of one key's history, with Lowe's memoization, the way
 * Porcupine does it: place operations one at a time, each legal in the model and not preceded in
 * real time by one still unplaced, back up when stuck, and never enter a configuration (placed set,
 * state) entered before.
 *
 * <p>On top of that, four sound reductions (each argued where it is applied):
 *
 * <ul>
 *   <li>an operation that leaves the state unchanged wherever it is legal (a read, a failed CAS) is
 *       placed as soon as it is legal, with no alternative tried;
 *   <li>UNKNOWN operations need not be placed at all (they may never have taken effect), and one that
 *       would not change the state now is not placed now;
 *   <li>interchangeable UNKNOWN operations are placed in start order only ({@link KeyHistory});
 *   <li>values no operation can tell apart share one state ({@link RegisterModel}), and a
 *       configuration dominated by an entered one is skipped ({@link Memo}).
 * </ul>
 *
 * <p>Candidates are tried acknowledged ones first, earliest end first (the earliest-ending pending
 * operation must come before anything that starts after it ends), then UNKNOWN ones, so an UNKNOWN
 * write is tried only where the acknowledged operations alone lead nowhere.
 */
final class KeySearch {

  enum Outcome { LINEARIZABLE, VIOLATION, UNDECIDED }

  /** Steps between clock readings, less one: a step is cheaper than the clock, and 256 take well under 1 ms. */
  private static final int CLOCK_MASK = 255;
  /** Operations of the longest valid order an explanation quotes: enough to see how the state came about. */
  private static final int TAIL = 5;

  private final KeyHistory h;
  private final RegisterModel model;
  private final long budgetNanos;
  private final long maxConfigurations;

  private final int nOk;
  private final long[] okStart;
  private final long[] okEnd;
  private final boolean[] observer;
  private final boolean[] placedOk;
  /** The first acknowledged operation not placed; all before it are. */
  private int frontier;
  private int okPlaced;

  private final int[] classOf;
  /** Per class, the index in {@code h.unknown} of the next member to place (members go in start order). */
  private final int[] classNext;
  private final long[] unknownPlaced;

  private State state = State.ABSENT_STATE;
  private final Memo memo = new Memo();
  private final List<Frame> stack = new ArrayList<>();

  // Filled by scan(): the placed acknowledged operations past the frontier, the candidates, minEnd.
  private final int[] beyond;
  private int beyondCount;
  private final int[] okCandidates;
  private int okCandidateCount;
  private long minEnd;

  private Snapshot best;

  KeySearch(KeyHistory h, long budgetNanos, long maxConfigurations) {
    this.h = h;
    this.model = h.model;
    this.budgetNanos = budgetNanos;
    this.maxConfigurations = maxConfigurations;
    this.nOk = h.ok.length;
    this.okStart = new long[nOk];
    this.okEnd = new long[nOk];
    this.observer = new boolean[nOk];
    for (int i = 0; i < nOk; i++) {
      okStart[i] = h.ok[i].start;
      okEnd[i] = h.ok[i].end;
      observer[i] = RegisterModel.observer(h.ok[i]);
    }
    this.placedOk = new boolean[nOk];
    this.beyond = new int[nOk];
    this.okCandidates = new int[nOk];
    int classes = h.classStart.length - 1;
    this.classOf = new int[h.unknown.length];
    this.classNext = new int[classes];
    for (int c = 0; c < classes; c++) {
      classNext[c] = h.classStart[c];
      Arrays.fill(classOf, h.classStart[c], h.classStart[c + 1], c);
    }
    this.unknownPlaced = new long[(h.unknown.length + 63) / 64];
  }

  Outcome run() {
    if (nOk == 0) {
      return Outcome.LINEARIZABLE;
    }
    long started = System.nanoTime();
    scan();
    memo.enter(frontier, beyond, beyondCount, state, unknownPlaced);
    stack.add(frame(-1, null));
    for (long step = 0; ; step++) {
      if ((step & CLOCK_MASK) == 0 && System.nanoTime() - started >= budgetNanos) {
        return Outcome.UNDECIDED;
      }
      Frame top = stack.get(stack.size() - 1);
      if (top.next == top.candidates.length) {
        stack.remove(stack.size() - 1);
        if (stack.isEmpty()) {
          return Outcome.VIOLATION;
        }
        unplace(top.via);
        state = top.previous;
        continue;
      }
      int c = top.candidates[top.next++];
      State after = model.apply(state, op(c));
      if (after == null) {
        continue;
      }
      State before = state;
      place(c);
      state = after;
      if (okPlaced == nOk) {
        return Outcome.LINEARIZABLE;
      }
      scan();
      if (!memo.enter(frontier, beyond, beyondCount, state, unknownPlaced)) {
        unplace(c);
        state = before;
        continue;
      }
      if (memo.size() > maxConfigurations) {
        return Outcome.UNDECIDED;
      }
      stack.add(frame(c, before));
    }
  }

  /** The deepest point the search reached, once {@link #run()} returned {@link Outcome#VIOLATION}. */
  Snapshot deepest() {
    return best;
  }

  /** The furthest the search got: a linearizable prefix, the state it leaves, and what could not follow. */
  record Snapshot(int okPlaced, int placed, List<SearchOp> tail, State state, List<SearchOp> pending) {}

  private SearchOp op(int c) {
    return c < nOk ? h.ok[c] : h.unknown[c - nOk];
  }

  private void place(int c) {
    if (c < nOk) {
      placedOk[c] = true;
      okPlaced++;
      while (frontier < nOk && placedOk[frontier]) {
        frontier++;
      }
    } else {
      int u = c - nOk;
      unknownPlaced[u >>> 6] |= 1L << u;
      classNext[classOf[u]]++;
    }
  }

  private void unplace(int c) {
    if (c < nOk) {
      placedOk[c] = false;
      okPlaced--;
      frontier = Math.min(frontier, c);
    } else {
      int u = c - nOk;
      unknownPlaced[u >>> 6] &= ~(1L << u);
      classNext[classOf[u]]--;
    }
  }

  /**
   * Walks the window of acknowledged operations that start before the frontier one ends. Every placed
   * one past the frontier is in it: it was placed while the frontier one was pending, so it started
   * before that one ended. The candidates are the pending ones starting no later than the earliest
   * pending end (ties count as concurrent).
   */
  private void scan() {
    beyondCount = 0;
    okCandidateCount = 0;
    long frontierEnd = okEnd[frontier];
    long min = Long.MAX_VALUE;
    int windowEnd = frontier;
    for (; windowEnd < nOk && okStart[windowEnd] <= frontierEnd; windowEnd++) {
      if (placedOk[windowEnd]) {
        beyond[beyondCount++] = windowEnd;
      } else if (okEnd[windowEnd] < min) {
        min = okEnd[windowEnd];
      }
    }
    minEnd = min;
    for (int j = frontier; j < windowEnd; j++) {
      if (!placedOk[j] && okStart[j] <= min) {
        // Insertion by end: the window is short, and its order is the one we try candidates in.
        int at = okCandidateCount++;
        while (at > 0 && okEnd[okCandidates[at - 1]] > okEnd[j]) {
          okCandidates[at] = okCandidates[at - 1];
          at--;
        }
        okCandidates[at] = j;
      }
    }
  }

  /** The frame for the configuration scan() just described, reached by placing {@code via}. */
  private Frame frame(int via, State previous) {
    if (best == null || okPlaced > best.okPlaced) {
      best = snapshot(via);
    }
    for (int k = 0; k < okCandidateCount; k++) {
      int c = okCandidates[k];
      // A legal observer goes now, alone. If any order finishes from here, moving the observer to
      // its front keeps it valid: the observer changes no state where it is legal, and nothing
      // pending ended before it started (it is a candidate), so no real-time order breaks.
      if (observer[c] && model.apply(state, h.ok[c]) != null) {
        return new Frame(via, previous, new int[] {c});
      }
    }
    int[] candidates = Arrays.copyOf(okCandidates, okCandidateCount + classNext.length);
    int n = okCandidateCount;
    int firstUnknown = n;
    for (int cls = 0; cls < classNext.length; cls++) {
      int u = classNext[cls];
      if (u == h.classStart[cls + 1] || h.unknown[u].start > minEnd) {
        continue;
      }
      // An UNKNOWN operation that changes nothing now is not placed now: leaving it unplaced keeps
      // every option open that placing it would give.
      if (model.apply(state, h.unknown[u]).equals(state)) {
        continue;
      }
      int at = n++;
      while (at > firstUnknown && h.unknown[candidates[at - 1] - nOk].start > h.unknown[u].start) {
        candidates[at] = candidates[at - 1];
        at--;
      }
      candidates[at] = nOk + u;
    }
    return new Frame(via, previous, n == candidates.length ? candidates : Arrays.copyOf(candidates, n));
  }

  private Snapshot snapshot(int via) {
    List<SearchOp> tail = new ArrayList<>();
    if (via >= 0) {
      tail.add(op(via));
    }
    // Frame 0 is the start, reached by nothing; the new configuration's frame is not pushed yet.
    for (int i = stack.size() - 1; i > 0 && tail.size() < TAIL; i--) {
      tail.add(op(stack.get(i).via));
    }
    Collections.reverse(tail);
    List<SearchOp> pending = new ArrayList<>();
    for (int k = 0; k < okCandidateCount; k++) {
      pending.add(h.ok[okCandidates[k]]);
    }
    int placed = via < 0 ? 0 : stack.size();
    return new Snapshot(okPlaced, placed, List.copyOf(tail), state, List.copyOf(pending));
  }

  /** A configuration on the current path: how it was reached and which candidates remain to try. */
  private static final class Frame {
    final int via;
    final State previous;
    final int[] candidates;
    int next;

    Frame(int via, State previous, int[] candidates) {
      this.via = via;
      this.previous = previous;
      this.candidates = candidates;
    }
  }
}
