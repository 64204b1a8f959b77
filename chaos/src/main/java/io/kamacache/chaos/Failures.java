package io.kamacache.chaos;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the exceptions operations threw, by class and message, for the member's log at the end. */
final class Failures {

  /** Long messages carry stack-like detail that would make every failure its own line. */
  private static final int MESSAGE_CHARS = 160;

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  /** The first failure of each kind, whose stack trace the log shows: where it was thrown is the clue. */
  private final Map<String, Throwable> first = new ConcurrentHashMap<>();

  void record(Throwable failure) {
    String kind = describe(failure);
    first.putIfAbsent(kind, failure);
    counts.computeIfAbsent(kind, any -> new LongAdder()).increment();
  }

  /** Class and message, with numbers blanked so that one kind of failure counts as one line. */
  static String describe(Throwable failure) {
    String message = String.valueOf(failure.getMessage()).replaceAll("[0-9]+", "#");
    if (message.length() > MESSAGE_CHARS) {
      message = message.substring(0, MESSAGE_CHARS) + "...";
    }
    return failure.getClass().getName() + ": " + message;
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  void print(PrintStream out, String who) {
    Map<String, LongAdder> sorted = new TreeMap<>(counts);
    out.println(who + ": " + total() + " operations threw");
    sorted.forEach((what, count) -> {
      out.println("  " + count.sum() + " x " + what);
      first.get(what).printStackTrace(out);
    });
    out.flush();
  }
}
