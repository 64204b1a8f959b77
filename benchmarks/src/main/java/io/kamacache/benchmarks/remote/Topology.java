package io.kamacache.benchmarks.remote;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.cache.impl.HazelcastServerCachingProvider;
import com.hazelcast.core.HazelcastInstance;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.HashRing;
import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaCachingProvider;
import io.kamacache.testsupport.EtcdProcess;
import io.kamacache.testsupport.MemberProcess;
import io.kamacache.testsupport.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * Three member JVMs on loopback and this JVM as a fourth member, for KamaCache and for Hazelcast
 * alike; or one echo server JVM for the raw gRPC floor. The keys measured are owned by other
 * members, so every operation crosses the network.
 */
public abstract class Topology implements AutoCloseable {

  static final String KAMACACHE = "kamacache";
  static final String HAZELCAST = "hazelcast";
  static final String GRPC_ECHO = "grpc-echo";
  /** The data set: 100,000 String keys to 100-character values, one synchronous backup each. */
  static final int KEYS = 100_000;
  static final String VALUE = "v".repeat(100);
  /** Entries per putAll when loading, as an application loading from a database page by page would send. */
  static final int BATCH = 500;

  /** The keys this JVM does not own. */
  String[] remoteKeys;

  abstract String get(String key);

  abstract void put(String key, String value);

  abstract void putAll(Map<String, String> entries);

  abstract void removeAll(Set<String> keys);

  static String key(int i) {
    return "key-" + i;
  }

  /** Loads {@code keys} with putAll in batches of {@link #BATCH}. */
  void load(List<String> keys) {
    Map<String, String> batch = new HashMap<>();
    for (String key : keys) {
      batch.put(key, VALUE);
      if (batch.size() == BATCH) {
        putAll(batch);
        batch = new HashMap<>();
      }
    }
    if (!batch.isEmpty()) {
      putAll(batch);
    }
  }

  /** Puts every key and keeps, as the keys to measure, those another member owns. */
  void fill(Predicate<String> ownedElsewhere) {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      all.add(key(i));
    }
    // Loaded first: Hazelcast assigns its partitions' owners on first use.
    load(all);
    remoteKeys = all.stream().filter(ownedElsewhere).toArray(String[]::new);
  }

  static Topology start(String system) throws Exception {
    switch (system) {
      case KAMACACHE:
        return new KamaTopology();
      case HAZELCAST:
        return new HazelcastTopology();
      case GRPC_ECHO:
        return new EchoTopology();
      default:
        throw new IllegalArgumentException("unknown system '" + system + "'");
    }
  }

  /** A free port on 127.0.0.1. */
  static Process java(String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m"));
    // The members run with the benchmark JVM's transport settings, so that one -D compares them.
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("io.netty.") || name.startsWith("io.grpc.")) {
        command.add("-D" + name + "=" + System.getProperty(name));
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits for a line containing {@code marker} and returns it; the rest of the output is dropped. */
  static String awaitLine(Process process, String marker) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      if (line.contains(marker)) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe from filling up
            }
          } catch (IOException ignored) {
            // the process is gone
          }
        });
        drain.setDaemon(true);
        drain.start();
        return line;
      }
    }
    throw new IllegalStateException("process exited before '" + marker + "':\n" + seen);
  }

  static void stop(List<Process> processes) throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static final class KamaTopology extends Topology {
    private final EtcdProcess etcd = EtcdProcess.start();
    private final List<MemberProcess> members = new ArrayList<>();
    private final Path dir = Files.createTempDirectory("kamacache-bench");
    private final CacheManager manager;
    private final Cache<String, String> cache;

    KamaTopology() throws Exception {
      String cluster = "bench-" + UUID.randomUUID().toString().substring(0, 8);
      CacheManager opened = null;
      try {
        for (int i = 1; i <= 3; i++) {
          members.add(MemberProcess.start(settings(cluster, "member-" + i).toUri()));
        }
        opened = Caching.getCachingProvider(KamaCachingProvider.class.getName())
            .getCacheManager(settings(cluster, "bench").toUri(), getClass().getClassLoader());
        HashRing ring;
        do {
          ring = opened.unwrap(KamaCacheManager.class).node().ring();
        } while (ring.members().size() < 4);
        cache = opened.createCache("remote", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        manager = opened;
        WireCodec codec = new WireCodec(List.of());
        HashRing settled = ring;
        fill(key -> !settled.owner(codec.encode(key)).id().equals("bench"));
      } catch (Exception | Error e) {
        // A set-up that fails must not leave member JVMs or etcd behind to load the rest of the run.
        if (opened != null) {
          opened.close();
        }
        for (MemberProcess member : members) {
          member.stop();
        }
        etcd.close();
        throw e;
      }
    }

    private Path settings(String cluster, String id) throws IOException {
      Properties properties = new Properties();
      properties.setProperty(ClusterConfig.ENDPOINTS, etcd.endpoint());
      properties.setProperty(ClusterConfig.CLUSTER, cluster);
      properties.setProperty(ClusterConfig.MEMBER_ID, id);
      properties.setProperty(ClusterConfig.BIND_HOST, "127.0.0.1");
      Path file = dir.resolve(id + ".properties");
      try (Writer writer = Files.newBufferedWriter(file)) {
        properties.store(writer, "benchmark member");
      }
      return file;
    }

    @Override String get(String key) {
      return cache.get(key);
    }

    @Override void put(String key, String value) {
      cache.put(key, value);
    }

    @Override void putAll(Map<String, String> entries) {
      cache.putAll(entries);
    }

    @Override void removeAll(Set<String> keys) {
      cache.removeAll(keys);
    }

    @Override public void close() throws Exception {
      manager.close();
      for (MemberProcess member : members) {
        member.stop();
      }
      etcd.close();
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static final class HazelcastTopology extends Topology {
    private final List<Process> members = new ArrayList<>();
    private final HazelcastInstance instance;
    private final CacheManager manager;
    private final Cache<String, String> cache;

    HazelcastTopology() throws Exception {
      String cluster = "bench-" + UUID.randomUUID().toString().substring(0, 8);
      List<Integer> ports = List.of(Ports.free(), Ports.free(), Ports.free(), Ports.free());
      String all = ports.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
      HazelcastInstance started = null;
      try {
        for (int i = 0; i < 3; i++) {
          Process member = java(HazelcastMemberMain.class.getName(), cluster, String.valueOf(ports.get(i)), all);
          members.add(member);
          awaitLine(member, "serving at");
        }
        started = HazelcastMemberMain.start(cluster, ports.get(3), ports);
        while (started.getCluster().getMembers().size() < 4) {
          Thread.sleep(50);
        }
        instance = started;
        manager = Caching.getCachingProvider(HazelcastServerCachingProvider.class.getName())
            .getCacheManager(null, null, HazelcastCachingProvider.propertiesByInstanceItself(instance));
        cache = manager.createCache("remote", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        fill(key -> !instance.getPartitionService().getPartition(key).getOwner().localMember());
      } catch (Exception | Error e) {
        // A set-up that fails must not leave member JVMs behind to load the rest of the run.
        if (started != null) {
          started.shutdown();
        }
        stop(members);
        throw e;
      }
    }

    @Override String get(String key) {
      return cache.get(key);
    }

    @Override void put(String key, String value) {
      cache.put(key, value);
    }

    @Override void putAll(Map<String, String> entries) {
      cache.putAll(entries);
    }

    @Override void removeAll(Set<String> keys) {
      cache.removeAll(keys);
    }

    @Override public void close() throws Exception {
      manager.close();
      instance.shutdown();
      stop(members);
    }
  }

  /** The same call shape with nothing behind it: what gRPC alone costs on this machine. */
  private static final class EchoTopology extends Topology {
    private final Process server;
    private final ManagedChannel channel;
    private final byte[] payload = VALUE.getBytes(StandardCharsets.UTF_8);

    EchoTopology() throws Exception {
      server = java(EchoServerMain.class.getName());
      String line = awaitLine(server, "serving at");
      int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      remoteKeys = new String[KEYS];
      for (int i = 0; i < KEYS; i++) {
        remoteKeys[i] = key(i);
      }
    }

    @Override String get(String key) {
      return ClientCalls.blockingUnaryCall(channel, EchoServerMain.ECHO, CallOptions.DEFAULT, payload).length
          == payload.length ? VALUE : null;
    }

    @Override void put(String key, String value) {
      ClientCalls.blockingUnaryCall(channel, EchoServerMain.ECHO, CallOptions.DEFAULT, payload);
    }

    /** One call of the batch's size: the floor of what loading a batch could cost. */
    @Override void putAll(Map<String, String> entries) {
      byte[] batch = new byte[payload.length * entries.size()];
      ClientCalls.blockingUnaryCall(channel, EchoServerMain.ECHO, CallOptions.DEFAULT, batch);
    }

    @Override void removeAll(Set<String> keys) {
    }

    @Override public void close() throws Exception {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      stop(List.of(server));
    }
  }
}
