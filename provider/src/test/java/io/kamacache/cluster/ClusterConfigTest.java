package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

  @TempDir
  Path dir;

  private URI file(String text) throws IOException {
    Path file = dir.resolve("member.properties");
    Files.writeString(file, text);
    return file.toUri();
  }

  @Test
  void withoutEndpointsAManagerStaysEmbedded() throws IOException {
    assertThat(ClusterConfig.from(new Properties())).isNull();
    assertThat(ClusterConfig.from(ClusterConfig.sources(file("kamacache.cluster.name=x\n"), null, Map.of(), new Properties())))
        .isNull();
    assertThat(ClusterConfig.from(ClusterConfig.sources(URI.create("io.kamacache.default"), getClass().getClassLoader(),
        Map.of(), new Properties()))).as("no kamacache.properties on the test class path").isNull();
  }

  @Test
  void environmentOverridesTheFileAndSystemPropertiesOverrideBoth() throws IOException {
    URI uri = file("kamacache.etcd.endpoints=http://127.0.0.1:1\nkamacache.cluster.name=from-file\n"
        + "kamacache.lease.ttl-seconds=30\nkamacache.member.id=file-id\n");
    Properties system = new Properties();
    system.setProperty("kamacache.cluster.name", "from-system");
    ClusterConfig config = ClusterConfig.from(ClusterConfig.sources(uri, null,
        Map.of("KAMACACHE_CLUSTER_NAME", "from-env", "KAMACACHE_LEASE_TTL_SECONDS", "20"), system));
    assertThat(config.cluster).isEqualTo("from-system");
    assertThat(config.leaseTtl).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.memberId).isEqualTo("file-id");
    assertThat(config.virtualNodes).isEqualTo(128);
    assertThat(config.bindHost).isEqualTo("127.0.0.1");
  }

  @Test
  void everyBadSettingIsNamedInItsError() throws IOException {
    String base = "kamacache.etcd.endpoints=http://127.0.0.1:1\n";
    Map<String, String> bad = Map.of(
        "kamacache.lease.ttl-seconds=1\n", ClusterConfig.LEASE_TTL,
        "kamacache.ring.virtual-nodes=lots\n", ClusterConfig.VIRTUAL_NODES,
        "kamacache.member.role=boss\n", ClusterConfig.ROLE,
        "kamacache.cluster.name=has space\n", ClusterConfig.CLUSTER,
        "kamacache.tls.client-auth=true\n", ClusterConfig.TLS_CLIENT_AUTH,
        "kamacache.etcd.user=me\n", ClusterConfig.ETCD_USER,
        "kamacache.bind.port=70000\n", ClusterConfig.BIND_PORT,
        "kamacache.tls.client-auth=maybe\n", ClusterConfig.TLS_CLIENT_AUTH);
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      URI uri = file(base + entry.getKey());
      assertThatThrownBy(() -> ClusterConfig.from(ClusterConfig.sources(uri, null, Map.of(), new Properties())))
          .as(entry.getKey()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(entry.getValue());
    }
    assertThatThrownBy(() -> ClusterConfig.from(ClusterConfig.sources(file("kamacache.etcd.endpoints=ftp://x\n"),
        null, Map.of(), new Properties()))).hasMessageContaining(ClusterConfig.ENDPOINTS);
  }

  @Test
  void aUriNamingAMissingFileOrResourceIsAnError() {
    assertThatThrownBy(() -> ClusterConfig.sources(dir.resolve("absent.properties").toUri(), null, Map.of(), new Properties()))
        .hasMessageContaining("absent.properties");
    assertThatThrownBy(() -> ClusterConfig.sources(URI.create("classpath:absent.properties"), getClass().getClassLoader(),
        Map.of(), new Properties())).hasMessageContaining("class path");
  }
}
