package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.kamacache.jcache.KamaCache;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.MemberProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.cache.Cache;
import javax.cache.CacheException;
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
    long remote = cache.unwrap(KamaCache.class).localSize();
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
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
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
  void aMemberWhoseRegistrationIsDeletedWhileItsLeaseLivesRegistersAgainWithinTheTtl() throws Exception {
    CacheManager a = members.open("a");
    CacheManager b = members.open("b");
    awaitRings(List.of(a, b), ids -> ids.size() == 2, Duration.ofSeconds(30));
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      String key = "/kamacache/" + members.cluster() + "/members/a";
      long lease = client.getKVClient().get(PrefixView.bytes(key)).get().getKvs().get(0).getLease();
      long deleted = System.nanoTime();
      client.getKVClient().delete(PrefixView.bytes(key)).get();
      Duration took = awaitRings(List.of(a, b), ids -> ids.equals(Set.of("a", "b")) , Duration.ofSeconds(10));
      while (client.getKVClient().get(PrefixView.bytes(key)).get().getKvs().isEmpty()) {
        assertThat(System.nanoTime() - deleted).as("registered again within the TTL")
            .isLessThan(TimeUnit.SECONDS.toNanos(2));
        Thread.sleep(10);
      }
      System.out.println("deleted registration: registered again after "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted) + " ms (" + took.toMillis() + " ms to the rings)");
      // A new incarnation: the old lease is revoked, so nothing of it can linger.
      assertThat(client.getKVClient().get(PrefixView.bytes(key)).get().getKvs().get(0).getLease()).isNotEqualTo(lease);
    }
  }

  @Test
  void membersStopServingWhileEtcdIsDownAndServeEveryEntryAgainWhenItReturns() throws Exception {
    Map<String, String> shortTimeout = Map.of(ClusterConfig.TIMEOUT, "2000");
    CacheManager a = members.open("a", shortTimeout);
    CacheManager b = members.open("b", shortTimeout);
    CacheManager c = members.open("c", shortTimeout);
    List<CacheManager> all = List.of(a, b, c);
    awaitRings(all, ids -> ids.size() == 3, Duration.ofSeconds(30));
    a.createCache("outage", new MutableConfiguration<Integer, Integer>());
    List<Cache<Integer, Integer>> caches = List.of(a.getCache("outage"), Members.awaitCache(b, "outage"),
        Members.awaitCache(c, "outage"));
    for (int i = 0; i < 30; i++) {
      caches.get(i % 3).put(i, i);
    }
    List<Long> leases = new ArrayList<>();
    for (CacheManager manager : all) {
      leases.add(Members.node(manager).mxbean().getLeaseId());
    }

    etcd.process().stopProcess();
    try {
      refusedWhileDownAndServedWhenBack(all, caches, leases);
    } finally {
      if (!etcd.process().isRunning()) {
        etcd.process().startProcess(); // the next test needs it, whatever this one found
      }
    }
  }

  private void refusedWhileDownAndServedWhenBack(List<CacheManager> all, List<Cache<Integer, Integer>> caches,
      List<Long> leases) throws Exception {
    // Without etcd no member can prove its lease, and a member that cannot must not serve: past
    // the proof's end every operation is refused, so none can meet a second owner.
    long stopped = System.nanoTime();
    String refusal = null;
    // The first failures may be writes that waited for a backup stuck catching up with etcd; soon
    // every member refuses because it cannot prove its lease.
    for (int i = 0; refusal == null || !refusal.contains("lease"); i++) {
      assertThat(System.nanoTime() - stopped).as("refusing within the lease TTL").isLessThan(TimeUnit.SECONDS.toNanos(10));
      try {
        caches.get(i % 3).put(i % 30, i % 30);
      } catch (CacheException e) {
        refusal = e.getMessage();
      }
    }
    System.out.println("etcd down: refused after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped)
        + " ms: " + refusal);
    assertThat(refusal).contains("lease");

    etcd.process().startProcess();
    long restarted = System.nanoTime();
    // Every entry comes back. etcd may have let some leases go while it was down (members
    // reconnect at their own pace); those members come back as new incarnations, which the others
    // wait for, so that no entry is served from a member that does not hold it.
    for (int i = 0; i < 30; i++) {
      while (true) {
        try {
          assertThat(caches.get((i + 1) % 3).get(i)).as("entry " + i + " kept").isEqualTo(i);
          break;
        } catch (CacheException e) {
          assertThat(System.nanoTime() - restarted).as("serving again").isLessThan(TimeUnit.SECONDS.toNanos(30));
        }
      }
    }
    long again = 0;
    for (int i = 0; i < all.size(); i++) {
      again += Members.node(all.get(i)).mxbean().getLeaseId() == leases.get(i) ? 0 : 1;
    }
    System.out.println("etcd back: every entry served again after "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted) + " ms; members under a new lease: " + again);
  }
}
