package io.kamacache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.store.ManualTicker;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.management.CacheStatisticsMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Expiry and the TTL walker with the clock moved by hand: nothing here sleeps. The provider's
 * walker does not tick on its own in these tests (see the surefire configuration); each test
 * runs it explicitly.
 */
class ExpiryWithInjectedClockTest {

  private final ManualTicker ticker = new ManualTicker();
  private final List<String> expired = new CopyOnWriteArrayList<>();
  private final KamaCacheManager manager = (KamaCacheManager) Caching.getCachingProvider()
      .getCacheManager(URI.create("expiry-test"), getClass().getClassLoader());

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private KamaCache<String, String> cache(ExpiryPolicy policy) {
    KamaConfiguration<String, String> configuration = new KamaConfiguration<>();
    configuration.setTypes(String.class, String.class);
    configuration.setExpiryPolicyFactory(() -> policy);
    configuration.setStatisticsEnabled(true);
    CacheEntryExpiredListener<String, String> listener = batch -> batch.forEach(
        event -> expired.add(event.getKey() + "=" + event.getOldValue()));
    Factory<CacheEntryListener<? super String, ? super String>> factory = () -> listener;
    configuration.addCacheEntryListenerConfiguration(
        new MutableCacheEntryListenerConfiguration<>(factory, null, true, true));
    return manager.createCache("expiry", configuration, ticker);
  }

  private int walk() {
    return manager.threads().walker().runOnce();
  }

  private static CacheStatisticsMXBean statistics(KamaCache<?, ?> cache) {
    return cache.unwrap(KamaCache.class).statistics();
  }

  @Test
  void theWalkerFiresExpiredWithNoRead() {
    KamaCache<String, String> cache = cache(new CreatedExpiryPolicy(new Duration(TimeUnit.MINUTES, 1)));
    cache.put("a", "1");
    cache.put("b", "2");
    ticker.advance(59, TimeUnit.SECONDS);
    assertThat(walk()).isZero();
    assertThat(expired).isEmpty();

    ticker.advance(1, TimeUnit.SECONDS);
    assertThat(walk()).isEqualTo(2);
    assertThat(expired).containsExactlyInAnyOrder("a=1", "b=2");
    assertThat(statistics(cache).getCacheGets()).as("nothing was read").isZero();
    assertThat(cache.iterator().hasNext()).isFalse();
  }

  @Test
  void sizeCountsExpiredEntriesUntilTheWalkerRemovesThem() {
    KamaCache<String, String> cache = cache(new CreatedExpiryPolicy(new Duration(TimeUnit.MINUTES, 1)));
    cache.put("a", "1");
    cache.put("b", "2");
    cache.put("c", "3");
    cache.remove("c");
    assertThat(cache.size()).isEqualTo(2);

    ticker.advance(1, TimeUnit.MINUTES);
    assertThat(cache.size()).as("expired, not yet removed").isEqualTo(2);
    walk();
    assertThat(cache.size()).isZero();

    cache.close();
    assertThatThrownBy(cache::size).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aReadOfAnExpiredEntryMissesAndFiresExpiredOnce() {
    KamaCache<String, String> cache = cache(new CreatedExpiryPolicy(new Duration(TimeUnit.SECONDS, 10)));
    cache.put("a", "1");
    ticker.advance(10, TimeUnit.SECONDS);
    assertThat(cache.get("a")).isNull();
    assertThat(walk()).isZero();
    assertThat(expired).containsExactly("a=1");
    assertThat(statistics(cache).getCacheMisses()).isEqualTo(1);
  }

  @Test
  void anAccessExtendsAnAccessedExpiryPolicy() {
    KamaCache<String, String> cache = cache(new AccessedExpiryPolicy(new Duration(TimeUnit.SECONDS, 10)));
    cache.put("a", "1");
    for (int i = 0; i < 5; i++) {
      ticker.advance(9, TimeUnit.SECONDS);
      assertThat(cache.get("a")).isEqualTo("1");
    }
    ticker.advance(10, TimeUnit.SECONDS);
    walk();
    assertThat(expired).containsExactly("a=1");
  }

  @Test
  void aZeroCreationDurationStoresNothing() {
    KamaCache<String, String> cache = cache(new CreatedExpiryPolicy(Duration.ZERO));
    cache.put("a", "1");
    assertThat(cache.containsKey("a")).isFalse();
    assertThat(statistics(cache).getCachePuts()).isZero();
    assertThat(expired).isEmpty();
  }

  @Test
  void expirationsCountWhatTheWalkerAndReadsRemoveAndNeitherEvictionsNorRemovals() {
    KamaCache<String, String> cache = cache(new CreatedExpiryPolicy(new Duration(TimeUnit.SECONDS, 10)));
    cache.put("a", "1");
    cache.put("b", "2");
    cache.put("c", "3");
    cache.remove("c");
    ticker.advance(10, TimeUnit.SECONDS);
    assertThat(cache.get("a")).isNull();
    assertThat(cache.statistics().getCacheExpirations()).as("by the read").isEqualTo(1);
    assertThat(walk()).isEqualTo(1);
    assertThat(cache.statistics().getCacheExpirations()).as("and by the walker").isEqualTo(2);
    assertThat(cache.statistics().getCacheEvictions()).isZero();
    assertThat(cache.statistics().getCacheRemovals()).as("only the remove").isEqualTo(1);

    cache.statistics().clear();
    assertThat(cache.statistics().getCacheExpirations()).isZero();
  }
}
