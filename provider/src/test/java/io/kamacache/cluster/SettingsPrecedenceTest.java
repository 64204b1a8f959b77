package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.configuration.ConfigurationSources;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML file's cluster section is the lowest source: properties file, environment, system properties. */
class SettingsPrecedenceTest {

  private static final URI DEFAULT = URI.create("io.kamacache.default");

  @TempDir
  Path dir;

  private ConfigurationSources onClassPath(String yaml, String properties) throws IOException {
    Files.writeString(dir.resolve("kamacache.yaml"), yaml);
    if (properties != null) {
      Files.writeString(dir.resolve("kamacache.properties"), properties);
    }
    ClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    return ConfigurationSources.forManager(DEFAULT, loader, DEFAULT);
  }

  @Test
  void yamlIsOverriddenByPropertiesThenEnvironmentThenSystemProperties() throws IOException {
    ConfigurationSources sources = onClassPath("""
        kamacache:
          etcd.endpoints: http://127.0.0.1:1
          cluster: from-yaml
          member: { id: yaml-id }
          lease:
            ttl-seconds: 3
          request:
            timeout-ms: 1000
        """, """
        kamacache.member.id=properties-id
        kamacache.lease.ttl-seconds=4
        kamacache.request.timeout-ms=2000
        """);
    Properties system = new Properties();
    system.setProperty(ClusterConfig.TIMEOUT, "4000");
    ClusterConfig config = ClusterConfig.from(SettingsSources.merge(sources,
        Map.of("KAMACACHE_LEASE_TTL_SECONDS", "5", "KAMACACHE_REQUEST_TIMEOUT_MS", "3000"), system));
    assertThat(config.endpoints).containsExactly(URI.create("http://127.0.0.1:1"));
    assertThat(config.cluster).as("only the YAML sets it").isEqualTo("from-yaml");
    assertThat(config.memberId).as("properties over YAML").isEqualTo("properties-id");
    assertThat(config.leaseTtl).as("environment over properties").isEqualTo(Duration.ofSeconds(5));
    assertThat(config.timeout).as("system properties over everything").isEqualTo(Duration.ofMillis(4000));
  }

  @Test
  void aYamlFileAloneConfiguresTheCluster() throws IOException {
    Path file = Files.writeString(dir.resolve("member.yaml"),
        "kamacache:\n  etcd:\n    endpoints: [http://127.0.0.1:1, http://127.0.0.1:2]\n  cluster:\n    name: c\n");
    ClusterConfig config = ClusterConfig.from(SettingsSources.merge(
        ConfigurationSources.forManager(file.toUri(), null, DEFAULT), Map.of(), new Properties()));
    assertThat(config.endpoints).hasSize(2);
    assertThat(config.cluster).isEqualTo("c");
  }

  @Test
  void anUnknownSettingInTheYamlIsPlacedAndGetsTheNameItMeant() throws IOException {
    ConfigurationSources sources = onClassPath("kamacache:\n  etcd:\n    endpoint: http://127.0.0.1:1\n", null);
    assertThatThrownBy(() -> SettingsSources.merge(sources, Map.of(), new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kamacache.etcd.endpoint in ")
        .hasMessageContaining("kamacache.yaml, line 3, column 5")
        .hasMessageContaining("did you mean kamacache.etcd.endpoints?");
  }

  @Test
  void theClusterNameIsGivenOnce() throws IOException {
    ConfigurationSources sources = onClassPath("kamacache:\n  cluster: a\n  cluster.name: b\n", null);
    assertThatThrownBy(() -> SettingsSources.merge(sources, Map.of(), new Properties()))
        .hasMessageContaining("kamacache.yaml, line 2, column 3: kamacache.cluster and kamacache.cluster.name are the"
            + " same setting");
  }

  @Test
  void theWalkerIntervalIsNotAFileSetting() throws IOException {
    ConfigurationSources sources = onClassPath("kamacache:\n  ttl-walker.interval-ms: 5\n", null);
    assertThatThrownBy(() -> SettingsSources.merge(sources, Map.of(), new Properties()))
        .hasMessageContaining("read only as a system property");
  }
}
