package io.kamacache.chaos.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code ChaosMember} JVM, driven over its stdin and stdout (see that class for the protocol).
 * Its stdout and stderr go to its log file. The PID is the JVM's own even inside a namespace, since
 * {@code ip netns exec} execs the command.
 */
final class MemberJvm implements AutoCloseable {

  static final String MAIN = "io.kamacache.chaos.ChaosMember";
  private static final String REPLY = "chaos: ";
  /** Joining takes a JVM start plus etcd round trips: seconds on a busy 2-core machine, never a minute. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  /** A command waits at most this long: stop waits for in-flight calls, each bounded by the request deadline. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  /** The member's ring as it reported it. */
  record Ring(long epoch, Set<String> members, boolean rebalanced) {}

  private final String id;
  private final int incarnation;
  private final Process process;
  private final Path log;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final Writer commands;
  private volatile String ready;

  private MemberJvm(String id, int incarnation, Process process, Path log) {
    this.id = id;
    this.incarnation = incarnation;
    this.process = process;
    this.log = log;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /** The command line of a member: {@code [ip netns exec NS] java ... ChaosMember args}. */
  static List<String> command(String namespace, String classPath, List<String> memberArgs) {
    List<String> command = new ArrayList<>();
    if (namespace != null) {
      command.addAll(Netns.exec(namespace));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small heaps and the serial collector: several members share two cores with etcd and the checker.
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", classPath, MAIN));
    command.addAll(memberArgs);
    return command;
  }

  static MemberJvm launch(String id, int incarnation, List<String> command, Path log) {
    try {
      Process process = new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      MemberJvm member = new MemberJvm(id, incarnation, process, log);
      Thread reader = new Thread(member::pump, "chaos-out-" + id + "~" + incarnation);
      reader.setDaemon(true);
      reader.start();
      return member;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String id() {
    return id;
  }

  int incarnation() {
    return incarnation;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** Waits for the readiness line: the member has joined and opened the cache. */
  void awaitReady(Duration within) {
    ready = reply("ready", within);
  }

  void go() {
    command("go", "started");
  }

  /** Stops the workers and returns the operations they completed OK. */
  long stopWorkers() {
    return Long.parseLong(command("stop", "stopped").trim());
  }

  Ring ring() {
    String[] fields = command("ring", "ring").trim().split(" ");
    Set<String> members = new TreeSet<>(fields[1].isEmpty() ? List.of() : List.of(fields[1].split(",")));
    return new Ring(Long.parseLong(fields[0]), members, Boolean.parseBoolean(fields[2]));
  }

  /** Reads every key once, recorded in the history; returns how many reads failed. */
  int finalRead() {
    return Integer.parseInt(command("read", "read").trim());
  }

  void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** SIGSTOP, and waits until the kernel reports the JVM stopped. */
  void pause() {
    Os.signal(pid(), "STOP");
    if (!Os.awaitState(pid(), "T", Duration.ofSeconds(5))) {
      throw new IllegalStateException("member " + id + " (pid " + pid() + ") did not stop; state " + Os.state(pid()));
    }
  }

  void resume() {
    Os.signal(pid(), "CONT");
  }

  /** SIGTERM, which leaves the cluster gracefully, and waits for the JVM to end. */
  boolean terminate(Duration within) {
    process.destroy();
    return awaitExit(within);
  }

  private boolean awaitExit(Duration within) {
    try {
      return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private synchronized String command(String command, String reply) {
    try {
      commands.write(command + "\n");
      commands.flush();
    } catch (IOException e) {
      throw new IllegalStateException("member " + id + " no longer takes commands (alive: " + alive() + "); see " + log, e);
    }
    return reply(reply, COMMAND_TIMEOUT);
  }

  /** The rest of the next reply line, which must start with {@code word}. */
  private String reply(String word, Duration within) {
    String line;
    try {
      line = replies.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (line == null || line.equals(EOF)) {
      throw new IllegalStateException("member " + id + " did not answer '" + word + "' within " + within
          + (line == null ? "" : ": its output ended") + "; see " + log);
    }
    if (!line.equals(word) && !line.startsWith(word + " ")) {
      throw new IllegalStateException("member " + id + " answered '" + line + "' where '" + word + "' was due");
    }
    return line.substring(word.length());
  }

  private static final String EOF = "\0eof";

  /** Copies stdout to the log and passes the protocol lines on. */
  private void pump() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         OutputStream file = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = out.readLine()) != null) {
        file.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        file.flush();
        if (line.startsWith(REPLY)) {
          replies.add(line.substring(REPLY.length()));
        }
      }
    } catch (IOException e) {
      // the process ended; the EOF marker below tells whoever waits
    } finally {
      replies.add(EOF);
    }
  }

  @Override
  public String toString() {
    return id + (incarnation == 0 ? "" : "~" + incarnation) + " (pid " + pid() + (ready == null ? "" : ", " + ready.trim()) + ")";
  }
}
