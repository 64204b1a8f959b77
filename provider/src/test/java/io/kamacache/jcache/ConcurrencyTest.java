package io.kamacache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

  private final CacheManager manager =
      Caching.getCachingProvider().getCacheManager(URI.create("concurrency-test"), getClass().getClassLoader());

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /** Counts loads and holds each one until released. */
  static final class GatedLoader implements CacheLoader<String, String> {
    final AtomicInteger loads = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    @Override public String load(String key) {
      loads.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "loaded-" + key;
    }

    @Override public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void concurrentReadThroughMissesOnOneKeyLoadOnce() throws Exception {
    GatedLoader loader = new GatedLoader();
    Cache<String, String> cache = manager.createCache("read-through", new MutableConfiguration<String, String>()
        .setReadThrough(true)
        .setCacheLoaderFactory(() -> loader));
    ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Thread reader = new Thread(() -> results.add(cache.get("k")));
      readers.add(reader);
      reader.start();
    }
    // Every reader parked: one inside the loader, the others waiting on its flight.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!readers.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.onSpinWait();
    }
    loader.release.countDown();
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(loader.loads).hasValue(1);
    assertThat(results).hasSize(16).containsOnly("loaded-k");
    assertThat(cache.get("k")).isEqualTo("loaded-k");
    assertThat(loader.loads).hasValue(1);
  }

  @Test
  void invokeIsAtomicPerKeyUnderContention() throws Exception {
    Cache<String, Integer> cache = manager.createCache("counters", new MutableConfiguration<String, Integer>());
    int threads = 8;
    int increments = 5_000;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        for (int i = 0; i < increments; i++) {
          cache.invoke("counter", (entry, args) -> {
            entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
            return null;
          });
          cache.putIfAbsent("once-" + (i % 10), i);
        }
      });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(cache.get("counter")).isEqualTo(threads * increments);
  }

  @Test
  void replaceIsACompareAndSetUnderContention() throws Exception {
    Cache<String, Integer> cache = manager.createCache("cas", new MutableConfiguration<String, Integer>());
    cache.put("n", 0);
    AtomicInteger successes = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread worker = new Thread(() -> {
        for (int i = 0; i < 2_000; i++) {
          Integer seen = cache.get("n");
          if (cache.replace("n", seen, seen + 1)) {
            successes.incrementAndGet();
          }
        }
      });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(cache.get("n")).isEqualTo(successes.get());
  }

  /** Holds each write of the key "slow" until released; writes every other key at once. */
  static final class SlowWriter implements CacheWriter<String, String> {
    final CountDownLatch writing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override public void write(Cache.Entry<? extends String, ? extends String> entry) {
      if (entry.getKey().equals("slow")) {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      entries.forEach(this::write);
      entries.clear();
    }

    @Override public void delete(Object key) { }

    @Override public void deleteAll(Collection<?> keys) {
      keys.clear();
    }
  }

  @Test
  void aSlowWriterHoldsUpNoReadOfAnotherKey() throws Exception {
    SlowWriter writer = new SlowWriter();
    // An access-expiry policy makes every read take its entry's lock, as a read near expiry does.
    Cache<String, String> cache = manager.createCache("slow-writer", new MutableConfiguration<String, String>()
        .setWriteThrough(true)
        .setCacheWriterFactory(() -> writer)
        .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(Duration.ONE_HOUR)));
    int keys = 500; // far more than the store's buckets, so some share the slow key's
    for (int i = 0; i < keys; i++) {
      cache.put("k" + i, "v" + i);
    }
    Thread slowPut = new Thread(() -> cache.put("slow", "s"));
    slowPut.start();
    try {
      assertThat(writer.writing.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Integer> reads = CompletableFuture.supplyAsync(() -> {
        int found = 0;
        for (int i = 0; i < keys; i++) {
          found += ("v" + i).equals(cache.get("k" + i)) ? 1 : 0;
        }
        return found;
      });
      assertThat(reads.get(10, TimeUnit.SECONDS)).isEqualTo(keys);
      assertThat(cache.get("slow")).as("not written yet").isNull();
    } finally {
      writer.release.countDown();
      slowPut.join();
    }
    assertThat(cache.get("slow")).isEqualTo("s");
  }
}
