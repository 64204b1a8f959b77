package io.kamacache.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.TempDirs;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.cache.jcache.JCacheManagerFactoryBean;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring's cache abstraction on a clustered cache: three members in this JVM, each with its own
 * Spring context, cache manager and {@code @Cacheable(sync = true)} service, sharing one real etcd.
 * Spring's value loader and put-if-absent processors are not Serializable, so on a key another
 * member owns they run here under a lock held at the owner.
 */
class ClusteredSpringSyncTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static final List<String> MEMBERS = List.of("m1", "m2", "m3");
  /** How often the method ran per key, across all three members: the test's shared ledger. */
  private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

  /** A lookup that counts its calls per key in the shared ledger. */
  public static class Lookup {
    private final String member;

    public Lookup(String member) {
      this.member = member;
    }

    @Cacheable(cacheNames = "lookups", sync = true)
    public String find(String key) {
      int call = CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      return key + " found by " + member + " (call " + call + ")";
    }
  }

  @Configuration
  @EnableCaching
  static class MemberConfig {
    @Bean
    JCacheManagerFactoryBean jcacheManager(URI memberSettings) {
      JCacheManagerFactoryBean factory = new JCacheManagerFactoryBean();
      factory.setCacheManagerUri(memberSettings);
      return factory;
    }

    @Bean
    CacheManager cacheManager(javax.cache.CacheManager jcache) {
      return new JCacheCacheManager(jcache);
    }

    @Bean
    Lookup lookup(javax.cache.CacheManager jcache) {
      return new Lookup(jcache.unwrap(KamaCacheManager.class).node().memberId());
    }
  }

  private Path dir;
  private final List<AnnotationConfigApplicationContext> contexts = new ArrayList<>();

  @BeforeEach
  void startThreeMembers() throws Exception {
    CALLS.clear();
    dir = Files.createTempDirectory("kamacache-spring-cluster");
    String cluster = "spring-" + UUID.randomUUID().toString().substring(0, 8);
    List<javax.cache.CacheManager> managers = new ArrayList<>();
    for (String member : MEMBERS) {
      URI settings = settings(cluster, member);
      // The manager Spring's factory bean will be handed for the same URI: the caches exist before
      // any context starts, and every member sees every other before the test begins.
      managers.add(Caching.getCachingProvider().getCacheManager(settings, getClass().getClassLoader()));
      AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
      context.registerBean("memberSettings", URI.class, () -> settings);
      context.register(MemberConfig.class);
      contexts.add(context);
    }
    awaitEveryRingHasEveryMember(managers);
    managers.get(0).createCache("lookups", new MutableConfiguration<>());
    managers.get(0).createCache("direct", new MutableConfiguration<>());
    for (javax.cache.CacheManager manager : managers) {
      awaitCache(manager, "lookups");
      awaitCache(manager, "direct");
    }
    for (AnnotationConfigApplicationContext context : contexts) {
      context.refresh();
    }
  }

  @AfterEach
  void stop() {
    for (AnnotationConfigApplicationContext context : contexts) {
      context.close(); // closes its cache manager, so the member leaves
    }
    TempDirs.delete(dir);
  }

  private URI settings(String cluster, String member) throws IOException {
    Properties properties = new Properties();
    properties.setProperty(ClusterConfig.ENDPOINTS, etcd.endpoint());
    properties.setProperty(ClusterConfig.CLUSTER, cluster);
    properties.setProperty(ClusterConfig.MEMBER_ID, member);
    properties.setProperty(ClusterConfig.BIND_HOST, "127.0.0.1");
    properties.setProperty(ClusterConfig.LEASE_TTL, "2");
    properties.setProperty(ClusterConfig.TIMEOUT, "10000");
    Path file = dir.resolve(member + ".properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      properties.store(writer, "member " + member);
    }
    return file.toUri();
  }

  private static ClusterNode node(javax.cache.CacheManager manager) {
    return manager.unwrap(KamaCacheManager.class).node();
  }

  private static void awaitEveryRingHasEveryMember(List<javax.cache.CacheManager> managers) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!managers.stream().allMatch(m -> node(m).ring().members().size() == MEMBERS.size())) {
      assertThat(System.nanoTime()).as("the members did not all see each other in 30 s").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static void awaitCache(javax.cache.CacheManager manager, String name) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (manager.getCache(name) == null) {
      assertThat(System.nanoTime()).as("cache %s did not reach %s", name, node(manager).memberId()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private String ownerOf(String key) {
    ClusterNode node = node(contexts.get(0).getBean(javax.cache.CacheManager.class));
    return node.ring().owner(new WireCodec(List.of()).encode(key)).id();
  }

  @Test
  void syncRunsTheMethodOncePerMissingKeyAcrossManyThreadsOnEveryMember() throws Exception {
    int threadsPerMember = 6;
    int keysPerRound = 12;
    for (int round = 0; round < 3; round++) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < keysPerRound; i++) {
        keys.add("round" + round + "-key" + i);
      }
      // Every thread starts at once, each through the keys in its own order: the same missing
      // key is asked for by many threads on all three members at the same moment.
      CyclicBarrier start = new CyclicBarrier(threadsPerMember * contexts.size());
      Map<String, Set<String>> answers = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (AnnotationConfigApplicationContext context : contexts) {
        Lookup lookup = context.getBean(Lookup.class);
        for (int t = 0; t < threadsPerMember; t++) {
          List<String> order = new ArrayList<>(keys);
          Collections.shuffle(order, new Random(round * 100L + threads.size()));
          Thread thread = new Thread(() -> {
            try {
              start.await(30, TimeUnit.SECONDS);
              for (String key : order) {
                answers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(lookup.find(key));
              }
            } catch (Throwable e) {
              failures.add(e);
            }
          });
          threads.add(thread);
          thread.start();
        }
      }
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(thread.isAlive()).isFalse();
      }
      assertThat(failures).isEmpty();
      for (String key : keys) {
        assertThat(CALLS.get(key)).as("calls for %s", key).hasValue(1);
        // Every caller on every member got the one value the one call returned.
        assertThat(answers.get(key)).as("answers for %s", key).hasSize(1);
        assertThat(answers.get(key).iterator().next()).startsWith(key + " found by ").endsWith("(call 1)");
      }
    }
  }

  @Test
  void getWithAValueLoaderAndPutIfAbsentWorkOnLocalAndRemoteKeys() {
    Set<String> localOrRemote = new HashSet<>();
    for (int m = 0; m < contexts.size(); m++) {
      Cache cache = contexts.get(m).getBean(CacheManager.class).getCache("direct");
      Cache other = contexts.get((m + 1) % contexts.size()).getBean(CacheManager.class).getCache("direct");
      for (int i = 0; i < 6; i++) {
        String key = MEMBERS.get(m) + "-key" + i;
        localOrRemote.add(ownerOf(key).equals(MEMBERS.get(m)) ? "local" : "remote");
        AtomicInteger loads = new AtomicInteger();
        assertThat(cache.get(key, () -> "loaded " + key + " #" + loads.incrementAndGet())).isEqualTo("loaded " + key + " #1");
        assertThat(cache.get(key, () -> "loaded again #" + loads.incrementAndGet())).isEqualTo("loaded " + key + " #1");
        assertThat(other.get(key, () -> "loaded elsewhere #" + loads.incrementAndGet())).isEqualTo("loaded " + key + " #1");
        assertThat(loads).hasValue(1);

        String absent = key + "-put";
        assertThat(cache.putIfAbsent(absent, "first")).isNull();
        Cache.ValueWrapper existing = cache.putIfAbsent(absent, "second");
        assertThat(existing).isNotNull();
        assertThat(existing.get()).isEqualTo("first");
        assertThat(other.get(absent).get()).isEqualTo("first");

        // A loader that fails reaches the caller as Spring's ValueRetrievalException and stores nothing.
        String failing = key + "-failing";
        assertThatThrownBy(() -> cache.get(failing, () -> {
          throw new IllegalStateException("the database is down");
        })).isInstanceOf(Cache.ValueRetrievalException.class).hasRootCauseMessage("the database is down");
        assertThat(other.get(failing)).isNull();
      }
    }
    assertThat(localOrRemote).containsExactlyInAnyOrder("local", "remote");
  }
}
