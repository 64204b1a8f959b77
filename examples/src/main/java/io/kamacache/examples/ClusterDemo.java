package io.kamacache.examples;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * The same javax.cache code as {@link Demo}, against a cluster: the only difference is the
 * CacheManager URI, which names a settings file with the etcd endpoints. Run by
 * scripts/cluster-demo.sh against three members.
 */
public final class ClusterDemo {

  private ClusterDemo() {}

  /** Runs on whichever member owns the key being loaded. */
  public static final class ProfileLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override public String load(String key) {
      return "profile of " + key + " (loaded on " + System.getProperty("kamacache.demo.member", "?") + ")";
    }

    @Override public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new HashMap<>();
      keys.forEach(key -> loaded.put(key, load(key)));
      return loaded;
    }
  }

  /** Counts visits atomically on the key's owner. */
  public static final class Visit implements EntryProcessor<String, Integer, Integer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override public Integer process(MutableEntry<String, Integer> entry, Object... arguments) {
      int next = entry.exists() ? entry.getValue() + 1 : 1;
      entry.setValue(next);
      return next;
    }
  }

  public static void main(String[] args) throws Exception {
    URI settings = Path.of(args[0]).toAbsolutePath().toUri();
    try (CacheManager manager = Caching.getCachingProvider().getCacheManager(settings, ClusterDemo.class.getClassLoader())) {
      Cache<String, String> users = existing(manager, "users", String.class, String.class,
          new MutableConfiguration<String, String>().setTypes(String.class, String.class)
              .setReadThrough(true).setCacheLoaderFactory(FactoryBuilder.factoryOf(ProfileLoader.class)));
      for (String user : new String[] {"alice", "bob", "carol", "dave"}) {
        System.out.println("[read-through] " + users.get(user));
      }

      Cache<String, Integer> visits = existing(manager, "visits", String.class, Integer.class,
          new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      AtomicInteger done = new AtomicInteger();
      Thread[] threads = new Thread[8];
      for (int t = 0; t < threads.length; t++) {
        threads[t] = new Thread(() -> {
          for (int i = 0; i < 250; i++) {
            visits.invoke("home", new Visit());
            done.incrementAndGet();
          }
        });
        threads[t].start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      System.out.printf("[invoke] %d concurrent increments through the cluster -> counter = %d%n", done.get(), visits.get("home"));

      Cache<Integer, String> latency = existing(manager, "latency", Integer.class, String.class,
          new MutableConfiguration<Integer, String>().setTypes(Integer.class, String.class));
      for (int i = 0; i < 1_000; i++) {
        latency.put(i, "value-" + i);
      }
      int warmup = 20_000;
      int measured = 20_000;
      long[] nanos = new long[measured];
      for (int i = 0; i < warmup + measured; i++) {
        long start = System.nanoTime();
        latency.get(i % 1_000);
        if (i >= warmup) {
          nanos[i - warmup] = System.nanoTime() - start;
        }
      }
      Arrays.sort(nanos);
      System.out.printf("[latency] %d remote gets from a client over loopback gRPC: p50 %d us, p99 %d us, p99.9 %d us%n",
          measured, TimeUnit.NANOSECONDS.toMicros(nanos[measured / 2]),
          TimeUnit.NANOSECONDS.toMicros(nanos[measured * 99 / 100]),
          TimeUnit.NANOSECONDS.toMicros(nanos[measured * 999 / 1000]));
    }
  }

  private static <K, V> Cache<K, V> existing(CacheManager manager, String name, Class<K> keys, Class<V> values,
      MutableConfiguration<K, V> configuration) {
    Cache<K, V> cache = manager.getCache(name, keys, values);
    return cache != null ? cache : manager.createCache(name, configuration);
  }
}
