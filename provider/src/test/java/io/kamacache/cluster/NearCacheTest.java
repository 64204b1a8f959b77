package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.testsupport.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Near copies of remote entries: how often they serve a read, and that they are never too old. */
class NearCacheTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;
  private List<CacheManager> managers;

  @BeforeEach
  void start() {
    members = new Members(etcd.endpoint());
    managers = new ArrayList<>(members.openAll("n1", "n2", "n3"));
  }

  @AfterEach
  void stop() {
    members.close();
  }

  private static KamaConfiguration<Integer, Integer> nearConfiguration() {
    KamaConfiguration<Integer, Integer> configuration = new KamaConfiguration<Integer, Integer>().setNearCache(10_000);
    configuration.setTypes(Integer.class, Integer.class);
    return configuration;
  }

  private Cache<Integer, Integer> on(int member, String name) {
    return Members.awaitCache(managers.get(member), name);
  }

  /** How many near copies a member keeps of a cache, as its ClusterMXBean reports. */
  private long nearEntries(int member, String name) {
    return Members.node(managers.get(member)).mxbean().getNearCacheEntries().getOrDefault(name, 0L);
  }

  /** A member's counters; each test has one near cache per member, so its near hits are that cache's. */
  private ClusterMXBean metricsOf(int member) {
    return Members.node(managers.get(member)).mxbean();
  }

  /** Keys that member n1 does not own, so its reads of them go to another member. */
  private List<Integer> remoteKeys(int count) {
    WireCodec codec = new WireCodec(List.of());
    HashRing ring = Members.node(managers.get(0)).ring();
    List<Integer> keys = new ArrayList<>();
    for (int key = 0; keys.size() < count; key++) {
      if (!ring.owner(codec.encode(key)).id().equals("n1")) {
        keys.add(key);
      }
    }
    return keys;
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void repeatedReadsOfRemoteKeysAreServedFromNearCopies() {
    Cache<Integer, Integer> cache = managers.get(0).createCache("hot", nearConfiguration());
    List<Integer> keys = remoteKeys(200);
    for (int key : keys) {
      cache.put(key, key * 10);
    }
    for (int round = 0; round < 10; round++) {
      for (int key : keys) {
        assertThat(cache.get(key)).isEqualTo(key * 10);
      }
    }
    ClusterMXBean near = metricsOf(0);
    double ratio = (double) near.getNearCacheHits() / (near.getNearCacheHits() + near.getNearCacheMisses());
    System.out.printf("near cache: %d hits, %d misses, hit ratio %.3f over 10 reads of each of 200 remote keys%n",
        near.getNearCacheHits(), near.getNearCacheMisses(), ratio);
    // The first read of each key goes to its owner (the put dropped any copy); the other nine are near.
    assertThat(ratio).isGreaterThanOrEqualTo(0.85);
    KamaConfiguration<?, ?> reported = (KamaConfiguration<?, ?>) cache.getConfiguration(KamaConfiguration.class);
    assertThat(reported.getNearCacheCapacity()).isEqualTo(10_000);
  }

  @Test
  void aCallerNeverReadsOlderThanItsOwnLastAcknowledgedWrite() throws Exception {
    Cache<Integer, Integer> viaFirst = managers.get(0).createCache("fresh", nearConfiguration());
    int key = remoteKeys(1).get(0);
    viaFirst.put(key, 0);
    AtomicBoolean stop = new AtomicBoolean();
    // Reads racing the writes: each may leave before a write and answer after it.
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        viaFirst.get(key);
      }
    });
    reader.start();
    long stale = 0;
    String firstStale = null;
    try {
      for (int value = 1; value <= 2_000; value++) {
        viaFirst.put(key, value);
        Integer read = viaFirst.get(key);
        if (read == null || read != value) {
          stale++;
          firstStale = firstStale == null ? "wrote " + value + ", read " + read : firstStale;
        }
      }
    } finally {
      stop.set(true);
      reader.join();
    }
    System.out.printf("near cache staleness: %d stale reads of 2000 read-after-write, %d near hits%n",
        stale, metricsOf(0).getNearCacheHits());
    assertThat(stale).as("first: %s", firstStale).isZero();
    assertThat(metricsOf(0).getNearCacheHits()).as("the copies were used at all").isPositive();
  }

  @Test
  void aWriteThroughAnotherMemberDropsTheCopy() {
    Cache<Integer, Integer> viaFirst = managers.get(0).createCache("shared", nearConfiguration());
    Cache<Integer, Integer> viaThird = on(2, "shared");
    int key = remoteKeys(1).get(0);
    viaFirst.put(key, 1);
    assertThat(viaFirst.get(key)).isEqualTo(1L);
    assertThat(viaFirst.get(key)).isEqualTo(1L);
    assertThat(nearEntries(0, "shared")).as("a copy is kept").isEqualTo(1L);

    viaThird.put(key, 2);
    // The owner's invalidation is asynchronous; without it the copy would live its whole maximum age.
    await("the owner invalidated the copy", () -> nearEntries(0, "shared") == 0);
    assertThat(viaFirst.get(key)).isEqualTo(2);
  }

  @Test
  void clearThroughAnyMemberDropsEveryCopyBeforeItReturns() {
    Cache<Integer, Integer> viaFirst = managers.get(0).createCache("cleared", nearConfiguration());
    List<Integer> keys = remoteKeys(20);
    for (int key : keys) {
      viaFirst.put(key, key);
      viaFirst.get(key);
    }
    assertThat(nearEntries(0, "cleared")).isEqualTo(20L);
    on(1, "cleared").clear();
    for (int key : keys) {
      assertThat(viaFirst.get(key)).isNull();
    }
  }

  @Test
  void aCopyEndsWhenTheOwnersEntryExpires() {
    KamaConfiguration<Integer, Integer> configuration = nearConfiguration();
    configuration.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 300)));
    Cache<Integer, Integer> viaFirst = managers.get(0).createCache("expiring", configuration);
    int key = remoteKeys(1).get(0);
    viaFirst.put(key, 7);
    assertThat(viaFirst.get(key)).isEqualTo(7);
    AtomicLong reads = new AtomicLong();
    // The copy carries the owner's remaining time, not the one-minute maximum age.
    await("the copy expired with the entry", () -> {
      reads.incrementAndGet();
      return viaFirst.get(key) == null;
    });
    assertThat(metricsOf(0).getNearCacheHits()).as("the copy served reads until then").isPositive();
  }

  @Test
  void aMembershipChangeDropsEveryCopy() {
    Cache<Integer, Integer> viaFirst = managers.get(0).createCache("moving", nearConfiguration());
    for (int key : remoteKeys(20)) {
      viaFirst.put(key, key);
      viaFirst.get(key);
    }
    assertThat(nearEntries(0, "moving")).isEqualTo(20L);
    managers.add(members.open("n4"));
    Members.awaitRingSize(managers, 4);
    await("the copies were dropped", () -> nearEntries(0, "moving") == 0);
  }
}
