package io.kamacache.chaos.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads history files written by {@link HistoryWriter} back into operations.
 *
 * <p>Each file is UTF-8 text, one event per line, fields separated by tabs, {@code -} for no number:
 *
 * <pre>
 * I  process  id  key  fn  arg|-  expected|-  startNanos
 * C  process  id  status  result|-  endNanos
 * </pre>
 *
 * <p>Invocations and completions are paired by (process, id), across all the files given. An
 * invocation without a completion becomes {@link Status#UNKNOWN} with {@code end} =
 * {@link Long#MAX_VALUE}. A file's last line without its newline was torn by a kill mid-write and is
 * ignored. Anything else unexpected (a bad field, a completion without an invocation, an id used
 * twice, an end before the start) is an {@link IOException} naming the file and line: a history we
 * cannot trust must not be checked.
 */
public final class HistoryReader {

  /** How much of a bad line an error message quotes, enough to recognise it. */
  private static final int QUOTE_CHARS = 200;

  private HistoryReader() {}

  /**
   * Reads and pairs every event in {@code files}.
   *
   * @return the operations, ordered by start time (then process, then id)
   */
  public static List<Op> read(Collection<Path> files) throws IOException {
    Map<Ref, Invocation> invocations = new LinkedHashMap<>();
    Map<Ref, Completion> completions = new HashMap<>();
    for (Path file : files) {
      readFile(file, invocations, completions);
    }
    List<Op> ops = new ArrayList<>(invocations.size());
    for (Map.Entry<Ref, Invocation> entry : invocations.entrySet()) {
      Invocation i = entry.getValue();
      Completion c = completions.remove(entry.getKey());
      if (c == null) {
        ops.add(new Op(i.process, i.id, i.key, i.fn, i.arg, i.expected, null, Status.UNKNOWN, i.start,
            Long.MAX_VALUE));
      } else if (c.end < i.start) {
        throw new IOException(c.where + ": completion ends before its invocation (" + i.where + ") started");
      } else {
        ops.add(new Op(i.process, i.id, i.key, i.fn, i.arg, i.expected, c.result, c.status, i.start, c.end));
      }
    }
    for (Completion orphan : completions.values()) {
      throw new IOException(orphan.where + ": completion of an operation that was never invoked");
    }
    ops.sort(Comparator.comparingLong(Op::start).thenComparing(Op::process).thenComparingLong(Op::id));
    return ops;
  }

  private static void readFile(Path file, Map<Ref, Invocation> invocations, Map<Ref, Completion> completions)
      throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int lineStart = 0;
    int lineNumber = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      lineNumber++;
      int lineEnd = i > lineStart && bytes[i - 1] == '\r' ? i - 1 : i;
      String line = new String(bytes, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
      lineStart = i + 1;
      if (!line.isBlank()) {
        parseLine(file + ":" + lineNumber, line, invocations, completions);
      }
    }
    // Whatever follows the last newline is a line torn by a kill mid-write: the call never returned.
  }

  private static void parseLine(String where, String line, Map<Ref, Invocation> invocations,
      Map<Ref, Completion> completions) throws IOException {
    String[] f = line.split(String.valueOf(LineFormat.SEPARATOR), -1);
    try {
      if (f[0].equals(LineFormat.INVOKE)) {
        expectFields(f, LineFormat.INVOKE_FIELDS);
        Invocation inv = new Invocation(where, f[1], parseLong(f[2], "id"), f[3], Fn.valueOf(f[4]),
            parseNullable(f[5], "arg"), parseNullable(f[6], "expected"), parseLong(f[7], "start"));
        Invocation earlier = invocations.putIfAbsent(new Ref(inv.process, inv.id), inv);
        if (earlier != null) {
          throw new IllegalArgumentException(
              "operation " + inv.process + " " + inv.id + " was already invoked at " + earlier.where);
        }
      } else if (f[0].equals(LineFormat.COMPLETE)) {
        expectFields(f, LineFormat.COMPLETE_FIELDS);
        Completion c = new Completion(where, Status.valueOf(f[3]), parseNullable(f[4], "result"),
            parseLong(f[5], "end"));
        Ref ref = new Ref(f[1], parseLong(f[2], "id"));
        Completion earlier = completions.putIfAbsent(ref, c);
        if (earlier != null) {
          throw new IllegalArgumentException(
              "operation " + ref.process + " " + ref.id + " was already completed at " + earlier.where);
        }
      } else {
        throw new IllegalArgumentException(
            "a line must start with " + LineFormat.INVOKE + " or " + LineFormat.COMPLETE);
      }
    } catch (IllegalArgumentException e) {
      // Enum.valueOf and our own checks both land here; the message says which field.
      String quoted = line.length() > QUOTE_CHARS ? line.substring(0, QUOTE_CHARS) + "..." : line;
      throw new IOException(where + ": malformed history line (" + e.getMessage() + "): " + quoted, e);
    }
  }

  private static void expectFields(String[] fields, int count) {
    if (fields.length != count) {
      throw new IllegalArgumentException("expected " + count + " tab-separated fields, found " + fields.length);
    }
    if (Arrays.stream(fields).anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("empty field");
    }
  }

  private static long parseLong(String field, String name) {
    try {
      return Long.parseLong(field);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + field);
    }
  }

  private static Long parseNullable(String field, String name) {
    return field.equals(LineFormat.NONE) ? null : parseLong(field, name);
  }

  private record Ref(String process, long id) {}

  private record Invocation(
      String where, String process, long id, String key, Fn fn, Long arg, Long expected, long start) {}

  private record Completion(String where, Status status, Long result, long end) {}
}
