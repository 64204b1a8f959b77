package io.kamacache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCache;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaConfiguration;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * A Spring Boot application with every auto-configuration on the class path, configured only by
 * src/test/resources/application.properties and the kamacache.yaml it names: its @Cacheable reads
 * go through bounded, expiring KamaCache caches, their meters move in Boot's registry, and the
 * health endpoint has a kamacache component.
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
  void cacheableReadsGoThroughAKamaCacheConfiguredByTheFileBootNamed() {
    assertThat(springCaches).isInstanceOf(JCacheCacheManager.class);
    javax.cache.CacheManager manager = ((JCacheCacheManager) springCaches).getCacheManager();
    assertThat(manager).isInstanceOf(KamaCacheManager.class);
    assertThat(manager.getURI().toString()).startsWith("file:").endsWith("/kamacache.yaml");

    KamaConfiguration<?, ?> books = configuration("books");
    assertThat(books.getCapacity()).isEqualTo(100);
    assertThat(books.getExpiryPolicyFactory().create().getExpiryForCreation())
        .isEqualTo(new Duration(TimeUnit.MINUTES, 10));
    assertThat(books.isStatisticsEnabled()).isTrue();
    // Boot created this one with a plain MutableConfiguration; the file's template bounded it.
    KamaConfiguration<?, ?> reports = configuration("reports.daily");
    assertThat(reports.getCapacity()).isEqualTo(50);
    assertThat(reports.getExpiryPolicyFactory().create().getExpiryForAccess())
        .isEqualTo(new Duration(TimeUnit.HOURS, 1));

    int before = this.books.calls();
    assertThat(this.books.title(7)).isEqualTo("title 7");
    assertThat(this.books.title(7)).isEqualTo("title 7");
    assertThat(this.books.calls() - before).isEqualTo(1);
  }

  private KamaConfiguration<?, ?> configuration(String cache) {
    Object nativeCache = springCaches.getCache(cache).getNativeCache();
    assertThat(nativeCache).isInstanceOf(KamaCache.class);
    return ((KamaCache<?, ?>) nativeCache).getConfiguration(KamaConfiguration.class);
  }

  @Test
  void theBoundFromTheFileHoldsAndItsEvictionsShowInTheMetrics() {
    double size = registry.get("cache.size").tag("cache", "books").gauge().value();
    double evictions = registry.get("cache.evictions").tag("cache", "books").functionCounter().count();
    for (int id = 2_000_000; id < 2_000_200; id++) {
      books.title(id);
    }
    assertThat(registry.get("cache.size").tag("cache", "books").gauge().value()).isEqualTo(100);
    // Every entry beyond the hundred, those there before included, was evicted: none expired in 10 minutes.
    assertThat(registry.get("cache.evictions").tag("cache", "books").functionCounter().count())
        .isEqualTo(evictions + size + 200 - 100);
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
