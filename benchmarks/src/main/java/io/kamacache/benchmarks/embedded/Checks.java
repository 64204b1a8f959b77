package io.kamacache.benchmarks.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What a benchmark verifies about a provider besides its speed. */
final class Checks {

  private Checks() {}

  /** Refuses to measure a cache that silently dropped keys it is about to be asked for. */
  static void allPresent(String provider, CacheUnderTest<?> cache, int keys) {
    int missing = 0;
    for (int key = 0; key < keys; key++) {
      if (cache.get(key) == null) {
        missing++;
      }
    }
    if (missing > 0) {
      throw new IllegalStateException(provider + " kept only " + (keys - missing) + " of " + keys
          + " keys it was given; its numbers would measure misses");
    }
  }

  /**
   * Writes whether the bound held to {@code kamacache.bench.bounds} (a file the report reads), so
   * a provider whose bound is approximate shows up next to its speed.
   */
  static void recordBound(String provider, long size, long capacity) {
    String line = provider + "," + size + "," + capacity + "," + (size <= capacity) + System.lineSeparator();
    String file = System.getProperty("kamacache.bench.bounds");
    if (file == null) {
      System.out.print("bound: " + line);
      return;
    }
    try {
      Files.writeString(Path.of(file), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
