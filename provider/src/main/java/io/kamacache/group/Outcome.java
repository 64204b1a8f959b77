package io.kamacache.group;

/**
 * What a compare-then-act operation (putIfAbsent, replace(k, old, new), remove(k, old)) found
 * under the key's lock and what it did there; its statistics follow from it.
 */
enum Outcome {
  /** No entry to compare with: nothing changed. */
  ABSENT(false),
  /** An entry that failed the comparison: it was only accessed. */
  KEPT(true),
  /** No entry, and a new one was written through and stored. */
  CREATED(false),
  /** No entry, and a new one was written through, but its expiry policy expired it at once. */
  CREATED_EXPIRED(false),
  /** The entry's value was replaced. */
  REPLACED(true),
  /** The entry was removed. */
  REMOVED(true);

  /** Whether the key was there: a hit, else a miss. */
  final boolean found;

  Outcome(boolean found) {
    this.found = found;
  }

  /** Whether the cache now holds a value the operation put there. */
  boolean stored() {
    return this == CREATED || this == REPLACED;
  }
}
