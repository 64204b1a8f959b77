package io.kamacache.spring.boot;

import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.micrometer.KamaCacheMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import javax.cache.CacheManager;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.metrics.cache.CacheMeterBinderProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Runs after Boot's cache auto-configuration, which builds the JCache {@link CacheManager} (from
 * {@code spring.cache.jcache.config}, the KamaCache configuration file's URI), and, when that
 * manager is KamaCache's, adds its Micrometer binder and its health indicator.
 */
@AutoConfiguration(after = CacheAutoConfiguration.class)
@ConditionalOnClass({CacheManager.class, KamaCacheManager.class})
@ConditionalOnBean(CacheManager.class)
@Conditional(KamaCacheSelected.class)
public class KamaCacheAutoConfiguration {

  /** Every cache's statistics, KamaCache's own figures and the cluster's, in the application's registries. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {

    @Bean
    @ConditionalOnMissingBean
    KamaCacheMetrics kamaCacheMetrics(CacheManager jCacheCacheManager) {
      return new KamaCacheMetrics(jCacheCacheManager);
    }
  }

  /**
   * Boot's actuator binds each Spring cache with Micrometer's JCacheMetrics as well; for KamaCache's
   * caches that would register the same {@code cache.*} names a second time with other tags, which
   * Prometheus refuses. This provider comes first and binds nothing for them.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, CacheMeterBinderProvider.class, JCacheCache.class})
  static class BootCacheMetrics {

    @Bean
    KamaCacheMeterBinderProvider kamaCacheMeterBinderProvider() {
      return new KamaCacheMeterBinderProvider();
    }
  }

  /** The {@code kamacache} component of the health endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("kamacache")
  static class Health {

    @Bean
    @ConditionalOnMissingBean(name = "kamacacheHealthIndicator")
    HealthIndicator kamacacheHealthIndicator(CacheManager jCacheCacheManager) {
      return new KamaCacheHealthIndicator(jCacheCacheManager.unwrap(KamaCacheManager.class));
    }
  }
}
