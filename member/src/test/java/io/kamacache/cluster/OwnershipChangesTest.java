package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.kamacache.testsupport.EtcdExtension;
import io.kamacache.testsupport.MemberProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What membership changes must not undo: removals, and a Cache closed on one member. */
class OwnershipChangesTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;

  @BeforeEach
  void start() {
    members = new Members(etcd.endpoint());
  }

  @AfterEach
  void stop() {
    members.close();
  }

  @Test
  void removesMadeWhileEntriesMoveToAJoiningMemberStayRemoved() throws Exception {
    CacheManager a = members.open("a");
    Cache<String, String> viaA = a.createCache("removals", new MutableConfiguration<String, String>());
    for (int i = 0; i < 200; i++) {
      viaA.put("k" + i, "v" + i);
    }
    CacheManager b = members.open("b");
    Members.awaitRingSize(List.of(a, b), 2);
    Cache<String, String> viaB = Members.awaitCache(b, "removals");
    for (int i = 0; i < 200; i++) {
      assertThat(viaB.remove("k" + i)).as("k" + i + " was there to remove").isTrue();
    }
    assertNoneBack(viaA, viaB);
    // Once every handoff and sweep of the join has run, nothing may have brought them back.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Members.node(a).rebalanced() || !Members.node(b).rebalanced()) {
      assertThat(System.nanoTime()).as("the join's rebalancing finished").isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertNoneBack(viaA, viaB);
  }

  private static void assertNoneBack(Cache<String, String> viaA, Cache<String, String> viaB) {
    List<String> back = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      if (viaA.containsKey("k" + i) || viaB.containsKey("k" + i) || viaA.get("k" + i) != null) {
        back.add("k" + i);
      }
    }
    assertThat(back).as("removed keys that came back").isEmpty();
  }

  @Test
  void aCacheClosedOnOneMemberStaysServedAndNothingIsLostWhenItsManagerLeavesAndAnotherJoins() {
    List<CacheManager> managers = members.openAll("c1", "c2", "c3");
    Cache<Integer, Integer> viaC1 = managers.get(0).createCache("regions", new MutableConfiguration<Integer, Integer>());
    for (int i = 0; i < 300; i++) {
      viaC1.put(i, i);
    }
    Cache<Integer, Integer> viaC2 = Members.awaitCache(managers.get(1), "regions");
    Cache<Integer, Integer> viaC3 = Members.awaitCache(managers.get(2), "regions");

    viaC3.close(); // the application is done with the cache here; the cluster is not
    for (int i = 0; i < 300; i++) {
      assertThat(viaC2.get(i)).as("entry " + i + " through another member").isEqualTo(i);
    }

    // Hibernate's shutdown order: every region closed, then the manager; a member joins at once.
    managers.get(2).close();
    CacheManager c4 = members.open("c4");
    Members.awaitRingSize(List.of(managers.get(0), managers.get(1), c4), 3);
    Cache<Integer, Integer> viaC4 = Members.awaitCache(c4, "regions");
    for (int i = 0; i < 300; i++) {
      assertThat(viaC1.get(i)).as("entry " + i).isEqualTo(i);
      assertThat(viaC4.get(i)).as("entry " + i + " through the new member").isEqualTo(i);
    }
  }

  @Test
  void expiryThatReadsExtendedSurvivesTheOwnersDeath() throws Exception {
    CacheManager a = members.open("a");
    try (MemberProcess b = MemberProcess.start(members.settings("b", Map.of()))) {
      Members.awaitRingSize(List.of(a), 2);
      Cache<String, String> cache = a.createCache("touched", new MutableConfiguration<String, String>()
          .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(
              new Duration(TimeUnit.SECONDS, 6))));
      ClusterNode node = Members.node(a);
      String key = null;
      for (int i = 0; key == null; i++) {
        if (node.ring().owner(node.codec().encode("t" + i)).id().equals("b")) {
          key = "t" + i;
        }
      }
      cache.put(key, "kept alive by reads");
      long written = System.nanoTime();
      // Reads for 8 s keep it alive past the 6 s it had at its write.
      while (System.nanoTime() - written < TimeUnit.SECONDS.toNanos(8)) {
        assertThat(cache.get(key)).isNotNull();
        Thread.sleep(500);
      }
      Thread.sleep(Replicator.TOUCH_MILLIS * 3); // the last read's expiry reaches the backup
      b.kill();
      Members.awaitRingSize(List.of(a), 1);
      assertThat(cache.get(key)).as("the backup learnt the expiry the reads moved").isEqualTo("kept alive by reads");
    }
  }

  @Test
  void whenEveryMemberLosesItsLeaseAtOnceNothingIsLost() throws Exception {
    List<CacheManager> managers = members.openAll("l1", "l2", "l3");
    Cache<Integer, Integer> cache = managers.get(0).createCache("leases", new MutableConfiguration<Integer, Integer>());
    for (int i = 0; i < 100; i++) {
      cache.put(i, i);
    }
    List<Long> leases = new ArrayList<>();
    for (CacheManager manager : managers) {
      leases.add(Members.node(manager).mxbean().getLeaseId());
    }
    // As when etcd comes back without the leases: nobody served meanwhile, so everything is current.
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      for (long lease : leases) {
        client.getLeaseClient().revoke(lease).get();
      }
    }
    for (int m = 0; m < managers.size(); m++) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (Members.node(managers.get(m)).mxbean().getLeaseId() == leases.get(m)) {
        assertThat(System.nanoTime()).as("registered again").isLessThan(deadline);
        Thread.sleep(10);
      }
    }
    for (int m = 0; m < managers.size(); m++) {
      Cache<Integer, Integer> via = Members.awaitCache(managers.get(m), "leases");
      for (int i = 0; i < 100; i++) {
        assertThat(via.get(i)).as("entry " + i + " through member " + m).isEqualTo(i);
      }
    }
  }
}
