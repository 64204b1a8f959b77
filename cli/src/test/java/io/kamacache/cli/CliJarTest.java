package io.kamacache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.MemberState;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.TempDirs;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded jar, {@code cli/target/kamacache-cli.jar}, run as an operator runs it: its own JVM,
 * nothing but the jar on the class path, against a member of a real cluster.
 */
class CliJarTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  record Run(int code, String out, String err) {}

  private static Run jar(Path dir, String... args) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("cli.jar.under.test", "target/kamacache-cli.jar"));
    assertThat(jar).as("build it with mvn package first").exists();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the CLI ends").isTrue();
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theJarListsARunningMemberAndExitsWithItsCodes() throws Exception {
    Path dir = Files.createTempDirectory("kamacache-cli-jar");
    String cluster = "jar-" + UUID.randomUUID().toString().substring(0, 8);
    Properties settings = new Properties();
    settings.setProperty(ClusterConfig.ENDPOINTS, etcd.endpoint());
    settings.setProperty(ClusterConfig.CLUSTER, cluster);
    settings.setProperty(ClusterConfig.MEMBER_ID, "solo");
    settings.setProperty(ClusterConfig.LEASE_TTL, "2");
    Path file = dir.resolve("solo.properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      settings.store(writer, "member solo");
    }
    CacheManager member = Caching.getCachingProvider().getCacheManager(file.toUri(), CliJarTest.class.getClassLoader());
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (member.unwrap(KamaCacheManager.class).node().state() != MemberState.SERVING) {
        assertThat(System.nanoTime()).as("serving within 30 s").isLessThan(deadline);
        Thread.onSpinWait();
      }
      Run help = jar(dir, "--help");
      assertThat(help.code()).as(help.err()).isZero();
      assertThat(help.out()).contains("members", "caches", "stats", "drain", "Exit codes");

      // The member's own settings file works as the CLI's: it connects as a client all the same.
      Run members = jar(dir, "members", "--config", file.toString());
      assertThat(members.code()).as(members.err()).isZero();
      assertThat(members.out().lines().skip(1).findFirst().orElseThrow().split(" +"))
          .startsWith("solo", member.unwrap(KamaCacheManager.class).node().address(), "member", "SERVING");

      Run nobody = jar(dir, "members", "--etcd", etcd.endpoint(), "--cluster", cluster + "-typo");
      assertThat(nobody.code()).isEqualTo(1);
      assertThat(nobody.err()).contains("no members in cluster");

      assertThat(jar(dir, "frobnicate").code()).isEqualTo(2);
    } finally {
      member.close();
      TempDirs.delete(dir);
    }
  }
}
