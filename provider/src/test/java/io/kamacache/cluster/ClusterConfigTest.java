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
    assertThat(ClusterConfig.from(SettingsSources.merge(file("kamacache.cluster.name=x\n"), null, Map.of(), new Properties())))
        .isNull();
    assertThat(ClusterConfig.from(SettingsSources.merge(URI.create("io.kamacache.default"), getClass().getClassLoader(),
        Map.of(), new Properties()))).as("no kamacache.properties on the test class path").isNull();
  }

  @Test
  void environmentOverridesTheFileAndSystemPropertiesOverrideBoth() throws IOException {
    URI uri = file("kamacache.etcd.endpoints=http://127.0.0.1:1\nkamacache.cluster.name=from-file\n"
        + "kamacache.lease.ttl-seconds=30\nkamacache.member.id=file-id\n");
    Properties system = new Properties();
    system.setProperty("kamacache.cluster.name", "from-system");
    ClusterConfig config = ClusterConfig.from(SettingsSources.merge(uri, null,
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
    // Readable files, so that what fails is the plain-http endpoint or the missing key, not the path.
    java.nio.file.Files.writeString(dir.resolve("ca.crt"), "not read here");
    java.nio.file.Files.writeString(dir.resolve("member.crt"), "not read here");
    Map<String, String> bad = Map.of(
        "kamacache.lease.ttl-seconds=1\n", ClusterConfig.LEASE_TTL,
        "kamacache.ring.virtual-nodes=lots\n", ClusterConfig.VIRTUAL_NODES,
        "kamacache.member.role=boss\n", ClusterConfig.ROLE,
        "kamacache.cluster.name=has space\n", ClusterConfig.CLUSTER,
        "kamacache.tls.client-auth=true\n", ClusterConfig.TLS_CLIENT_AUTH,
        "kamacache.etcd.user=me\n", ClusterConfig.ETCD_USER,
        "kamacache.bind.port=70000\n", ClusterConfig.BIND_PORT,
        "kamacache.tls.client-auth=maybe\n", ClusterConfig.TLS_CLIENT_AUTH,
        "kamacache.etcd.tls.trust=" + dir.resolve("ca.crt") + "\n", ClusterConfig.ETCD_TLS_TRUST,
        "kamacache.etcd.tls.cert=" + dir.resolve("member.crt") + "\n", ClusterConfig.ETCD_TLS_CERT);
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      URI uri = file(base + entry.getKey());
      assertThatThrownBy(() -> ClusterConfig.from(SettingsSources.merge(uri, null, Map.of(), new Properties())))
          .as(entry.getKey()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(entry.getValue());
    }
    assertThatThrownBy(() -> ClusterConfig.from(SettingsSources.merge(file("kamacache.etcd.endpoints=ftp://x\n"),
        null, Map.of(), new Properties()))).hasMessageContaining(ClusterConfig.ENDPOINTS);
  }

  @Test
  void anEtcdPasswordOverPlainHttpIsRefusedUnlessExplicitlyAllowed() throws IOException {
    String credentials = "kamacache.etcd.user=me\nkamacache.etcd.password=secret\n";
    URI plain = file("kamacache.etcd.endpoints=https://127.0.0.1:2,http://127.0.0.1:1\n" + credentials);
    assertThatThrownBy(() -> ClusterConfig.from(SettingsSources.merge(plain, null, Map.of(), new Properties())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ClusterConfig.ETCD_USER).hasMessageContaining(ClusterConfig.ETCD_PASSWORD)
        .hasMessageContaining(ClusterConfig.ETCD_ALLOW_PLAINTEXT_PASSWORD).hasMessageContaining("http://127.0.0.1:1")
        .hasMessageNotContaining("secret");

    ClusterConfig allowed = ClusterConfig.from(SettingsSources.merge(plain, null,
        Map.of("KAMACACHE_ETCD_ALLOW_PLAINTEXT_PASSWORD", "true"), new Properties()));
    assertThat(allowed.etcdPassword).isEqualTo("secret");

    URI https = file("kamacache.etcd.endpoints=https://127.0.0.1:2\n" + credentials);
    assertThat(ClusterConfig.from(SettingsSources.merge(https, null, Map.of(), new Properties())).etcdUser)
        .as("over https the password is encrypted").isEqualTo("me");
    URI noPassword = file("kamacache.etcd.endpoints=http://127.0.0.1:1\n");
    assertThat(ClusterConfig.from(SettingsSources.merge(noPassword, null, Map.of(), new Properties())).endpoints)
        .as("plain http without a password is still allowed").hasSize(1);
  }

  @Test
  void aUriNamingAMissingFileOrResourceIsAnError() {
    assertThatThrownBy(() -> SettingsSources.merge(dir.resolve("absent.properties").toUri(), null, Map.of(), new Properties()))
        .hasMessageContaining("absent.properties");
    assertThatThrownBy(() -> SettingsSources.merge(URI.create("classpath:absent.properties"), getClass().getClassLoader(),
        Map.of(), new Properties())).hasMessageContaining("class path");
  }

  private static Properties system(String key, String value) {
    Properties system = new Properties();
    system.setProperty(key, value);
    return system;
  }

  @Test
  void anUnknownSettingInTheFileIsNamedWithTheClosestKnownOne() throws IOException {
    // Misspelt endpoints would otherwise leave the manager silently embedded.
    URI uri = file("kamacache.etcd.endpoint=http://127.0.0.1:1\n");
    assertThatThrownBy(() -> SettingsSources.merge(uri, null, Map.of(), new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kamacache.etcd.endpoint in " + uri)
        .hasMessageContaining("did you mean " + ClusterConfig.ENDPOINTS + "?");
    URI farOff = file(ClusterConfig.ENDPOINTS + "=http://127.0.0.1:1\nkamacache.sharding.mode=fast\n");
    assertThatThrownBy(() -> SettingsSources.merge(farOff, null, Map.of(), new Properties()))
        .hasMessageContaining("kamacache.sharding.mode").hasMessageContaining("the known ones are")
        .hasMessageNotContaining("did you mean");
  }

  @Test
  void theWalkerIntervalInTheFileIsAnErrorSayingItIsASystemProperty() throws IOException {
    URI uri = file("kamacache.ttl-walker.interval-ms=100\n");
    assertThatThrownBy(() -> SettingsSources.merge(uri, null, Map.of(), new Properties()))
        .hasMessageContaining("kamacache.ttl-walker.interval-ms").hasMessageContaining("system property");
  }

  @Test
  void settingsFileKeysOutsideOurNamespaceAreLeftAlone() throws IOException {
    ClusterConfig config = ClusterConfig.from(SettingsSources.merge(
        file(ClusterConfig.ENDPOINTS + "=http://127.0.0.1:1\nlogging.level=debug\n"), null, Map.of(), new Properties()));
    assertThat(config).isNotNull();
  }

  @Test
  void anUnknownSystemPropertyInAClusterSectionOrNearAKnownNameIsNamed() throws IOException {
    URI uri = file(ClusterConfig.ENDPOINTS + "=http://127.0.0.1:1\n");
    assertThatThrownBy(() -> SettingsSources.merge(uri, null, Map.of(), system("kamacache.tls.certificate", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("system property kamacache.tls.certificate");
    assertThatThrownBy(() -> SettingsSources.merge(uri, null, Map.of(), system("kamacache.etc.endpoints", "x")))
        .hasMessageContaining("system property kamacache.etc.endpoints")
        .hasMessageContaining("did you mean " + ClusterConfig.ENDPOINTS + "?");
  }

  @Test
  void otherKamaCacheSystemPropertiesAreNotClusterSettings() throws IOException {
    // The provider's own walker setting, and the build's switch for the clustered TCK run.
    Properties system = system(io.kamacache.store.TtlWalker.INTERVAL_PROPERTY, "0");
    system.setProperty("kamacache.tck.cluster", "true");
    system.setProperty("kamacache.demo.member", "a");
    URI uri = file(ClusterConfig.ENDPOINTS + "=http://127.0.0.1:1\n");
    assertThat(ClusterConfig.from(SettingsSources.merge(uri, null, Map.of(), system))).isNotNull();
  }

  @Test
  void anUnknownEnvironmentVariableIsNamedWithTheKnownOneItMissed() throws IOException {
    URI uri = file(ClusterConfig.ENDPOINTS + "=http://127.0.0.1:1\n");
    assertThatThrownBy(() -> SettingsSources.merge(uri, null, Map.of("KAMACACHE_ETCD_ENDPOINT", "x"), new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment variable KAMACACHE_ETCD_ENDPOINT")
        .hasMessageContaining("did you mean KAMACACHE_ETCD_ENDPOINTS (" + ClusterConfig.ENDPOINTS + ")?");
    assertThatThrownBy(() -> SettingsSources.merge(uri, null, Map.of("KAMACACHE_RING_VNODES", "200"), new Properties()))
        .hasMessageContaining("KAMACACHE_RING_VNODES");
  }

  @Test
  void environmentVariablesThatAreNotClearlySettingsAreLeftAlone() throws IOException {
    URI uri = file(ClusterConfig.ENDPOINTS + "=http://127.0.0.1:1\n");
    Map<String, String> env = Map.of("KAMACACHE_HOME", "/opt/kamacache", "KAMACACHE_OPTS", "-Xmx1g",
        "KAMACACHE_LEASE_TTL_SECONDS", "20");
    assertThat(ClusterConfig.from(SettingsSources.merge(uri, null, env, new Properties())).leaseTtl)
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void virtualNodesBelow128AreAnErrorNamingTheSetting() throws IOException {
    String base = ClusterConfig.ENDPOINTS + "=http://127.0.0.1:1\n";
    assertThatThrownBy(() -> ClusterConfig.from(SettingsSources.merge(file(base + ClusterConfig.VIRTUAL_NODES + "=127\n"),
        null, Map.of(), new Properties())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ClusterConfig.VIRTUAL_NODES).hasMessageContaining("128");
    assertThat(ClusterConfig.from(SettingsSources.merge(file(base + ClusterConfig.VIRTUAL_NODES + "=128\n"),
        null, Map.of(), new Properties())).virtualNodes).isEqualTo(128);
  }

  @Test
  void aClasspathUriReadsThatResource() {
    ClusterConfig config = ClusterConfig.from(SettingsSources.merge(
        URI.create("classpath:kamacache-classpath-settings-test.properties"), getClass().getClassLoader(),
        Map.of(), new Properties()));
    assertThat(config.cluster).isEqualTo("from-class-path");
    assertThat(config.virtualNodes).isEqualTo(256);
    assertThat(config.endpoints).containsExactly(URI.create("http://127.0.0.1:1"));
  }

  @Test
  void theDefaultUriReadsKamacachePropertiesFromTheManagersClassLoader() throws IOException {
    // A loader of its own, so the test class path keeps no kamacache.properties for other tests.
    Path root = Files.createDirectories(dir.resolve("class-path"));
    Files.writeString(root.resolve("kamacache.properties"),
        ClusterConfig.ENDPOINTS + "=http://127.0.0.1:1\n" + ClusterConfig.CLUSTER + "=from-default-resource\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
      ClusterConfig config = ClusterConfig.from(SettingsSources.merge(URI.create("io.kamacache.default"), loader,
          Map.of(), new Properties()));
      assertThat(config.cluster).isEqualTo("from-default-resource");
    }
  }

  @Test
  void aMemberOnANetworkAddressNeedsMutualTlsOrTheOneInsecureOptIn() throws IOException {
    URI open = file("kamacache.etcd.endpoints=http://127.0.0.1:2379\nkamacache.bind.host=0.0.0.0\n");
    assertThatThrownBy(() -> ClusterConfig.from(SettingsSources.merge(open, null, Map.of(), new Properties())))
        .hasMessageContaining("0.0.0.0 is not a loopback address")
        .hasMessageContaining(ClusterConfig.TLS_CERT)
        .hasMessageContaining(ClusterConfig.INSECURE_PLAINTEXT);
    URI optedIn = file("kamacache.etcd.endpoints=http://127.0.0.1:2379\nkamacache.bind.host=0.0.0.0\n"
        + "kamacache.security.insecure-plaintext=true\n");
    assertThat(ClusterConfig.from(SettingsSources.merge(optedIn, null, Map.of(), new Properties())).insecurePlaintext)
        .isTrue();
    // Loopback needs neither; a client serves nothing, so binds nothing.
    URI loopback = file("kamacache.etcd.endpoints=http://127.0.0.1:2379\nkamacache.bind.host=localhost\n");
    assertThat(ClusterConfig.from(SettingsSources.merge(loopback, null, Map.of(), new Properties()))).isNotNull();
    URI client = file("kamacache.etcd.endpoints=http://127.0.0.1:2379\nkamacache.bind.host=0.0.0.0\n"
        + "kamacache.member.role=client\n");
    assertThat(ClusterConfig.from(SettingsSources.merge(client, null, Map.of(), new Properties()))).isNotNull();
  }

  @Test
  void theMembersHttpSideIsOffUnlessAPortIsSetAndListensOnTheBindHostByDefault() {
    Properties settings = new Properties();
    settings.setProperty(ClusterConfig.ENDPOINTS, "http://127.0.0.1:1");
    settings.setProperty(ClusterConfig.BIND_HOST, "127.0.0.2");
    assertThat(ClusterConfig.from(settings).probeAddress()).isEmpty();
    settings.setProperty(ClusterConfig.HTTP_PORT, "0");
    assertThat(ClusterConfig.from(settings).probeAddress()).hasValueSatisfying(address -> {
      assertThat(address.getHostString()).isEqualTo("127.0.0.2");
      assertThat(address.getPort()).isZero();
    });
    settings.setProperty(ClusterConfig.HTTP_HOST, "127.0.0.3");
    settings.setProperty(ClusterConfig.HTTP_PORT, "9464");
    assertThat(ClusterConfig.from(settings).probeAddress()).hasValueSatisfying(address -> {
      assertThat(address.getHostString()).isEqualTo("127.0.0.3");
      assertThat(address.getPort()).isEqualTo(9464);
    });
    settings.setProperty(ClusterConfig.HTTP_PORT, "-1");
    assertThatThrownBy(() -> ClusterConfig.from(settings)).hasMessageContaining(ClusterConfig.HTTP_PORT);
  }

  @Test
  void aToolsOverridesBeatTheFileAndWithoutAFileOnlyTheyAndTheEnvironmentCount() throws IOException {
    URI uri = file("kamacache.etcd.endpoints=http://127.0.0.1:1\nkamacache.cluster.name=from-file\n");
    ClusterConfig fromFile = ClusterConfig.forManager(ConfigurationSources.forManager(uri, null, uri),
        Map.of(ClusterConfig.CLUSTER, "from-options"));
    assertThat(fromFile.cluster).isEqualTo("from-options");
    assertThat(fromFile.endpoints).hasToString("[http://127.0.0.1:1]");

    assertThat(ClusterConfig.forManager(ConfigurationSources.withoutFiles(), Map.of()))
        .as("no endpoints anywhere: embedded").isNull();
    ClusterConfig noFile = ClusterConfig.forManager(ConfigurationSources.withoutFiles(),
        Map.of(ClusterConfig.ENDPOINTS, "http://127.0.0.1:2"));
    assertThat(noFile.cluster).isEqualTo("default");
    assertThat(System.getProperty(ClusterConfig.ENDPOINTS)).as("overrides stay out of the JVM's properties").isNull();
  }
}
