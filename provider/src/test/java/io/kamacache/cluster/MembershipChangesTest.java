package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Members joining, leaving, dying, and etcd going away for a while. */
class MembershipChangesTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;

  @BeforeEach
  void newCluster() {
    members = new Members(etcd.endpoint());
  }

  @AfterEach
  void closeMembers() {
    members.close();
  }

  /** Waits until {@code condition} holds for the ring of every manager, and says how long it took. */
  private static Duration awaitRings(List<CacheManager> managers, Predicate<Set<String>> condition, Duration limit) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (!managers.stream().allMatch(m -> condition.test(Members.node(m).ring().members().keySet()))) {
      assertThat(System.nanoTime()).as("rings changed in time").isLessThan(deadline);
      Thread.onSpinWait();
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aMemberThatClosesIsOutOfEveryRingAtOnceBecauseItRevokesItsLease() {
    CacheManager a = members.open("a");
    CacheManager b = members.open("b");
    CacheManager c = members.open("c");
    awaitRings(List.of(a, b, c), ids -> ids.size() == 3, Duration.ofSeconds(30));
    c.close();
    Duration took = awaitRings(List.of(a, b), ids -> ids.equals(Set.of("a", "b")), Duration.ofSeconds(30));
    System.out.println("graceful leave: out of every ring after " + took.toMillis() + " ms");
    // Lease expiry would take the 2 s TTL; revocation is immediate.
    assertThat(took).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aKilledMemberIsOutOfEveryRingWithinTheLeaseTtlPlusOneSecond() throws Exception {
    CacheManager a = members.open("a");
    CacheManager b = members.open("b");
    try (MemberProcess c = MemberProcess.start(members.settings("c", Map.of()))) {
      awaitRings(List.of(a, b), ids -> ids.size() == 3, Duration.ofSeconds(30));
      c.kill();
      Duration took = awaitRings(List.of(a, b), ids -> ids.equals(Set.of("a", "b")), Duration.ofSeconds(30));
      System.out.println("SIGKILL: out of every ring after " + took.toMillis() + " ms (lease TTL 2 s)");
      assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(3));
    }
  }

  @Test
  void aMemberInAnotherJvmServesItsKeysAndLeavesGracefullyOnSigterm() throws Exception {
    CacheManager a = members.open("a");
    Cache<String, String> cache = a.createCache("shared", new MutableConfiguration<String, String>());
    MemberProcess b = MemberProcess.start(members.settings("b", Map.of()));
    awaitRings(List.of(a), ids -> ids.size() == 2, Duration.ofSeconds(30));
    for (int i = 0; i < 200; i++) {
      cache.put("k" + i, "v" + i);
    }
    for (int i = 0; i < 200; i++) {
      assertThat(cache.get("k" + i)).isEqualTo("v" + i);
    }
    long remote = cache.unwrap(io.kamacache.jcache.KamaCache.class).localSize();
    assertThat(remote).as("some keys live in the other JVM").isLessThan(200);
    b.stop();
    Duration took = awaitRings(List.of(a), ids -> ids.equals(Set.of("a")), Duration.ofSeconds(30));
    assertThat(took).isLessThan(Duration.ofSeconds(2));
    cache.put("after", "leave");
    assertThat(cache.get("after")).isEqualTo("leave");
  }

  @Test
  void aMemberWhoseLeaseIsRevokedBehindItsBackRegistersAgain() throws Exception {
    CacheManager a = members.open("a");
    CacheManager b = members.open("b");
    awaitRings(List.of(a, b), ids -> ids.size() == 2, Duration.ofSeconds(30));
    try (io.etcd.jetcd.Client client = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoint()).build()) {
      String key = "/kamacache/" + members.cluster() + "/members/a";
      long lease = client.getKVClient().get(PrefixView.bytes(key)).get().getKvs().get(0).getLease();
      client.getLeaseClient().revoke(lease).get();
      awaitRings(List.of(b), ids -> ids.equals(Set.of("b")), Duration.ofSeconds(10));
      Duration took = awaitRings(List.of(a, b), ids -> ids.equals(Set.of("a", "b")), Duration.ofSeconds(10));
      System.out.println("lost lease: registered again after " + took.toMillis() + " ms");
      assertThat(client.getKVClient().get(PrefixView.bytes(key)).get().getKvs().get(0).getLease()).isNotEqualTo(lease);
    }
  }

  @Test
  void membersKeepServingWhileEtcdIsDownAndAreStillRegisteredWhenItReturns() throws Exception {
    CacheManager a = members.open("a");
    CacheManager b = members.open("b");
    CacheManager c = members.open("c");
    List<CacheManager> all = List.of(a, b, c);
    awaitRings(all, ids -> ids.size() == 3, Duration.ofSeconds(30));
    a.createCache("outage", new MutableConfiguration<Integer, Integer>());
    List<Cache<Integer, Integer>> caches = List.of(a.getCache("outage"), Members.awaitCache(b, "outage"),
        Members.awaitCache(c, "outage"));

    etcd.process().stopProcess();
    long outageEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int i = 0;
    while (System.nanoTime() < outageEnds) {
      caches.get(i % 3).put(i, i);
      assertThat(caches.get((i + 1) % 3).get(i)).isEqualTo(i);
      i++;
    }
    for (CacheManager manager : all) {
      assertThat(Members.node(manager).ring().members()).hasSize(3);
    }
    System.out.println("served " + i + " put/get pairs while etcd was down for 10 s");
    assertThat(i).isPositive();

    etcd.process().startProcess();
    // Twice the lease TTL: a member whose lease had been lost would have to register again.
    Thread.sleep(4_000);
    CacheManager observer = members.open("observer", Map.of(ClusterConfig.ROLE, "client"));
    awaitRings(List.of(observer), ids -> ids.equals(Set.of("a", "b", "c")), Duration.ofSeconds(30));
    assertThat(caches.get(0).get(0)).isEqualTo(0);
  }
}
