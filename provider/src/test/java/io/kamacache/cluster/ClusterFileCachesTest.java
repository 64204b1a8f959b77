package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.testsupport.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Members opening with the same configuration file share its caches; a different definition is refused. */
class ClusterFileCachesTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private final String cluster = "file-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<CacheManager> managers = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    managers.forEach(CacheManager::close);
  }

  private CacheManager open(String memberId, String caches) throws IOException {
    Path file = Files.writeString(dir.resolve(memberId + ".yaml"), """
        kamacache:
          etcd.endpoints: %s
          cluster: %s
          member.id: %s
          bind.host: 127.0.0.1
          lease.ttl-seconds: 2
          request.timeout-ms: 10000
        caches:
        %s""".formatted(etcd.endpoint(), cluster, memberId, caches.indent(2)));
    CacheManager manager = Caching.getCachingProvider().getCacheManager(file.toUri(), getClass().getClassLoader());
    managers.add(manager);
    return manager;
  }

  private static final String ORDERS = """
      orders:
        capacity: 500
        expiry: { created: 10m }
        read-through: true
        loader-factory: io.kamacache.configuration.Fixtures$Loader
      """;

  @Test
  void membersWithTheSameFileAdoptOneDefinitionAndShareTheCache() throws IOException {
    CacheManager first = open("f1", ORDERS);
    CacheManager second = open("f2", ORDERS);
    Members.awaitRingSize(managers, 2);
    Cache<String, String> viaFirst = first.getCache("orders");
    Cache<String, String> viaSecond = second.getCache("orders");
    assertThat(viaSecond.getConfiguration(KamaConfiguration.class).getCapacity()).isEqualTo(500);
    for (int i = 0; i < 50; i++) {
      viaFirst.put("k" + i, "v" + i);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(viaSecond.get("k" + i)).isEqualTo("v" + i);
    }
    assertThat(viaSecond.get("absent")).as("the file's loader, run by the owner").isEqualTo("loaded absent");
  }

  @Test
  void aMemberWhoseFileDefinesTheCacheDifferentlyDoesNotOpen() throws IOException {
    CacheManager first = open("d1", ORDERS);
    assertThatThrownBy(() -> open("d2", ORDERS.replace("capacity: 500", "capacity: 600")))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("cache 'orders' declared in " + dir.resolve("d2.yaml").toUri())
        .hasMessageContaining("already exists in the cluster with another configuration");
    Members.awaitRingSize(List.of(first), 1);
    assertThat(first.getCache("orders").getConfiguration(KamaConfiguration.class).getCapacity()).isEqualTo(500);
  }
}
