package io.kamacache.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dedicated member in its own JVM: the member's main class on this JVM's class path (which must
 * hold the kamacache-member module), or the shaded member jar. It is up once the member prints
 * that it is serving; its later output is copied to this JVM's stdout.
 */
public final class MemberProcess implements AutoCloseable {

  /** By name: this module does not depend on the member module, its callers do. */
  private static final String MAIN_CLASS = "io.kamacache.member.MemberMain";

  private static final AtomicInteger STARTED = new AtomicInteger();

  private final Process process;
  /** What the member printed until it was serving. */
  private volatile String startup = "";
  /** Where the member serves, as it printed when it started. */
  private volatile String address;

  private MemberProcess(Process process) {
    this.process = process;
  }

  /** The member JVM's process id. */
  public long pid() {
    return process.pid();
  }

  /** Where the member serves its peers, host:port, as it printed when it started. */
  public String address() {
    return address;
  }

  /** Whether the member JVM is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** A member of the cluster the settings name, run from this JVM's class path (a test's, under Surefire). */
  public static MemberProcess start(URI settings) {
    return start(settings, List.of());
  }

  /**
   * As {@link #start(URI)}, with JVM options after the defaults, so that they win: {@code -Xmx2g}
   * for a member that holds a million entries, say.
   */
  public static MemberProcess start(URI settings, List<String> jvmOptions) {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> arguments = new ArrayList<>(jvmOptions);
    arguments.addAll(List.of("-cp", classPath, MAIN_CLASS, settings.toString()));
    return start(arguments);
  }

  /** A member run the way operators run one: {@code java -jar kamacache-member.jar settings}. */
  public static MemberProcess startJar(Path jar, String settings) {
    return start(List.of("-jar", jar.toString(), settings));
  }

  private static MemberProcess start(List<String> arguments) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    // Lets a profiling run reach into the members, e.g. to start a flight recording in each.
    // "{n}" numbers the members, so that each writes its own file; ";" separates options, as JMH
    // splits its own -jvmArgsAppend at spaces.
    String extra = System.getProperty("member.jvmArgs", "").trim()
        .replace("{n}", String.valueOf(STARTED.incrementAndGet()));
    if (!extra.isEmpty()) {
      command.addAll(Arrays.asList(extra.split("[\\s;]+")));
    }
    command.addAll(arguments);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      MemberProcess member = new MemberProcess(process);
      member.awaitServing();
      return member;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitServing() {
    CompletableFuture<String> serving = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
          if (serving.isDone()) {
            // The member's own log, after start-up: it belongs in the test's output.
            System.out.println("[member] " + line);
            continue;
          }
          seen.append(line).append('\n');
          if (line.contains(" serving at ")) {
            startup = seen.toString();
            serving.complete(line);
          }
        }
        serving.completeExceptionally(new IllegalStateException("member exited before serving:\n" + seen));
      } catch (IOException e) {
        serving.completeExceptionally(e);
      }
    }, "member-output");
    reader.setDaemon(true);
    reader.start();
    try {
      String line = serving.get(60, TimeUnit.SECONDS);
      address = line.replaceFirst(".* serving at ", "").replaceFirst(";.*", "").trim();
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("the member process did not start", e);
    }
  }

  /** Everything the member printed until it was serving, that line included. */
  public String startupOutput() {
    return startup;
  }

  /** SIGKILL: no shutdown hook runs, the lease is left to expire. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the member leaves gracefully. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
