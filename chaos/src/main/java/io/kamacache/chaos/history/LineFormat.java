package io.kamacache.chaos.history;

/**
 * The text form of history lines, shared by the writer and the reader: tab-separated fields, one
 * event per line, {@code -} for an absent number.
 *
 * <pre>
 * I  process  id  key  fn  arg|-  expected|-  startNanos
 * C  process  id  status  result|-  endNanos
 * </pre>
 */
final class LineFormat {

  static final String INVOKE = "I";
  static final String COMPLETE = "C";
  static final String NONE = "-";
  static final char SEPARATOR = '\t';
  static final int INVOKE_FIELDS = 8;
  static final int COMPLETE_FIELDS = 6;

  private LineFormat() {}

  static String invocation(String process, long id, String key, Fn fn, Long arg, Long expected, long start) {
    return new StringBuilder(64)
        .append(INVOKE).append(SEPARATOR)
        .append(process).append(SEPARATOR)
        .append(id).append(SEPARATOR)
        .append(key).append(SEPARATOR)
        .append(fn.name()).append(SEPARATOR)
        .append(number(arg)).append(SEPARATOR)
        .append(number(expected)).append(SEPARATOR)
        .append(start).append('\n')
        .toString();
  }

  static String completion(String process, long id, Status status, Long result, long end) {
    return new StringBuilder(48)
        .append(COMPLETE).append(SEPARATOR)
        .append(process).append(SEPARATOR)
        .append(id).append(SEPARATOR)
        .append(status.name()).append(SEPARATOR)
        .append(number(result)).append(SEPARATOR)
        .append(end).append('\n')
        .toString();
  }

  /** Rejects a process or key that would break the line format, so a bad name fails at the writer. */
  static String checkName(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " must be a non-empty string");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == SEPARATOR || c == '\n' || c == '\r') {
        throw new IllegalArgumentException(what + " must not contain a tab or a line break: " + name);
      }
    }
    return name;
  }

  private static String number(Long value) {
    return value == null ? NONE : value.toString();
  }
}
