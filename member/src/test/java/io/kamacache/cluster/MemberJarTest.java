package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCache;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.MemberProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded jar, run as operators run it ({@code java -jar kamacache-member.jar member.properties}),
 * joins a cluster and serves its keys. This runs after {@code package}, against the jar itself: a
 * missing ServiceLoader file or main class in the shaded jar fails here, not in production.
 */
class MemberJarTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static final Path JAR = Path.of(System.getProperty("member.jar.under.test", "target/kamacache-member.jar"));

  private Members members;

  @BeforeEach
  void newCluster() {
    assertThat(JAR).as("the shaded member jar; package builds it").isRegularFile();
    members = new Members(etcd.endpoint());
  }

  @AfterEach
  void closeMembers() {
    members.close();
  }

  @Test
  void theJarJoinsTheClusterServesItsKeysAndLeavesOnSigterm() throws Exception {
    CacheManager embedded = members.open("in-process");
    Cache<String, String> cache = embedded.createCache("jarred", new MutableConfiguration<String, String>());
    Path settings = Path.of(members.settings("from-jar", Map.of()));
    MemberProcess fromJar = MemberProcess.startJar(JAR, settings.toString());
    try {
      // jetcd's SLF4J logs and the provider's System.Logger share java.util.logging's one format.
      assertThat(fromJar.startupOutput()).doesNotContain("SLF4J").contains("registered at");
      Members.awaitRingSize(List.of(embedded), 2);
      for (int i = 0; i < 200; i++) {
        cache.put("k" + i, "v" + i);
      }
      for (int i = 0; i < 200; i++) {
        assertThat(cache.get("k" + i)).isEqualTo("v" + i);
      }
      long here = cache.unwrap(KamaCache.class).localSize();
      assertThat(here).as("the jar's member owns some of the keys").isLessThan(200);
      fromJar.stop();
      Members.awaitRingSize(List.of(embedded), 1);
      cache.put("after", "leave");
      assertThat(cache.get("after")).isEqualTo("leave");
    } finally {
      fromJar.close();
    }
  }

  @Test
  void theJarServesPrometheusMetricsAndProbesThatFollowItsState() throws Exception {
    CacheManager embedded = members.open("in-process");
    Cache<String, String> cache = embedded.createCache("probed",
        new MutableConfiguration<String, String>().setStatisticsEnabled(true));
    Path settings = Path.of(members.settings("probed-jar", Map.of(ClusterConfig.HTTP_PORT, "0")));
    MemberProcess fromJar = MemberProcess.startJar(JAR, settings.toString());
    try {
      Matcher at = Pattern.compile("metrics and health probes at (http://\\S+)").matcher(fromJar.startupOutput());
      assertThat(at.find()).as("the start-up line names the probes' address: " + fromJar.startupOutput()).isTrue();
      URI probes = URI.create(at.group(1));
      HttpClient http = HttpClient.newHttpClient();
      Members.awaitRingSize(List.of(embedded), 2);
      awaitStatus(http, probes.resolve("/health/ready"), 200);
      for (int i = 0; i < 200; i++) {
        cache.put("k" + i, "v" + i);
      }
      long owned = 200 - cache.unwrap(KamaCache.class).localSize();
      assertThat(owned).as("the jar's member owns some of the keys").isPositive();

      // Peer methods first called since the last scrape get their meters at this one, and show at the next.
      get(http, probes.resolve("/metrics"));
      String metrics = get(http, probes.resolve("/metrics")).body();
      assertThat(sample(metrics, "cache_size", "cache", "probed")).as("entries the jar's member owns").isEqualTo(owned);
      assertThat(sample(metrics, "kamacache_cluster_calls_served_total", "method", "Put"))
          .as("puts it served as their owner").isGreaterThanOrEqualTo(owned);
      assertThat(metrics).contains("kamacache_cluster_members").contains("jvm_memory_used_bytes");

      embedded.unwrap(KamaCacheManager.class).node().admin().drain("probed-jar");
      HttpResponse<String> draining = awaitStatus(http, probes.resolve("/health/ready"), 503);
      assertThat(draining.body()).startsWith("DRAINING");
      assertThat(get(http, probes.resolve("/health/live")).statusCode()).isEqualTo(200);
      for (int i = 0; i < 200; i++) {
        assertThat(cache.get("k" + i)).as("nothing is lost by the drain").isEqualTo("v" + i);
      }
    } finally {
      fromJar.close();
    }
  }

  /** The value of {@code name}'s one sample with {@code label=value}, as Prometheus' text format gives it. */
  private static long sample(String metrics, String name, String label, String value) {
    Matcher line = Pattern.compile("(?m)^" + name + "\\{[^}]*" + label + "=\"" + value + "\"[^}]*\\} (\\S+)$")
        .matcher(metrics);
    assertThat(line.find()).as(name + " with " + label + "=" + value + " in:\n" + metrics).isTrue();
    return (long) Double.parseDouble(line.group(1));
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Probes are polled, as Kubernetes does: the member's state changes on its own threads. */
  private static HttpResponse<String> awaitStatus(HttpClient http, URI uri, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    HttpResponse<String> last = get(http, uri);
    while (last.statusCode() != status && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = get(http, uri);
    }
    assertThat(last.statusCode()).as(uri + " answered " + last.body()).isEqualTo(status);
    return last;
  }

  @Test
  void theJarWithoutSettingsPrintsItsUsageAndFails() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-jar", JAR.toString()).redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isNotZero();
    assertThat(output).contains("usage: java -jar kamacache-member.jar");
  }
}
