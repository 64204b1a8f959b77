package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.testsupport.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/** Writes members' settings files and opens their cache managers; closes them all at the end. */
public final class Members implements AutoCloseable {

  private final String endpoint;
  private final String cluster = "test-" + UUID.randomUUID().toString().substring(0, 8);
  private final Path dir;
  private final List<CacheManager> managers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  Members(String endpoint) {
    this.endpoint = endpoint;
    try {
      this.dir = Files.createTempDirectory("kamacache-members");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String cluster() {
    return cluster;
  }

  /** A member's settings, with {@code extra} settings on top of the defaults. */
  private Properties properties(String memberId, Map<String, String> extra) {
    Properties properties = new Properties();
    properties.setProperty(ClusterConfig.ENDPOINTS, endpoint);
    properties.setProperty(ClusterConfig.CLUSTER, cluster);
    properties.setProperty(ClusterConfig.MEMBER_ID, memberId);
    properties.setProperty(ClusterConfig.BIND_HOST, "127.0.0.1");
    properties.setProperty(ClusterConfig.LEASE_TTL, "2");
    properties.setProperty(ClusterConfig.TIMEOUT, "10000");
    properties.putAll(extra);
    return properties;
  }

  /** A member's settings, for a node started without a cache manager. */
  ClusterConfig config(String memberId) {
    return ClusterConfig.from(properties(memberId, Map.of()));
  }

  /** The settings file of a member, with {@code extra} settings on top of the defaults. */
  URI settings(String memberId, Map<String, String> extra) {
    Properties properties = properties(memberId, extra);
    Path file = dir.resolve(memberId + ".properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      properties.store(writer, "member " + memberId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toUri();
  }

  CacheManager open(String memberId) {
    return open(memberId, Map.of());
  }

  CacheManager open(String memberId, Map<String, String> extra) {
    CacheManager manager = Caching.getCachingProvider()
        .getCacheManager(settings(memberId, extra), Members.class.getClassLoader());
    managers.add(manager);
    return manager;
  }

  /** Opens a member per id and returns once every one of them sees all of them in its ring. */
  List<CacheManager> openAll(String... ids) {
    List<CacheManager> opened = new ArrayList<>();
    for (String id : ids) {
      opened.add(open(id));
    }
    awaitRingSize(opened, ids.length);
    return opened;
  }

  static ClusterNode node(CacheManager manager) {
    return manager.unwrap(KamaCacheManager.class).node();
  }

  /**
   * Creates the cache through {@code writer}, puts {@code count} entries there and reads every one
   * back through {@code reader}: the two members share the cache and can call each other.
   */
  static void assertShareACache(CacheManager writer, CacheManager reader, String name, int count) {
    Cache<String, String> cache = writer.createCache(name, new MutableConfiguration<String, String>());
    for (int i = 0; i < count; i++) {
      cache.put("k" + i, "v" + i);
    }
    Cache<String, String> viaReader = awaitCache(reader, name);
    for (int i = 0; i < count; i++) {
      assertThat(viaReader.get("k" + i)).isEqualTo("v" + i);
    }
  }

  /** Waits until {@code condition} holds: members change state on their own threads and etcd's. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.onSpinWait();
    }
  }

  static void awaitRingSize(List<CacheManager> managers, int size) {
    await("the rings reach " + size + " members",
        () -> managers.stream().allMatch(m -> m.isClosed() || node(m).ring().members().size() == size));
  }

  /** The named cache on {@code manager}, once the cluster's definition has reached it. */
  static <K, V> Cache<K, V> awaitCache(CacheManager manager, String name) {
    await("cache '" + name + "' reaches " + node(manager).memberId(), () -> manager.getCache(name) != null);
    return manager.getCache(name);
  }

  /** A raw channel a test opened, shut down with the members. */
  ManagedChannel track(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (CacheManager manager : managers) {
      manager.close();
    }
    TempDirs.delete(dir);
  }
}
