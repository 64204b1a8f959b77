package io.kamacache.chaos.harness;

import java.util.ArrayList;
import java.util.List;

/** A run's timeline, in seconds since it started, for the report of a failing run. */
final class Events {

  private final long begin = System.nanoTime();
  private final List<String> lines = new ArrayList<>();

  synchronized void add(String what) {
    lines.add(String.format("%7.2f s  %s", (System.nanoTime() - begin) / 1e9, what));
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }
}
