package io.kamacache.store;

import java.util.Arrays;

/**
 * A bounded memory of the hashes of keys recently evicted from level 1 (2Q's "A1out"). A key that
 * comes back while it is remembered has been re-referenced after more than a level's worth of
 * inserts, so it goes straight to level 2 instead of being evicted again before its second access.
 *
 * <p>Open addressing over a ring of hashes, so remembering a key allocates nothing. A hash
 * collision only costs a wrong promotion, never a wrong value.
 */
final class GhostKeys {
  private static final int EMPTY = 0;

  private final int[] fifo;
  private final int[] table;
  private final int tableMask;
  private int head;
  private int size;

  GhostKeys(int capacity) {
    fifo = new int[Math.max(1, capacity)];
    // At least twice the ring, a power of two: the table stays under half full, so probes are short.
    int tableSize = Integer.highestOneBit(Math.max(2, fifo.length) * 2 - 1) * 2;
    table = new int[tableSize];
    tableMask = tableSize - 1;
  }

  /**
   * Remembers the hash, forgetting the oldest one when full. It does not look for the hash first:
   * a victim of level 1 was inserted since it was last remembered, which forgot it, so only two
   * keys with one hash can be remembered twice, and that costs one slot, not a wrong answer.
   */
  void add(int hash) {
    hash = nonZero(hash);
    if (size == fifo.length) {
      int oldest = find(fifo[head]);
      if (oldest >= 0) { // not if it was removed when its key came back
        deleteAt(oldest);
      }
      size--;
    }
    fifo[head] = hash;
    if (++head == fifo.length) {
      head = 0;
    }
    size++;
    int i = hash & tableMask;
    while (table[i] != EMPTY) {
      i = (i + 1) & tableMask;
    }
    table[i] = hash;
  }

  /** Whether the hash is remembered; forgets it if it was, as it is being acted on. */
  boolean remove(int hash) {
    int i = find(nonZero(hash));
    if (i < 0) {
      return false;
    }
    // Leave the slot in the FIFO; it is deleted from the table now and is skipped when it ages out.
    deleteAt(i);
    return true;
  }

  void clear() {
    Arrays.fill(table, EMPTY);
    head = 0;
    size = 0;
  }

  /** The hash's slot in the table, or -1. */
  private int find(int hash) {
    int i = hash & tableMask;
    while (table[i] != EMPTY) {
      if (table[i] == hash) {
        return i;
      }
      i = (i + 1) & tableMask;
    }
    return -1;
  }

  /** Empties slot {@code gap} with backward-shift deletion, keeping probe chains intact. */
  private void deleteAt(int gap) {
    int j = gap;
    while (true) {
      j = (j + 1) & tableMask;
      if (table[j] == EMPTY) {
        break;
      }
      int home = table[j] & tableMask;
      // Move table[j] into the gap unless its home lies cyclically within (gap, j].
      boolean homeBetween = gap <= j ? (home > gap && home <= j) : (home > gap || home <= j);
      if (!homeBetween) {
        table[gap] = table[j];
        gap = j;
      }
    }
    table[gap] = EMPTY;
  }

  private static int nonZero(int hash) {
    return hash == EMPTY ? 1 : hash;
  }
}
