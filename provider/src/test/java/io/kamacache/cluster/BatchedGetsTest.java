package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.WireCodec;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Gets that queue up behind one in flight to the same owner share a round trip, and stay exact. */
class BatchedGetsTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;
  private List<CacheManager> managers;

  @BeforeEach
  void start() {
    members = new Members(etcd.endpoint());
    managers = new ArrayList<>(members.openAll("b1", "b2", "b3"));
  }

  @AfterEach
  void stop() {
    members.close();
  }

  @Test
  void concurrentGetsShareRoundTripsAndEachGetsItsOwnAnswerAndCount() throws Exception {
    Cache<Integer, Integer> cache = managers.get(0).createCache("batched",
        new MutableConfiguration<Integer, Integer>().setTypes(Integer.class, Integer.class).setStatisticsEnabled(true));
    WireCodec codec = new WireCodec(List.of());
    HashRing ring = Members.node(managers.get(0)).ring();
    List<Integer> remote = new ArrayList<>();
    for (int key = 0; remote.size() < 200; key++) {
      if (!ring.owner(codec.encode(key)).id().equals("b1")) {
        remote.add(key);
        cache.put(key, key * 7);
      }
    }
    int threads = 16;
    int getsEach = 2_000;
    AtomicLong wrong = new AtomicLong();
    AtomicLong misses = new AtomicLong();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread caller = new Thread(() -> {
        for (int i = 0; i < getsEach; i++) {
          // Every other get is of a key nobody has, so hits and misses both travel in batches.
          boolean present = (i & 1) == 0;
          int key = present ? remote.get(ThreadLocalRandom.current().nextInt(remote.size())) : -1 - i;
          Integer value = cache.get(key);
          if (present ? value == null || value != key * 7 : value != null) {
            wrong.incrementAndGet();
          }
          if (!present) {
            misses.incrementAndGet();
          }
        }
      });
      callers.add(caller);
      caller.start();
    }
    for (Thread caller : callers) {
      caller.join();
    }
    long batched = managers.stream().mapToLong(m -> Members.node(m).batchedGets.sum()).sum();
    System.out.println("batched gets: " + batched + " of " + threads * getsEach + " answered in batches");
    assertThat(wrong).hasValue(0);
    assertThat(batched).as("gets that queued behind another went out together").isPositive();

    ObjectName statistics = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
        + managers.get(0).getURI().toString().replaceAll("[:=,\\n]", ".") + ",Cache=batched");
    long hits = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(statistics, "CacheHits");
    long missCount = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(statistics, "CacheMisses");
    // Only gets made through b1 count there, one each, whether they travelled alone or batched.
    assertThat(hits + missCount).isEqualTo((long) threads * getsEach);
    assertThat(missCount).isEqualTo(misses.get());
  }
}
