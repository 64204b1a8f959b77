package io.kamacache.micrometer;

import static io.kamacache.micrometer.Scrapes.count;
import static io.kamacache.micrometer.Scrapes.find;
import static io.kamacache.micrometer.Scrapes.gauge;
import static io.kamacache.micrometer.Scrapes.scrape;
import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCache;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.jcache.ManualClock;
import io.kamacache.store.ManualTicker;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The binder against a real embedded manager: every meter is there, and moves with real operations. */
class KamaCacheMetricsTest {

  private final KamaCacheManager manager = (KamaCacheManager) Caching.getCachingProvider()
      .getCacheManager(URI.create("metrics-" + UUID.randomUUID()), getClass().getClassLoader());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualTicker ticker = new ManualTicker();
  private final String uri = manager.getURI().toString();

  @AfterEach
  void close() {
    manager.close();
  }

  private KamaCache<String, String> books() {
    KamaConfiguration<String, String> configuration = new KamaConfiguration<String, String>().setCapacity(2);
    configuration.setTypes(String.class, String.class);
    configuration.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 1)));
    configuration.setStatisticsEnabled(true);
    return ManualClock.createCache(manager, "books", configuration, ticker);
  }

  private double books(String name, String... tags) {
    String[] all = java.util.Arrays.copyOf(tags, tags.length + 4);
    System.arraycopy(new String[] {"cache", "books", "cacheManager", uri}, 0, all, tags.length, 4);
    return count(registry, name, all);
  }

  private FunctionTimer timer(String operation) {
    return registry.get("kamacache.cache.operations").tags("cache", "books", "operation", operation).functionTimer();
  }

  @Test
  void everyStatisticOfACacheMovesWithTheOperationsThatCountIt() {
    KamaCache<String, String> cache = books();
    new KamaCacheMetrics(manager).bindTo(registry);
    assertThat(books("cache.gets", "result", "hit")).isZero();
    assertThat(gauge(registry, "cache.size", "cache", "books")).isZero();

    cache.put("a", "1");
    cache.put("b", "2");
    assertThat(cache.get("a")).isEqualTo("1");
    assertThat(cache.get("x")).isNull();
    assertThat(cache.remove("b")).isTrue();
    cache.put("c", "3");
    cache.put("d", "4"); // the third entry of a cache bounded at two: one is evicted

    assertThat(books("cache.gets", "result", "hit")).isEqualTo(1);
    assertThat(books("cache.gets", "result", "miss")).isEqualTo(1);
    assertThat(books("cache.puts")).isEqualTo(4);
    assertThat(books("cache.removals")).isEqualTo(1);
    assertThat(books("cache.evictions")).isEqualTo(1);
    assertThat(books("kamacache.cache.expirations")).isZero();
    assertThat(gauge(registry, "cache.size", "cache", "books")).isEqualTo(2);
    assertThat(timer("get").count()).isEqualTo(2);
    assertThat(timer("get").totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(timer("put").count()).isEqualTo(4);
    assertThat(timer("put").totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(timer("remove").count()).isEqualTo(1);
    assertThat(timer("remove").totalTime(TimeUnit.NANOSECONDS)).isPositive();

    ticker.advance(2, TimeUnit.MINUTES);
    assertThat(ManualClock.walk(manager)).isEqualTo(2);
    assertThat(books("kamacache.cache.expirations")).isEqualTo(2);
    assertThat(gauge(registry, "cache.size", "cache", "books")).isZero();

    cache.put("e", "5");
    ticker.advance(2, TimeUnit.MINUTES);
    assertThat(cache.get("e")).isNull(); // a read meets the expired entry before the walker does
    assertThat(books("kamacache.cache.expirations")).isEqualTo(3);
    // Expiry is neither an eviction nor a removal in JSR-107's statistics.
    assertThat(books("cache.evictions")).isEqualTo(1);
    assertThat(books("cache.removals")).isEqualTo(1);
  }

  @Test
  void cachesCreatedAfterBindingGetMetersAtTheNextScrapeAndClosedOnesLoseThem() {
    new KamaCacheMetrics(manager).bindTo(registry);
    assertThat(find(registry, "cache.puts", "cache", "late").functionCounters()).isEmpty();

    Cache<String, String> late = manager.createCache("late",
        new MutableConfiguration<String, String>().setStatisticsEnabled(true));
    scrape(registry);
    assertThat(gauge(registry, "kamacache.caches", "cacheManager", uri)).isEqualTo(1);
    late.put("k", "v");
    assertThat(count(registry, "cache.puts", "cache", "late")).isEqualTo(1);

    late.close();
    scrape(registry);
    assertThat(registry.getMeters()).extracting(meter -> meter.getId().getTag("cache")).doesNotContain("late");
    assertThat(gauge(registry, "kamacache.caches", "cacheManager", uri)).isZero();

    // Created again under the same name: new meters that read the new cache, from zero.
    Cache<String, String> again = manager.createCache("late",
        new MutableConfiguration<String, String>().setStatisticsEnabled(true));
    scrape(registry);
    again.put("k", "v");
    again.put("k2", "v");
    assertThat(count(registry, "cache.puts", "cache", "late")).isEqualTo(2);
  }

  @Test
  void everyMeterCarriesTheManagerAndTheExtraTags() {
    books();
    new KamaCacheMetrics(manager, Tags.of("application", "shop")).bindTo(registry);

    assertThat(registry.getMeters()).isNotEmpty();
    for (Meter meter : registry.getMeters()) {
      assertThat(meter.getId().getTag("cacheManager")).as(meter.getId().toString()).isEqualTo(uri);
      assertThat(meter.getId().getTag("application")).as(meter.getId().toString()).isEqualTo("shop");
    }
    assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName()).contains("cache.size",
        "cache.gets", "cache.puts", "cache.removals", "cache.evictions", "kamacache.cache.expirations",
        "kamacache.cache.operations", "kamacache.caches");
    // Embedded: no cluster meters.
    assertThat(registry.find("kamacache.cluster.epoch").gauges()).isEmpty();
  }

  @Test
  void aClosedManagerLeavesNoCacheMeters() {
    books();
    new KamaCacheMetrics(manager).bindTo(registry);
    assertThat(find(registry, "cache.size", "cache", "books").gauges()).hasSize(1);

    manager.close();
    scrape(registry);
    assertThat(find(registry, "cache.size", "cache", "books").gauges()).isEmpty();
  }
}
