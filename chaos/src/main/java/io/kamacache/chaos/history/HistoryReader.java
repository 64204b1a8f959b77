package io.kamacache.chaos.history;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/** Temporary stand-in for the checker branch's type, so the harness compiles before the merge. */
public final class HistoryReader {
  private HistoryReader() {}

  public static List<Op> read(Collection<Path> files) throws IOException {
    throw new UnsupportedOperationException("stand-in: merge the check branch");
  }
}
