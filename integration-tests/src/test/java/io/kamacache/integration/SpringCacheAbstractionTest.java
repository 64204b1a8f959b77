package io.kamacache.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.cache.jcache.JCacheManagerFactoryBean;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring's cache abstraction on KamaCache: a JCacheCacheManager over the manager Spring's own
 * factory bean obtains (a null URI and null properties, as Spring passes them).
 */
class SpringCacheAbstractionTest {

  /** A slow lookup that counts its calls and, when asked to, waits until the test lets it go. */
  public static class Profiles {
    private final AtomicInteger calls = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    // Accessors rather than fields: the test holds Spring's proxy, whose fields are not the bean's.
    public int calls() {
      return calls.get();
    }

    public void holdCallsUntil(CountDownLatch gate) {
      this.gate = gate;
    }

    @Cacheable(cacheNames = "profiles", sync = true)
    public String profile(String user) {
      calls.incrementAndGet();
      try {
        gate.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "profile of " + user + " #" + calls.get();
    }

    @Cacheable("prices")
    public Integer price(String item) {
      calls.incrementAndGet();
      return item.length() * 100;
    }

    @CacheEvict("prices")
    public void changePrice(String item) {
      // the caller changed the price in the database
    }
  }

  @Configuration
  @EnableCaching
  static class Config {
    @Bean
    JCacheManagerFactoryBean jcacheManager() {
      return new JCacheManagerFactoryBean();
    }

    @Bean
    CacheManager cacheManager(javax.cache.CacheManager jcache) {
      jcache.createCache("profiles", new MutableConfiguration<>());
      jcache.createCache("prices", new MutableConfiguration<>());
      return new JCacheCacheManager(jcache);
    }

    @Bean
    Profiles profiles() {
      return new Profiles();
    }
  }

  private AnnotationConfigApplicationContext context;
  private Profiles profiles;

  @BeforeEach
  void start() {
    context = new AnnotationConfigApplicationContext(Config.class);
    profiles = context.getBean(Profiles.class);
  }

  @AfterEach
  void stop() {
    context.close();
  }

  @Test
  void eightConcurrentCallersOfASyncCacheableMethodCauseExactlyOneLoad() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    profiles.holdCallsUntil(gate);
    ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread caller = new Thread(() -> results.add(profiles.profile("alice")));
      callers.add(caller);
      caller.start();
    }
    // All eight parked: one inside the method, seven waiting for it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (profiles.calls() == 0 || !callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
      assertThat(System.nanoTime()).as("callers parked in time").isLessThan(deadline);
      Thread.onSpinWait();
    }
    gate.countDown();
    for (Thread caller : callers) {
      caller.join();
    }
    assertThat(profiles.calls()).isEqualTo(1);
    assertThat(results).hasSize(8).containsOnly("profile of alice #1");
    assertThat(profiles.profile("alice")).isEqualTo("profile of alice #1");
  }

  @Test
  void cacheableAndCacheEvictRoundTrip() {
    assertThat(profiles.price("apple")).isEqualTo(500);
    assertThat(profiles.price("apple")).isEqualTo(500);
    assertThat(profiles.calls()).isEqualTo(1);
    profiles.changePrice("apple");
    assertThat(profiles.price("apple")).isEqualTo(500);
    assertThat(profiles.calls()).isEqualTo(2);
    Cache<Object, Object> prices = context.getBean(javax.cache.CacheManager.class).getCache("prices");
    assertThat(prices.get("apple")).isEqualTo(500);
  }
}
