package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.WireCodec;
import io.kamacache.management.MBeans;
import io.kamacache.testsupport.EtcdExtension;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.JMException;
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
    long batched = 0;
    for (CacheManager manager : managers) {
      batched += batchedGets(manager);
    }
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

  @Test
  void anOwnerLeavingWhileGetsStreamToItClosesPromptlyAndTheGetsGoOnToTheNewOwners() throws Exception {
    Cache<Integer, Integer> cache = managers.get(0).createCache("leaving",
        new MutableConfiguration<Integer, Integer>().setTypes(Integer.class, Integer.class));
    WireCodec codec = new WireCodec(List.of());
    HashRing ring = Members.node(managers.get(0)).ring();
    List<Integer> ownedByB3 = new ArrayList<>();
    for (int key = 0; ownedByB3.size() < 100; key++) {
      cache.put(key, key * 3);
      if (ring.owner(codec.encode(key)).id().equals("b3")) {
        ownedByB3.add(key);
      }
    }
    AtomicLong wrong = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread caller = new Thread(() -> {
        while (!stop.get()) {
          int key = ownedByB3.get(ThreadLocalRandom.current().nextInt(ownedByB3.size()));
          try {
            Integer value = cache.get(key);
            if (value == null || value != key * 3) {
              wrong.incrementAndGet();
            }
            answered.incrementAndGet();
          } catch (javax.cache.CacheException e) {
            // A get in flight as its owner stops may fail; it must not hang or answer wrongly.
            failed.incrementAndGet();
          }
        }
      });
      callers.add(caller);
      caller.start();
    }
    // Progress, not time: the streams are busy once the callers have had answers.
    awaitAnswers(answered, 200);
    long started = System.nanoTime();
    managers.get(2).close();
    long closeMillis = (System.nanoTime() - started) / 1_000_000;
    Members.awaitRingSize(managers.subList(0, 2), 2);
    awaitAnswers(answered, answered.get() + 200); // from the new owners
    stop.set(true);
    for (Thread caller : callers) {
      caller.join(15_000);
      assertThat(caller.isAlive()).as("a get hung").isFalse();
    }
    assertThat(wrong).hasValue(0);
    // The server waits up to 5 s for calls still open; the get streams must not be among them.
    assertThat(closeMillis).as("time for b3 to close, in ms").isLessThan(4_000);
    for (int key : ownedByB3) {
      assertThat(cache.get(key)).isEqualTo(key * 3);
    }
  }

  @Test
  void aGetStreamOpenedWhileServingACallOutlivesThatCall() throws Exception {
    Cache<Integer, Integer> cache = managers.get(0).createCache("in-a-call",
        new MutableConfiguration<Integer, Integer>().setTypes(Integer.class, Integer.class));
    WireCodec codec = new WireCodec(List.of());
    HashRing ring = Members.node(managers.get(0)).ring();
    int key = 0;
    while (!ring.owner(codec.encode(key)).id().equals("b2")) {
      key++;
    }
    cache.put(key, 7);
    // As a get made while this member serves a call (a loader or processor here reading another
    // key), whose context is cancelled when that call ends.
    io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
    int inCall = key;
    assertThat(call.wrap(() -> cache.get(inCall)).call()).isEqualTo(7);
    long streams = Members.node(managers.get(1)).mxbean().getCallsServedByMethod().getOrDefault("GetBatches", 0L);
    call.cancel(null);
    assertThat(cache.get(key)).isEqualTo(7);
    // The same stream answered: a stream bound to the call would have been cancelled with it.
    assertThat(Members.node(managers.get(1)).mxbean().getCallsServedByMethod().getOrDefault("GetBatches", 0L))
        .isEqualTo(streams);
  }

  /** Keys a member answered in batches, as its cluster MXBean reports them. */
  private static long batchedGets(CacheManager manager) throws JMException {
    return (Long) ManagementFactory.getPlatformMBeanServer()
        .getAttribute(MBeans.clusterName(manager.getURI()), "BatchedGets");
  }

  @Test
  void theClusterMXBeanIsRegisteredWhileTheManagerIsOpenAndGoesWithIt() {
    ObjectName name = MBeans.clusterName(managers.get(2).getURI());
    assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name)).isTrue();
    managers.get(2).close();
    assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name)).isFalse();
  }

  private static void awaitAnswers(AtomicLong answered, long atLeast) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (answered.get() < atLeast) {
      assertThat(System.nanoTime()).as("callers got %d answers", atLeast).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
