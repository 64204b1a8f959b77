package io.kamacache.examples;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.cache.spi.CachingProvider;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The embedded default in three scenes, through the standard javax.cache API only: read-through
 * with singleflight, expiry with EXPIRED events that need no read, and statistics over JMX.
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws Exception {
    CachingProvider provider = Caching.getCachingProvider();
    System.out.println("provider: " + provider.getClass().getName());
    try (CacheManager manager = provider.getCacheManager()) {
      readThroughWithSingleflight(manager);
      expiryWithoutReads(manager);
      statistics(manager);
    }
  }

  /** A slow loader that counts its calls. */
  static final class SlowLoader implements CacheLoader<String, String> {
    final AtomicInteger loads = new AtomicInteger();

    @Override public String load(String key) {
      loads.incrementAndGet();
      try {
        Thread.sleep(300); // a slow database
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "profile of " + key;
    }

    @Override public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException("the demo loads one key at a time");
    }
  }

  private static void readThroughWithSingleflight(CacheManager manager) throws Exception {
    SlowLoader loader = new SlowLoader();
    Cache<String, String> users = manager.createCache("users", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setReadThrough(true)
        .setCacheLoaderFactory(() -> loader)
        .setStatisticsEnabled(true));
    int callers = 32;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      results.add(pool.submit(() -> {
        start.await();
        return users.get("alice");
      }));
    }
    start.countDown();
    for (Future<String> result : results) {
      result.get();
    }
    pool.shutdown();
    System.out.printf("%n[read-through] %d concurrent misses on one key -> %d load(s); every caller got \"%s\"%n",
        callers, loader.loads.get(), users.get("alice"));
  }

  private static void expiryWithoutReads(CacheManager manager) throws InterruptedException {
    List<String> expired = new CopyOnWriteArrayList<>();
    CountDownLatch allExpired = new CountDownLatch(3);
    CacheEntryExpiredListener<String, String> listener = events -> events.forEach(event -> {
      expired.add(event.getKey() + "=" + event.getOldValue());
      allExpired.countDown();
    });
    Factory<CacheEntryListener<? super String, ? super String>> factory = () -> listener;
    Cache<String, String> sessions = manager.createCache("sessions", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 500)))
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(factory, null, true, false)));
    long begin = System.nanoTime();
    sessions.put("s1", "alice");
    sessions.put("s2", "bob");
    sessions.put("s3", "carol");
    boolean done = allExpired.await(10, TimeUnit.SECONDS);
    System.out.printf("[expiry] 3 sessions with a 500 ms TTL; nobody read them; the TTL walker fired EXPIRED for %s after %d ms%s%n",
        expired, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), done ? "" : " (not all in time!)");
  }

  private static void statistics(CacheManager manager) throws Exception {
    Cache<String, String> users = manager.getCache("users", String.class, String.class);
    users.get("alice");
    users.get("bob"); // a miss, then a load
    users.put("carol", "profile of carol");
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
        + manager.getURI().toString().replaceAll("[,:=\n]", ".") + ",Cache=users");
    System.out.printf("[statistics] over JMX %s:%n  gets=%s hits=%s misses=%s puts=%s hit%%=%.1f%n",
        name, server.getAttribute(name, "CacheGets"), server.getAttribute(name, "CacheHits"),
        server.getAttribute(name, "CacheMisses"), server.getAttribute(name, "CachePuts"),
        (Float) server.getAttribute(name, "CacheHitPercentage"));
  }
}
