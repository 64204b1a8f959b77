package io.kamacache.micrometer;

import static io.kamacache.micrometer.Scrapes.count;
import static io.kamacache.micrometer.Scrapes.gauge;
import static io.kamacache.micrometer.Scrapes.scrape;
import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.TempDirs;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The binder on a clustered manager, two members in this JVM on a real etcd: the cluster's meters move. */
class ClusteredMetricsTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private final String cluster = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<KamaCacheManager> managers = new ArrayList<>();
  private Path dir;

  @BeforeEach
  void directory() throws IOException {
    dir = Files.createTempDirectory("kamacache-metrics");
  }

  @AfterEach
  void close() {
    managers.forEach(KamaCacheManager::close);
    TempDirs.delete(dir);
  }

  private KamaCacheManager member(String id) throws IOException {
    Properties properties = new Properties();
    properties.setProperty(ClusterConfig.ENDPOINTS, etcd.endpoint());
    properties.setProperty(ClusterConfig.CLUSTER, cluster);
    properties.setProperty(ClusterConfig.MEMBER_ID, id);
    properties.setProperty(ClusterConfig.BIND_HOST, "127.0.0.1");
    properties.setProperty(ClusterConfig.LEASE_TTL, "2");
    Path file = dir.resolve(id + ".properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      properties.store(writer, "member " + id);
    }
    KamaCacheManager manager = (KamaCacheManager) Caching.getCachingProvider()
        .getCacheManager(file.toUri(), getClass().getClassLoader());
    managers.add(manager);
    return manager;
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
      Thread.onSpinWait();
    }
  }

  @Test
  void theMembersMetersShowItsViewCallsBackupsRebalancingAndNearCache() throws Exception {
    KamaCacheManager a = member("a");
    KamaCacheManager b = member("b");
    await("both members in both views", () -> a.node().ring().members().size() == 2
        && b.node().ring().members().size() == 2);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new KamaCacheMetrics(a).bindTo(registry);
    String uri = a.getURI().toString();

    assertThat(gauge(registry, "kamacache.cluster.members", "member", "a", "cacheManager", uri)).isEqualTo(2);
    assertThat(gauge(registry, "kamacache.cluster.etcd.connected", "member", "a")).isEqualTo(1);
    assertThat(gauge(registry, "kamacache.cluster.epoch", "member", "a")).isEqualTo(a.node().mxbean().getEpoch())
        .isPositive();
    assertThat(a.node().mxbean().getMemberIds()).containsExactly("a", "b");
    assertThat(count(registry, "kamacache.cluster.backups.written", "member", "a")).isZero();

    Cache<Integer, String> cache = a.createCache("shared", new KamaConfiguration<Integer, String>()
        .setNearCache(100).setTypes(Integer.class, String.class).setStatisticsEnabled(true));
    ClusterNode node = a.node();
    WireCodec codec = node.codec();
    int owned = 0;
    int remote = 0;
    int remoteKey = -1;
    for (int key = 0; owned < 10 || remote < 10; key++) {
      cache.put(key, "v" + key);
      if (node.ring().owner(codec.encode(key)).id().equals("a")) {
        owned++;
      } else {
        remote++;
        remoteKey = key;
      }
    }
    // A put of a key b owns is a Put call from a; b then backs it up on a, which a serves.
    assertThat(cache.get(remoteKey)).isEqualTo("v" + remoteKey); // to the owner, and into the near cache
    assertThat(cache.get(remoteKey)).isEqualTo("v" + remoteKey); // from the near cache
    scrape(registry);

    FunctionTimer puts = registry.get("kamacache.cluster.calls").tags("member", "a", "method", "Put")
        .functionTimer();
    assertThat(puts.count()).isEqualTo(remote);
    assertThat(puts.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(count(registry, "kamacache.cluster.calls.served", "member", "a", "method", "Backup"))
        .isEqualTo(remote);
    // Each key a owns has one backup, on b, the only other member.
    assertThat(count(registry, "kamacache.cluster.backups.written", "member", "a")).isEqualTo(owned);
    assertThat(count(registry, "kamacache.cluster.near.gets", "member", "a", "result", "hit")).isEqualTo(1);
    assertThat(count(registry, "kamacache.cluster.near.gets", "member", "a", "result", "miss")).isEqualTo(1);
    assertThat(gauge(registry, "kamacache.cluster.near.size", "member", "a", "cache", "shared")).isEqualTo(1);
    assertThat(gauge(registry, "cache.size", "cache", "shared")).isEqualTo(owned);
    assertThat(count(registry, "cache.puts", "cache", "shared")).isEqualTo(owned + remote);

    // A third member takes some of a's keys: a hands them over.
    KamaCacheManager c = member("c");
    await("a sees c", () -> a.node().ring().members().size() == 3);
    await("a moved c's keys to it", () -> a.node().rebalanced()
        && count(registry, "kamacache.cluster.moved.entries", "member", "a") > 0);
    assertThat(gauge(registry, "kamacache.cluster.members", "member", "a")).isEqualTo(3);
    assertThat(gauge(registry, "kamacache.cluster.epoch", "member", "a")).isEqualTo(a.node().mxbean().getEpoch());
    assertThat(count(registry, "kamacache.cluster.moved.entries", "member", "a"))
        .isEqualTo(a.node().mxbean().getMovedEntries());
    assertThat(c.node().mxbean().getMemberIds()).containsExactly("a", "b", "c");

    // etcd gone: the lease can no longer be proven, and the gauge says so.
    etcd.process().stopProcess();
    try {
      await("etcd.connected to drop to 0",
          () -> gauge(registry, "kamacache.cluster.etcd.connected", "member", "a") == 0);
      assertThat(a.node().mxbean().isEtcdConnected()).isFalse();
    } finally {
      etcd.process().startProcess();
    }
    await("etcd.connected back at 1", () -> gauge(registry, "kamacache.cluster.etcd.connected", "member", "a") == 1);
  }
}
