package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.testsupport.EtcdExtension;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The owner's lease proof lapses while its cache loader runs (its link to etcd stops, as when etcd
 * answers keepalives late) and comes back before the lease could expire: the loaded value is
 * stored once the proof is back, and nobody runs the loader again.
 */
class LoadAcrossALeaseLapseTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private HeldLink link;
  private Members members;

  /** Counts loads and holds each until released; remembers the thread that ran the first. */
  public static final class HeldLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger LOADS = new AtomicInteger();
    static final AtomicReference<Thread> FIRST = new AtomicReference<>();
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Override public String load(String key) {
      FIRST.compareAndSet(null, Thread.currentThread());
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

  @AfterEach
  void stop() {
    if (members != null) {
      members.close();
    }
    if (link != null) {
      link.close();
    }
  }

  @Test
  void aValueLoadedWhileTheOwnersLeaseProofLapsedIsStoredOnceItIsBackAndNotLoadedAgain() throws Exception {
    link = new HeldLink(etcd.endpoint());
    members = new Members(etcd.endpoint());
    // A lease outlives its proof by a fifth of its TTL: with 10 s that leaves 2 s to let the link
    // go once the proof has lapsed. A long request timeout keeps the callers waiting meanwhile.
    CacheManager owner = members.open("l1", Map.of(ClusterConfig.ENDPOINTS, link.endpoint(),
        ClusterConfig.LEASE_TTL, "10", ClusterConfig.TIMEOUT, "30000"));
    List<CacheManager> callers = List.of(members.open("l2", Map.of(ClusterConfig.TIMEOUT, "30000")),
        members.open("l3", Map.of(ClusterConfig.TIMEOUT, "30000")));
    Members.awaitRingSize(List.of(owner, callers.get(0), callers.get(1)), 3);
    owner.createCache("loaded", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setReadThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(HeldLoader.class)));
    String key = keyOwnedBy(owner);
    long lease = Members.node(owner).mxbean().getLeaseId();

    // Callers on the other members only: the load runs on one of the owner's request threads.
    ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Cache<String, String> cache = Members.awaitCache(callers.get(i % 2), "loaded");
      Thread thread = new Thread(() -> {
        try {
          results.add(cache.get(key));
        } catch (RuntimeException e) {
          results.add(e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    Members.await("the load starts", () -> HeldLoader.LOADS.get() == 1);
    Thread loading = HeldLoader.FIRST.get();

    link.hold();
    Members.await("the owner's lease proof lapses", () -> !Members.node(owner).mxbean().isEtcdConnected());
    HeldLoader.RELEASE.countDown();
    // The loaded value meets the lapsed proof: the thread has left the loader and waits, or has answered.
    Members.await("the loaded value meets the lapse", () -> hasLeftTheLoader(loading));
    link.letGo();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(Members.node(owner).mxbean().getLeaseId()).as("the lease outlived the lapse").isEqualTo(lease);
    assertThat(HeldLoader.LOADS).hasValue(1);
    assertThat(results).hasSize(4).containsOnly("loaded " + key);
  }

  private static boolean hasLeftTheLoader(Thread thread) {
    Thread.State state = thread.getState();
    return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
        && Arrays.stream(thread.getStackTrace()).noneMatch(frame -> frame.getClassName().equals(HeldLoader.class.getName()));
  }

  private static String keyOwnedBy(CacheManager manager) {
    ClusterNode node = Members.node(manager);
    for (int i = 0; ; i++) {
      String key = "key" + i;
      if (node.ring().owner(node.codec().encode(key)).id().equals(node.memberId())) {
        return key;
      }
    }
  }
}
