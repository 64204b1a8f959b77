package io.kamacache.benchmarks.simulator;

/** A cache eviction policy under test: one access at a time, a miss inserts the key. */
public interface Policy {

  /** Looks the key up, inserts it on a miss, and says whether it was a hit. */
  boolean access(Integer key);

  /** Creates an empty policy instance bounded to a number of entries. */
  @FunctionalInterface
  interface Factory {
    Policy create(int capacity);
  }
}
