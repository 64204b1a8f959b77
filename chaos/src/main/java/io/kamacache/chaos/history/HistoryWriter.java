package io.kamacache.chaos.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records one worker's operations in a history file, one line per invocation and one per
 * completion (the format is in {@link HistoryReader}).
 *
 * <p>Each call writes its line to the file with one {@code write(2)} before it returns, so a worker
 * killed by SIGKILL afterwards loses nothing it recorded. Lines are not fsynced: the faults we inject
 * kill processes, not the machine, and the page cache survives a process.
 *
 * <p>Use it as {@code id = invoke(...)}, then issue the operation, then {@code complete(id, ...)}: the
 * recorded interval then contains the operation. An operation never completed reads back as
 * {@link Status#UNKNOWN}. One writer per worker thread is the intended use, but every method is
 * thread-safe. The file is opened for appending; if a killed predecessor left a torn last line, the
 * constructor cuts it off and continues ids after the largest one {@code process} already used, so
 * the file stays readable and ids stay unique. Process names must differ between writers.
 *
 * <p>Errors writing the file surface as {@link UncheckedIOException}: a history with a hole in it
 * would check wrongly, so the worker should stop.
 */
public final class HistoryWriter implements AutoCloseable {

  private final Path file;
  private final String process;
  private final AtomicLong nextId;
  private final FileChannel channel;
  private final Object lock = new Object();
  /** Ids invoked and not yet completed; guarded by {@link #lock}. */
  private final Set<Long> open = new HashSet<>();
  /** Guarded by {@link #lock}. */
  private boolean closed;

  /**
   * Opens {@code file} for appending, creating it if needed.
   *
   * @param process names this writer's operations; must not contain tabs or line breaks
   * @throws UncheckedIOException if the file cannot be opened or repaired
   */
  public HistoryWriter(Path file, String process) {
    this.file = Objects.requireNonNull(file, "file");
    this.process = LineFormat.checkName("process", process);
    try {
      long lastId = TailRepair.repairAndFindLastId(file, process);
      this.nextId = new AtomicLong(lastId + 1);
      this.channel = FileChannel.open(
          file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open history file " + file, e);
    }
  }

  /**
   * Records that this worker is about to issue an operation, stamping the start with
   * {@link System#nanoTime()}.
   *
   * @param key the key; must not contain tabs or line breaks
   * @param arg the value written, if any
   * @param expected the expected value of a CAS, else null
   * @return the operation's id, to pass to {@link #complete}
   */
  public long invoke(String key, Fn fn, Long arg, Long expected) {
    LineFormat.checkName("key", key);
    Objects.requireNonNull(fn, "fn");
    long id = nextId.getAndIncrement();
    long start = System.nanoTime();
    String line = LineFormat.invocation(process, id, key, fn, arg, expected, start);
    synchronized (lock) {
      write(line);
      open.add(id);
    }
    return id;
  }

  /**
   * Records how an invoked operation ended, stamping the end with {@link System#nanoTime()}.
   *
   * @param result the result for {@link Status#OK} (null where the operation has none)
   * @throws IllegalArgumentException if {@code id} is not an open invocation of this writer
   */
  public void complete(long id, Status status, Long result) {
    Objects.requireNonNull(status, "status");
    long end = System.nanoTime();
    String line = LineFormat.completion(process, id, status, result, end);
    synchronized (lock) {
      if (!open.contains(id)) {
        throw new IllegalArgumentException(
            "operation " + id + " of " + process + " was never invoked here or is already complete");
      }
      write(line);
      open.remove(id);
    }
  }

  /** Closes the file; operations still open read back as {@link Status#UNKNOWN}. */
  @Override public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close history file " + file, e);
      }
    }
  }

  private void write(String line) {
    if (closed) {
      throw new IllegalStateException("history writer for " + file + " is closed");
    }
    ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    try {
      // One write(2) for a short line to a regular file; the loop only matters on odd file systems.
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write history file " + file, e);
    }
  }

  /** The file-opening chores, apart from the hot path. */
  static final class TailRepair {

    private TailRepair() {}

    /**
     * Cuts a torn last line off {@code file} (a predecessor killed mid-write) and returns the largest
     * id {@code process} recorded there, or 0 if none.
     */
    static long repairAndFindLastId(Path file, String process) throws IOException {
      if (!Files.exists(file)) {
        return 0;
      }
      byte[] bytes = Files.readAllBytes(file);
      int complete = bytes.length;
      while (complete > 0 && bytes[complete - 1] != '\n') {
        complete--;
      }
      if (complete < bytes.length) {
        try (FileChannel repair = FileChannel.open(file, StandardOpenOption.WRITE)) {
          repair.truncate(complete);
        }
      }
      long lastId = 0;
      String text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
      String prefixI = LineFormat.INVOKE + LineFormat.SEPARATOR + process + LineFormat.SEPARATOR;
      for (String line : text.split("\n")) {
        if (line.startsWith(prefixI)) {
          int from = prefixI.length();
          int to = line.indexOf(LineFormat.SEPARATOR, from);
          try {
            String id = to < 0 ? line.substring(from) : line.substring(from, to);
            lastId = Math.max(lastId, Long.parseLong(id));
          } catch (NumberFormatException ignored) {
            // A malformed line is the reader's to report; it cannot hold an id we would reuse.
          }
        }
      }
      return lastId;
    }
  }
}
