package io.kamacache.integration.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.grid.jcache.Bucket4jJCache;
import io.github.bucket4j.grid.jcache.CompatibilityTest;
import io.github.bucket4j.grid.jcache.JCacheProxyManager;
import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.KamaCacheManager;
import io.kamacache.testsupport.EtcdExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bucket4j's JCache proxy on two members of a real cluster, with the default allow-list: buckets
 * shared by both members give out exactly their capacity, however the consumers interleave, so no
 * write of the entry processors that keep them is lost.
 */
class Bucket4jOnAClusterTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  /** Tokens per bucket, none refilled during the test: every success spends one for good. */
  private static final long CAPACITY = 60;

  /** Several buckets, so that each member owns some and calls the other for the rest. */
  private static final int BUCKETS = 6;

  /** Tokens each member takes from every bucket before the race. */
  private static final long FIRST_TAKE = 5;

  /** Consuming threads per member. */
  private static final int THREADS = 3;

  @TempDir
  Path dir;

  private final List<CacheManager> members = new ArrayList<>();

  @BeforeEach
  void startTwoMembers() throws Exception {
    ClusterSettings settings = new ClusterSettings(etcd.endpoint(), dir);
    for (String id : List.of("m1", "m2")) {
      members.add(Caching.getCachingProvider().getCacheManager(settings.write(id), getClass().getClassLoader()));
    }
    ClusterSettings.awaitRingSize(members, 2);
  }

  @AfterEach
  void stopMembers() {
    members.forEach(CacheManager::close);
  }

  private static <V> Cache<String, V> cache(CacheManager member, String name) {
    Cache<String, V> cache = member.getCache(name);
    return cache != null ? cache : member.createCache(name, new MutableConfiguration<String, V>());
  }

  @Test
  void bucketsSharedByTwoMembersGiveOutExactlyTheirCapacity() throws Exception {
    BucketConfiguration configuration = BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(CAPACITY).refillIntervally(CAPACITY, Duration.ofDays(1)))
        .build();
    List<JCacheProxyManager<String>> proxies = new ArrayList<>();
    for (CacheManager member : members) {
      proxies.add(Bucket4jJCache.entryProcessorBasedBuilder(Bucket4jOnAClusterTest.<byte[]>cache(member, "rate-limits")).build());
    }
    long[] total = new long[BUCKETS];
    // First each member in turn takes a few tokens of every bucket, so both have written to each
    // bucket before the race; then all threads of both members drain them at once.
    for (JCacheProxyManager<String> proxy : proxies) {
      for (int b = 0; b < BUCKETS; b++) {
        assertThat(proxy.builder().build("bucket-" + b, () -> configuration).tryConsume(FIRST_TAKE)).isTrue();
        total[b] += FIRST_TAKE;
      }
    }
    List<Callable<long[]>> consumers = new ArrayList<>();
    for (JCacheProxyManager<String> proxy : proxies) {
      for (int t = 0; t < THREADS; t++) {
        consumers.add(() -> {
          long[] granted = new long[BUCKETS];
          for (int b = 0; b < BUCKETS; b++) {
            Bucket bucket = proxy.builder().build("bucket-" + b, () -> configuration);
            while (bucket.tryConsume(1)) {
              granted[b]++;
            }
          }
          return granted;
        });
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(consumers.size());
    try {
      for (Future<long[]> result : pool.invokeAll(consumers)) {
        long[] granted = result.get();
        for (int b = 0; b < BUCKETS; b++) {
          total[b] += granted[b];
        }
      }
    } finally {
      pool.shutdownNow();
    }
    for (int b = 0; b < BUCKETS; b++) {
      assertThat(total[b]).as("tokens granted by bucket-%d across both members", b).isEqualTo(CAPACITY);
    }
    assertOwnedByBoth(members.get(0), BUCKETS);
  }

  /** The buckets' keys are spread over both members, so remote entry processors were exercised. */
  private static void assertOwnedByBoth(CacheManager member, int buckets) {
    KamaCacheManager kama = member.unwrap(KamaCacheManager.class);
    WireCodec keys = new WireCodec(List.of()); // the ring places a key by its wire bytes
    List<String> owners = new ArrayList<>();
    for (int b = 0; b < buckets; b++) {
      owners.add(kama.node().ring().owner(keys.encode("bucket-" + b)).id());
    }
    assertThat(owners).as("owners of the buckets").contains("m1", "m2");
  }

  @Test
  void bucket4jsOwnCompatibilityCheckPassesThroughEitherMember() throws Exception {
    // It sends a serializable lambda captured in CompatibilityTest, 4 threads by 1000 increments,
    // and fails if any increment is lost; from one member of the two the key is remote.
    // A refused increment kills its thread and leaves the check waiting for it forever: bound it.
    for (CacheManager member : members) {
      CompatibilityTest check = new CompatibilityTest(Bucket4jOnAClusterTest.<Integer>cache(member, "compatibility"));
      assertTimeoutPreemptively(Duration.ofMinutes(2), check::test, "Bucket4j's check did not finish: an increment failed");
    }
  }
}
