package io.kamacache.benchmarks.embedded;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A mutable Serializable value of the kind applications cache: a store-by-value cache must hand
 * every reader its own copy.
 */
public final class Profile implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private int visits;
  private long lastSeen;
  private final List<String> tags = new ArrayList<>();

  Profile(int id) {
    this.name = "user-" + id;
    this.visits = id % 100;
    this.lastSeen = 1_700_000_000_000L + id;
    tags.add("tier-" + id % 3);
    tags.add("region-" + id % 7);
  }

  public void visit() {
    visits++;
    lastSeen++;
  }

  public String name() {
    return name;
  }

  public int visits() {
    return visits;
  }
}
