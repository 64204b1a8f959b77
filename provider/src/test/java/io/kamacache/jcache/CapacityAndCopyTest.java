package io.kamacache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CapacityAndCopyTest {

  private final CacheManager manager =
      Caching.getCachingProvider().getCacheManager(URI.create("capacity-test"), getClass().getClassLoader());

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private static int count(Cache<?, ?> cache) {
    AtomicInteger count = new AtomicInteger();
    cache.forEach(entry -> count.incrementAndGet());
    return count.get();
  }

  @Test
  void aPlainMutableConfigurationKeepsEveryEntry() {
    Cache<Integer, Integer> cache = manager.createCache("plain", new MutableConfiguration<>());
    for (int i = 0; i < 65_536; i++) {
      cache.put(i, i);
    }
    assertThat(count(cache)).isEqualTo(65_536);
    assertThat(cache.unwrap(KamaCache.class).statistics().getCacheEvictions()).isZero();
  }

  @Test
  void aCapacityBoundsTheCacheExactlyAndCountsEvictions() {
    KamaConfiguration<Integer, Integer> configuration = new KamaConfiguration<Integer, Integer>().setCapacity(1_000);
    configuration.setStatisticsEnabled(true);
    Cache<Integer, Integer> cache = manager.createCache("bounded", configuration);
    for (int i = 0; i < 10_000; i++) {
      cache.put(i, i);
    }
    assertThat(count(cache)).isEqualTo(1_000);
    assertThat(cache.unwrap(KamaCache.class).statistics().getCacheEvictions()).isEqualTo(9_000);
    assertThat(cache.getConfiguration(KamaConfiguration.class).getCapacity()).isEqualTo(1_000);
  }

  /** A mutable, Serializable value. */
  static final class Basket implements Serializable {
    private static final long serialVersionUID = 1L;
    final List<String> items = new ArrayList<>();
  }

  @Test
  void storeByValueIsolatesTheCacheFromLaterMutation() {
    Cache<String, Basket> cache = manager.createCache("by-value", new MutableConfiguration<>());
    Basket basket = new Basket();
    basket.items.add("apple");
    cache.put("b", basket);
    basket.items.add("changed after put");
    Basket read = cache.get("b");
    assertThat(read.items).containsExactly("apple");
    read.items.add("changed after get");
    assertThat(cache.get("b").items).containsExactly("apple");
    assertThat(cache.get("b")).isNotSameAs(cache.get("b"));
  }

  @Test
  void storeByValueSharesImmutableValuesWithoutCopying() {
    Cache<String, String> cache = manager.createCache("immutable", new MutableConfiguration<>());
    String value = new String("immutable");
    cache.put("k", value);
    assertThat(cache.get("k")).isSameAs(value);
  }
}
