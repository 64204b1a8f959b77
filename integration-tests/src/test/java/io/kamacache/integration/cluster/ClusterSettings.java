package io.kamacache.integration.cluster;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.jcache.KamaCacheManager;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;

/**
 * Settings files for the members of one test cluster, as an application writes them: the etcd
 * endpoint, the cluster's name and the member's id; nothing about serialization, since the
 * libraries under test must work with the defaults.
 */
final class ClusterSettings {

  private final String endpoint;
  private final String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private final Path dir;

  ClusterSettings(String endpoint, Path dir) {
    this.endpoint = endpoint;
    this.dir = dir;
  }

  /** The settings file of member {@code memberId}. */
  URI write(String memberId) throws IOException {
    Properties properties = new Properties();
    properties.setProperty(ClusterConfig.ENDPOINTS, endpoint);
    properties.setProperty(ClusterConfig.CLUSTER, cluster);
    properties.setProperty(ClusterConfig.MEMBER_ID, memberId);
    properties.setProperty(ClusterConfig.BIND_HOST, "127.0.0.1");
    // Short leases so that a member the test stops leaves the ring quickly.
    properties.setProperty(ClusterConfig.LEASE_TTL, "2");
    Path file = dir.resolve(memberId + ".properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      properties.store(writer, "member " + memberId);
    }
    return file.toUri();
  }

  /**
   * The configuration file of member {@code memberId}: the same cluster settings in its
   * {@code kamacache:} section, and {@code templates} (YAML, indented by two) below them.
   */
  URI writeYaml(String memberId, String templates) throws IOException {
    String yaml = "kamacache:\n"
        + "  etcd.endpoints: " + endpoint + "\n"
        + "  cluster: " + cluster + "\n"
        + "  member.id: " + memberId + "\n"
        + "  bind.host: 127.0.0.1\n"
        + "  lease.ttl-seconds: 2\n"
        + "templates:\n" + templates;
    Path file = dir.resolve(memberId + ".yaml");
    Files.writeString(file, yaml);
    return file.toUri();
  }

  /** Returns once every manager's ring has {@code size} members. */
  static void awaitRingSize(Collection<CacheManager> managers, int size) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!managers.stream().allMatch(m -> m.unwrap(KamaCacheManager.class).node().ring().members().size() == size)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the rings did not reach " + size + " members in 30 s");
      }
      Thread.onSpinWait();
    }
  }
}
