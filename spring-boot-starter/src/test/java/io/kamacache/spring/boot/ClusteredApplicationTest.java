package io.kamacache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.TempDirs;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A Boot application whose spring.cache.jcache.config names a kamacache.yaml with cluster settings
 * and a cache: Boot's JCache support opens a clustered KamaCache manager with that cache, the member's meters are in the registry, and
 * the health indicator is UP in the cluster and DOWN once etcd is gone.
 */
class ClusteredApplicationTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Path dir;

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class Application {
    @Bean
    BookService bookService() {
      return new BookService();
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class, KamaCacheAutoConfiguration.class,
          MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
          CompositeMeterRegistryAutoConfiguration.class))
      .withUserConfiguration(Application.class);

  @BeforeEach
  void directory() throws IOException {
    dir = Files.createTempDirectory("kamacache-boot");
  }

  @AfterEach
  void delete() {
    TempDirs.delete(dir);
  }

  /** A member's kamacache.yaml: its cluster settings and its caches, in one file. */
  private Path memberFile(String id) throws IOException {
    String yaml = String.join("\n",
        "kamacache:",
        "  etcd:",
        "    endpoints: " + etcd.endpoint(),
        "  cluster: boot-" + UUID.randomUUID().toString().substring(0, 8),
        "  member:",
        "    id: " + id,
        "  bind:",
        "    host: 127.0.0.1",
        "  lease:",
        "    ttl-seconds: 2",
        "caches:",
        "  books:",
        "    capacity: 1000",
        "    statistics: true",
        "");
    return Files.writeString(dir.resolve(id + ".yaml"), yaml);
  }

  private static void await(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.get()) {
      assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
      Thread.onSpinWait();
    }
  }

  @Test
  void aClusteredManagerIsUpWhileEtcdIsThereAndDownWhenItIsGone() throws Exception {
    Path file = memberFile("boot-1");
    runner.withPropertyValues("spring.cache.jcache.config=" + file.toUri())
        .run(context -> {
          assertThat(context).hasNotFailed();
          javax.cache.CacheManager manager = context.getBean(javax.cache.CacheManager.class);
          assertThat(manager).isInstanceOf(KamaCacheManager.class);
          assertThat(((KamaCacheManager) manager).node()).isNotNull();

          BookService books = context.getBean(BookService.class);
          assertThat(books.title(3)).isEqualTo(books.title(3));
          assertThat(books.calls()).isEqualTo(1);

          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.get("kamacache.cluster.members").tag("member", "boot-1").gauge().value()).isEqualTo(1);
          assertThat(registry.get("cache.size").tag("cache", "books").gauge().value()).isEqualTo(1);
          assertThat(registry.get("cache.puts").tag("cache", "books").functionCounter().count()).isEqualTo(1);

          HealthIndicator indicator = context.getBean("kamacacheHealthIndicator", HealthIndicator.class);
          Health up = indicator.health();
          assertThat(up.getStatus()).isEqualTo(Status.UP);
          assertThat(up.getDetails()).containsEntry("mode", "cluster member").containsEntry("memberId", "boot-1")
              .containsEntry("state", "SERVING")
              .containsEntry("etcdConnected", true);
          assertThat(up.getDetails().get("members")).asList().containsExactly("boot-1");
          assertThat((Long) up.getDetails().get("epoch")).isPositive();

          etcd.process().stopProcess();
          try {
            await("the health to go DOWN", () -> indicator.health().getStatus().equals(Status.DOWN));
            Health down = indicator.health();
            assertThat(down.getDetails()).containsEntry("etcdConnected", false);
            assertThat((String) down.getDetails().get("reason")).contains("etcd");
          } finally {
            etcd.process().startProcess();
          }
          await("the health to come back UP", () -> indicator.health().getStatus().equals(Status.UP));
        });
  }

  @Test
  void aDisabledKamacacheHealthIndicatorIsLeftOutAndTheMetricsStay() throws Exception {
    Path file = memberFile("boot-2");
    runner.withPropertyValues("spring.cache.jcache.config=" + file.toUri(),
            "management.health.kamacache.enabled=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean("kamacacheHealthIndicator");
          assertThat(context).hasSingleBean(io.kamacache.micrometer.KamaCacheMetrics.class);
        });
  }
}
