package io.kamacache.benchmarks.scale;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaCachingProvider;
import io.kamacache.testsupport.EtcdProcess;
import io.kamacache.testsupport.MemberProcess;
import io.kamacache.testsupport.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * A cluster on loopback for the scale measurements: one etcd, member JVMs that each serve
 * {@code /metrics} on a port of their own, and this JVM as a client, which owns no keys, so that
 * what it measures is the members' work and not its own.
 */
final class LocalCluster implements AutoCloseable {

  /** The members' default, written out so that a ring built here places keys as theirs do. */
  static final int VIRTUAL_NODES = 128;

  private final EtcdProcess etcd = EtcdProcess.start();
  private final Path dir = Files.createTempDirectory("kamacache-scale");
  private final String cluster = "scale-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> memberOptions;
  private final Map<String, Started> members = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private CacheManager client;

  private record Started(MemberProcess process, int httpPort) {}

  /** @param memberOptions JVM options of every member JVM, e.g. its heap */
  LocalCluster(List<String> memberOptions) throws IOException {
    this.memberOptions = List.copyOf(memberOptions);
  }

  /** Starts a member JVM and returns once it serves. */
  MemberProcess startMember(String id) throws IOException {
    int httpPort = Ports.free();
    Properties properties = settings(id);
    properties.setProperty(ClusterConfig.HTTP_PORT, String.valueOf(httpPort));
    properties.setProperty(ClusterConfig.HTTP_HOST, "127.0.0.1");
    MemberProcess process = MemberProcess.start(write(id, properties), memberOptions);
    synchronized (members) {
      members.put(id, new Started(process, httpPort));
    }
    return process;
  }

  /** Starts member JVMs side by side, which saves a JVM's start-up per member, and returns once all serve. */
  void startMembers(String... ids) throws Exception {
    List<CompletableFuture<MemberProcess>> started = new ArrayList<>();
    for (String id : ids) {
      started.add(CompletableFuture.supplyAsync(() -> {
        try {
          return startMember(id);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    for (CompletableFuture<MemberProcess> member : started) {
      member.get();
    }
  }

  /** This JVM as a client of the cluster, opened once. */
  CacheManager client() throws IOException {
    if (client == null) {
      Properties properties = settings("client");
      properties.setProperty(ClusterConfig.ROLE, "client");
      client = Caching.getCachingProvider(KamaCachingProvider.class.getName())
          .getCacheManager(write("client", properties), getClass().getClassLoader());
    }
    return client;
  }

  ClusterNode clientNode() throws IOException {
    return client().unwrap(KamaCacheManager.class).node();
  }

  /** Waits until the client's view holds {@code size} members. */
  void awaitRing(int size, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (clientNode().ring().members().size() != size) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the client sees " + clientNode().ring().members().keySet() + ", not "
            + size + " members");
      }
      Thread.sleep(20);
    }
  }

  List<String> memberIds() {
    synchronized (members) {
      return new ArrayList<>(members.keySet());
    }
  }

  long pid(String member) {
    synchronized (members) {
      return members.get(member).process().pid();
    }
  }

  /**
   * The member's figures now, from its {@code /metrics}: each sample's name with its labels, as
   * Prometheus writes them, to its value.
   */
  Metrics metrics(String member) throws IOException, InterruptedException {
    int port;
    synchronized (members) {
      port = members.get(member).httpPort();
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/metrics")).timeout(Duration.ofSeconds(10)).build();
    return new Metrics(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
  }

  /** One scrape of a member's {@code /metrics}. */
  static final class Metrics {
    private final String text;

    Metrics(String text) {
      this.text = text;
    }

    /**
     * The sum of the samples named {@code name} whose labels contain every one of {@code labels}
     * (each written {@code key="value"}); 0 if there are none.
     */
    double sum(String name, String... labels) {
      double sum = 0;
      for (String line : text.split("\n")) {
        if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
          continue;
        }
        boolean all = true;
        for (String label : labels) {
          all &= line.contains(label);
        }
        if (all) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    }
  }

  private Properties settings(String id) {
    Properties properties = new Properties();
    properties.setProperty(ClusterConfig.ENDPOINTS, etcd.endpoint());
    properties.setProperty(ClusterConfig.CLUSTER, cluster);
    properties.setProperty(ClusterConfig.MEMBER_ID, id);
    properties.setProperty(ClusterConfig.BIND_HOST, "127.0.0.1");
    properties.setProperty(ClusterConfig.VIRTUAL_NODES, String.valueOf(VIRTUAL_NODES));
    return properties;
  }

  private URI write(String id, Properties properties) throws IOException {
    Path file = dir.resolve(id + ".properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      properties.store(writer, "scale measurement");
    }
    return file.toUri();
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.close();
    }
    // Killed, not stopped: a graceful leave would hand every entry over first, which measures nothing here.
    for (Started member : members.values()) {
      member.process().kill();
    }
    etcd.close();
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Files.deleteIfExists(dir);
  }
}
