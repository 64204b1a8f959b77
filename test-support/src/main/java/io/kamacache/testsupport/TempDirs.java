package io.kamacache.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting the temporary directories the cluster tests make. */
public final class TempDirs {

  private TempDirs() {}

  /** Deletes {@code dir} and everything under it, as far as it can; a missing or null dir is fine. */
  public static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // Best effort: the directory is under the system's temporary directory anyway.
    }
  }
}
