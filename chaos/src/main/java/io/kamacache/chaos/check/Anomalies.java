package io.kamacache.chaos.check;

import io.kamacache.chaos.history.Op;
import java.util.List;

/** Temporary stand-in for the checker branch's type, so the harness compiles before the merge. */
public final class Anomalies {
  private Anomalies() {}

  public record Counts(int lostAcknowledgedWrites, int neverWrittenValues, int staleReads) {}

  public static Counts count(List<Op> ops) {
    throw new UnsupportedOperationException("stand-in: merge the check branch");
  }
}
