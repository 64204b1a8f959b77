package io.kamacache.store;

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
    int tableSize = Integer.highestOneBit(Math.max(2, fifo.length) * 2 - 1) * 2;
    table = new int[tableSize];
    tableMask = tableSize - 1;
  }

  /** Remembers the hash, forgetting the oldest one when full. */
  void add(int hash) {
    hash = nonZero(hash);
    if (contains(hash)) {
      return;
    }
    if (size == fifo.length) {
      delete(fifo[head]);
      size--;
    }
    fifo[head] = hash;
    head = (head + 1) % fifo.length;
    size++;
    int i = hash & tableMask;
    while (table[i] != EMPTY) {
      i = (i + 1) & tableMask;
    }
    table[i] = hash;
  }

  /** Whether the hash is remembered; forgets it if it was, as it is being acted on. */
  boolean remove(int hash) {
    hash = nonZero(hash);
    if (!contains(hash)) {
      return false;
    }
    // Leave the slot in the FIFO; it is deleted from the table now and is skipped when it ages out.
    delete(hash);
    return true;
  }

  void clear() {
    java.util.Arrays.fill(table, EMPTY);
    head = 0;
    size = 0;
  }

  private boolean contains(int hash) {
    int i = hash & tableMask;
    while (table[i] != EMPTY) {
      if (table[i] == hash) {
        return true;
      }
      i = (i + 1) & tableMask;
    }
    return false;
  }

  /** Deletes one occurrence with backward-shift deletion, keeping probe chains intact. */
  private void delete(int hash) {
    int i = hash & tableMask;
    while (table[i] != hash) {
      if (table[i] == EMPTY) {
        return;
      }
      i = (i + 1) & tableMask;
    }
    int gap = i;
    int j = i;
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
