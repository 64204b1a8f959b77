package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCache;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.MemberProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
  void theJarWithoutSettingsPrintsItsUsageAndFails() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-jar", JAR.toString()).redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isNotZero();
    assertThat(output).contains("usage: java -jar kamacache-member.jar");
  }
}
