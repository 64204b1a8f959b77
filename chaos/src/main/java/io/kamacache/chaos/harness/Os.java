package io.kamacache.chaos.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Commands and signals: {@code ip} for namespaces, {@code kill} for the signals Java cannot send. */
final class Os {

  /** An {@code ip} or {@code kill} command returns in milliseconds; longer means something hangs. */
  private static final long COMMAND_SECONDS = 30;

  private Os() {}

  /** Runs a command to its end and returns its output; fails with that output if it exits non-zero. */
  static String run(String... command) {
    String output = runAllowingFailure(command);
    if (output.startsWith(FAILED)) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output.substring(FAILED.length()));
    }
    return output;
  }

  private static final String FAILED = "\0failed\0";

  /** Like {@link #run}, but a non-zero exit is not an error: for cleaning up what may already be gone. */
  static String runAllowingFailure(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] bytes = process.getInputStream().readAllBytes();
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish");
      }
      String output = new String(bytes, StandardCharsets.UTF_8);
      return process.exitValue() == 0 ? output : FAILED + output.trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The output of a listing command, or nothing if it failed. */
  static String listing(String... command) {
    String output = runAllowingFailure(command);
    return output.startsWith(FAILED) ? "" : output;
  }

  static void signal(long pid, String signal) {
    run("kill", "-s", signal, String.valueOf(pid));
  }

  /**
   * The scheduler state of a process ({@code R}, {@code S}, {@code T} for stopped, {@code Z}...),
   * or {@code '?'} when it is gone.
   */
  static char state(long pid) {
    try {
      return parseState(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
    } catch (IOException e) {
      return '?';
    }
  }

  /** The field after the command name, which is in parentheses and may itself hold spaces and ')'. */
  static char parseState(String stat) {
    int close = stat.lastIndexOf(')');
    return close < 0 || close + 2 >= stat.length() ? '?' : stat.charAt(close + 2);
  }

  /** Waits until the process is in one of {@code states}; false if it is not within the time given. */
  static boolean awaitState(long pid, String states, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (states.indexOf(state(pid)) >= 0) {
        return true;
      }
      sleep(Duration.ofMillis(10));
    }
    return false;
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("chaos: could not delete " + dir + ": " + e);
    }
  }

  static List<String> lines(String text) {
    return text.lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
  }
}
