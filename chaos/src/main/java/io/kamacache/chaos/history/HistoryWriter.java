package io.kamacache.chaos.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Temporary stand-in for the checker branch's type, so the harness compiles before the merge. */
public final class HistoryWriter implements AutoCloseable {
  private final Writer out;
  private final String process;
  private long next;

  public HistoryWriter(Path file, String process) throws IOException {
    this.out = Files.newBufferedWriter(file);
    this.process = process;
  }

  public synchronized long invoke(String key, Fn fn, Long arg, Long expected) {
    long id = next++;
    write("i " + process + " " + id + " " + key + " " + fn + " " + arg + " " + expected + " " + System.nanoTime());
    return id;
  }

  public synchronized void complete(long id, Status status, Long result) {
    write("c " + id + " " + status + " " + result + " " + System.nanoTime());
  }

  private void write(String line) {
    try {
      out.write(line + "\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
