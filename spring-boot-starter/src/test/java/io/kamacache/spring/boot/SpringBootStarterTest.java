package io.kamacache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCache;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaConfiguration;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.Configuration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.health.SystemHealth;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with every auto-configuration on the class path, configured by
 * src/test/resources/application.properties: its @Cacheable reads go through KamaCache, the
 * cache's meters move in Boot's registry, and the health endpoint has a kamacache component.
 */
@SpringBootTest(classes = SpringBootStarterTest.Application.class)
class SpringBootStarterTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableCaching
  static class Application {

    @Bean
    BookService bookService() {
      return new BookService();
    }

    /** What Boot gives the caches of spring.cache.cache-names: bounded, expiring, counted. */
    @Bean
    Configuration<Object, Object> cacheDefaults() {
      KamaConfiguration<Object, Object> configuration = new KamaConfiguration<>().setCapacity(1_000);
      configuration.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)));
      configuration.setStatisticsEnabled(true);
      return configuration;
    }
  }

  @Autowired
  private BookService books;
  @Autowired
  private CacheManager springCaches;
  @Autowired
  private MeterRegistry registry;
  @Autowired
  private HealthEndpoint health;

  @Test
  void cacheableReadsGoThroughAKamaCacheConfiguredByTheApplication() {
    assertThat(springCaches).isInstanceOf(JCacheCacheManager.class);
    javax.cache.CacheManager manager = ((JCacheCacheManager) springCaches).getCacheManager();
    assertThat(manager).isInstanceOf(KamaCacheManager.class);
    Object nativeCache = springCaches.getCache("books").getNativeCache();
    assertThat(nativeCache).isInstanceOf(KamaCache.class);
    @SuppressWarnings("unchecked")
    KamaConfiguration<Object, Object> configuration =
        ((KamaCache<Object, Object>) nativeCache).getConfiguration(KamaConfiguration.class);
    assertThat(configuration.getCapacity()).isEqualTo(1_000);

    int before = books.calls();
    assertThat(books.title(7)).isEqualTo("title 7");
    assertThat(books.title(7)).isEqualTo("title 7");
    assertThat(books.calls() - before).isEqualTo(1);
  }

  @Test
  void theCachesMetersAreInBootsRegistryOnceAndMove() {
    double hits = hits();
    double puts = registry.get("cache.puts").tag("cache", "books").functionCounter().count();
    books.title(1_000_001);
    books.title(1_000_001);
    assertThat(hits()).isEqualTo(hits + 1);
    assertThat(registry.get("cache.puts").tag("cache", "books").functionCounter().count()).isEqualTo(puts + 1);
    assertThat(registry.get("cache.size").tag("cache", "books").gauge().value()).isPositive();

    // Boot's own JCache binder did not bind KamaCache's caches a second time under other tags.
    for (Meter meter : registry.find("cache.gets").meters()) {
      assertThat(meter.getId().getTag("cacheManager")).as(meter.getId().toString()).isNotNull();
      assertThat(meter.getId().getTag("cache.manager")).as(meter.getId().toString()).isNull();
    }
  }

  private double hits() {
    return registry.get("cache.gets").tags("cache", "books", "result", "hit").functionCounter().count();
  }

  @Test
  void theHealthEndpointHasAKamacacheComponentThatIsUp() {
    HealthComponent whole = health.health();
    assertThat(whole).isInstanceOf(SystemHealth.class);
    assertThat(((SystemHealth) whole).getComponents()).containsKey("kamacache");

    org.springframework.boot.actuate.health.Health component =
        (org.springframework.boot.actuate.health.Health) health.healthForPath("kamacache");
    assertThat(component.getStatus()).isEqualTo(Status.UP);
    Map<String, Object> details = component.getDetails();
    assertThat(details).containsEntry("mode", "embedded");
    assertThat(details.get("caches")).asList().contains("books");
  }
}
