package io.kamacache.chaos.harness;

import io.kamacache.testsupport.EtcdProcess;
import io.kamacache.testsupport.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-member etcd for one run, on loopback or inside a network namespace, that can be
 * SIGKILLed and started again on the same address, ports and data. (test-support's
 * {@code EtcdProcess} runs only on loopback, checks readiness over HTTP, which the orchestrator
 * cannot do into a namespace, and stops etcd with SIGTERM; so it does not fit here.)
 */
final class EtcdServer implements AutoCloseable {

  /**
   * What etcd logs once it serves clients (3.4.23 says the first, other 3.4 and 3.5 builds the
   * second). Readiness is read from the log: in a namespace the orchestrator cannot reach etcd.
   */
  static final List<String> READY = List.of("serving client traffic", "ready to serve client requests");
  /** A healthy etcd starts in about a second here; much longer means it will not. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final List<String> prefix;
  private final String host;
  private final int clientPort;
  private final int peerPort;
  private final Path dataDir;
  private final Path log;
  private Process process;

  private EtcdServer(List<String> prefix, String host, int clientPort, int peerPort, Path dir) {
    this.prefix = prefix;
    this.host = host;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.dataDir = dir.resolve("etcd-data");
    this.log = dir.resolve("etcd.log");
  }

  /** On 127.0.0.1 with free ports. */
  static EtcdServer loopback(Path dir) {
    return new EtcdServer(List.of(), "127.0.0.1", Ports.free(), Ports.free(), dir);
  }

  /** Inside {@code namespace} at {@code address}; the namespace is ours alone, so the usual ports are free. */
  static EtcdServer inNamespace(Path dir, String namespace, String address) {
    return new EtcdServer(Netns.exec(namespace), address, 2379, 2380, dir);
  }

  String endpoint() {
    return "http://" + host + ":" + clientPort;
  }

  Path log() {
    return log;
  }

  synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    String client = endpoint();
    String peer = "http://" + host + ":" + peerPort;
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(EtcdProcess.binary(), "--name", "n1", "--data-dir", dataDir.toString(),
        "--logger=zap", "--log-outputs=stderr",
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "n1=" + peer, "--initial-cluster-state", "new"));
    try {
      long before = readyLines();
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (readyLines() <= before) {
        if (!process.isAlive()) {
          throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + log);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("etcd was not ready in " + START_TIMEOUT + "; see " + log);
        }
        Os.sleep(Duration.ofMillis(50));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL, as a crash would: no clean shutdown, the data stays. */
  synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    kill();
  }

  private long readyLines() throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    return text.lines().filter(line -> READY.stream().anyMatch(line::contains)).count();
  }
}
