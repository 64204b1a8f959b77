package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCache;
import io.kamacache.testsupport.EtcdExtension;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A concurrent miss on one key through three members loads once, on the key's owner. */
class OwnerLoadTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static Members members;
  private static List<CacheManager> managers;

  /** Counts loads, and holds each until the test lets it go. */
  public static final class GatedLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger LOADS = new AtomicInteger();
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Override public String load(String key) {
      LOADS.incrementAndGet();
      try {
        RELEASE.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "loaded " + key;
    }

    @Override public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }

  @BeforeAll
  static void start() {
    members = new Members(etcd.endpoint());
    managers = members.openAll("o1", "o2", "o3");
  }

  @AfterAll
  static void stop() {
    members.close();
  }

  @Test
  void concurrentMissesThroughEveryMemberLoadOnceOnTheOwner() throws Exception {
    managers.get(0).createCache("loaded", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setReadThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(GatedLoader.class)));
    List<Cache<String, String>> caches = new ArrayList<>();
    for (CacheManager manager : managers) {
      caches.add(Members.awaitCache(manager, "loaded"));
    }
    ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Cache<String, String> cache = caches.get(i % 3);
      Thread caller = new Thread(() -> results.add(cache.get("hot")));
      callers.add(caller);
      caller.start();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (GatedLoader.LOADS.get() == 0 || !callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.onSpinWait();
    }
    GatedLoader.RELEASE.countDown();
    for (Thread caller : callers) {
      caller.join();
    }
    assertThat(GatedLoader.LOADS).hasValue(1);
    assertThat(results).hasSize(12).containsOnly("loaded hot");

    String owner = Members.node(managers.get(0)).ring()
        .owner(Members.node(managers.get(0)).codec().encode("hot")).id();
    for (int i = 0; i < 3; i++) {
      long held = caches.get(i).unwrap(KamaCache.class).localSize();
      boolean isOwner = Members.node(managers.get(i)).memberId().equals(owner);
      assertThat(held).as("entries held by %s (owner %s)", Members.node(managers.get(i)).memberId(), owner)
          .isEqualTo(isOwner ? 1 : 0);
    }
  }
}
