package io.kamacache.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd for tests: the binary {@code etcd} on PATH or in {@code ETCD_BIN} (Debian's package
 * is etcd-server), bound to 127.0.0.1 on free ports, with a temporary data directory that is
 * deleted on close. It can be stopped and started again on the same ports and data, as an outage
 * would leave it.
 */
public final class EtcdProcess implements AutoCloseable {

  private final String binary;
  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private Process process;
  /** {cert, key, CA} when etcd serves clients over TLS and asks for their certificates. */
  private Path[] tls;

  private EtcdProcess(String binary, Path dataDir, int clientPort, int peerPort) {
    this.binary = binary;
    this.dataDir = dataDir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  /** An etcd serving plain HTTP to any client, started and healthy. */
  public static EtcdProcess start() {
    try {
      EtcdProcess etcd = new EtcdProcess(binary(), Files.createTempDirectory("kamacache-etcd"), Ports.free(), Ports.free());
      etcd.startProcess();
      return etcd;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An etcd that serves clients only over TLS and refuses clients without a certificate the CA signed. */
  public static EtcdProcess startTls(Path cert, Path key, Path ca) {
    try {
      EtcdProcess etcd = new EtcdProcess(binary(), Files.createTempDirectory("kamacache-etcd"), Ports.free(), Ports.free());
      etcd.tls = new Path[] {cert, key, ca};
      etcd.startProcess();
      return etcd;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The etcd binary: {@code ETCD_BIN}, or {@code etcd} on the PATH. */
  public static String binary() {
    String fromEnv = System.getenv("ETCD_BIN");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "etcd"))) {
        return Path.of(dir, "etcd").toString();
      }
    }
    throw new IllegalStateException("etcd is not installed: the cluster tests need a real etcd. "
        + "Install Debian's etcd-server (apt-get install -y etcd-server), or set ETCD_BIN; "
        + "./scripts/test.sh does this for you");
  }

  /** The client URL, {@code http://127.0.0.1:port} (or https for a TLS etcd). */
  public String endpoint() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
  }

  /** Starts etcd (again, after {@link #stopProcess()}) on the same ports and data, and waits until it serves. */
  public synchronized void startProcess() throws IOException {
    String client = endpoint();
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = new ArrayList<>(List.of(binary,
        "--name", "n1",
        "--data-dir", dataDir.resolve("data").toString(),
        "--logger=zap", "--log-outputs=stderr",
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "n1=" + peer, "--initial-cluster-state", "new"));
    if (tls != null) {
      command.addAll(List.of("--cert-file", tls[0].toString(), "--key-file", tls[1].toString(),
          "--trusted-ca-file", tls[2].toString(), "--client-cert-auth"));
    }
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
        .start();
    awaitHealthy();
  }

  private void awaitHealthy() throws IOException {
    if (tls != null) {
      awaitListening();
      return;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/health")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + dataDir.resolve("etcd.log"));
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("true")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("etcd did not become healthy in 30 s; see " + dataDir.resolve("etcd.log"));
  }

  /** For a TLS etcd, whose health endpoint wants a client certificate: waits until it accepts connections. */
  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + dataDir.resolve("etcd.log"));
      }
      try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), clientPort)) {
        return;
      } catch (IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("etcd did not listen in 30 s; see " + dataDir.resolve("etcd.log"));
  }

  /** Whether the etcd process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops etcd, keeping its data, as an outage would. */
  public synchronized void stopProcess() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stopProcess();
    TempDirs.delete(dataDir);
  }
}
