package io.kamacache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.micrometer.KamaCacheMetrics;
import java.net.URI;
import java.util.UUID;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** When the starter's beans are made, and when it stays out of the way. */
class KamaCacheAutoConfigurationTest {

  /** An application that opens its own KamaCache manager instead of letting Boot do it. */
  @Configuration(proxyBeanMethods = false)
  static class OwnManager {
    @Bean
    CacheManager jCacheCacheManager() {
      return Caching.getCachingProvider().getCacheManager(URI.create("own-" + UUID.randomUUID()),
          getClass().getClassLoader());
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class, KamaCacheAutoConfiguration.class));

  @Test
  void aKamaCacheManagerBeanGetsMetricsAndAHealthIndicator() {
    runner.withUserConfiguration(OwnManager.class).run(context -> {
      assertThat(context).hasSingleBean(KamaCacheMetrics.class);
      assertThat(context.getBean("kamacacheHealthIndicator", HealthIndicator.class).health().getStatus())
          .isEqualTo(Status.UP);
    });
  }

  @Test
  void aClosedManagerIsDown() {
    runner.withUserConfiguration(OwnManager.class).run(context -> {
      context.getBean(CacheManager.class).close();
      assertThat(context.getBean("kamacacheHealthIndicator", HealthIndicator.class).health())
          .satisfies(health -> {
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("reason", "closed");
          });
    });
  }

  @Test
  void anotherJCacheProviderChosenInThePropertiesKeepsTheStarterOut() {
    runner.withUserConfiguration(OwnManager.class)
        .withPropertyValues("spring.cache.jcache.provider=com.example.OtherCachingProvider")
        .run(context -> {
          assertThat(context).doesNotHaveBean(KamaCacheMetrics.class);
          assertThat(context).doesNotHaveBean("kamacacheHealthIndicator");
        });
  }

  @Test
  void withoutAJCacheManagerThereIsNothingToBind() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(KamaCacheMetrics.class);
      assertThat(context).doesNotHaveBean("kamacacheHealthIndicator");
    });
  }
}
