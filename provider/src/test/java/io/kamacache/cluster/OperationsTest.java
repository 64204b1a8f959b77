package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.CachesResponse;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.MembersResponse;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.testsupport.EtcdExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What operators see and do (issue 14): a node's lifecycle state, the drain, and the admin calls,
 * on in-process members against a real etcd.
 */
class OperationsTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;

  @BeforeEach
  void newCluster() {
    members = new Members(etcd.endpoint());
  }

  @AfterEach
  void close() {
    members.close();
  }

  /** A host with no caches of its own, as a tool's node has. */
  private static final CacheHost NO_CACHES = CacheHost.withoutCaches(OperationsTest.class.getClassLoader());



  private PeerGrpc.PeerBlockingStub raw(CacheManager target, String id) {
    return PeerGrpc.newBlockingStub(members.track(
        RawPeer.withSecret(etcd.endpoint(), members.cluster(), Members.node(target).address(), id)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static CacheRequest request(String cache) {
    return CacheRequest.newBuilder().setHeader(Header.newBuilder().setCache(cache)).build();
  }

  private static Map<String, String> fill(Cache<String, String> cache, int count) {
    Map<String, String> written = new HashMap<>();
    for (int i = 0; i < count; i++) {
      cache.put("k" + i, "v" + i);
      written.put("k" + i, "v" + i);
    }
    return written;
  }

  private static void allThere(Cache<String, String> cache, Map<String, String> expected) {
    for (Map.Entry<String, String> entry : expected.entrySet()) {
      assertThat(cache.get(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void aNodeIsJoiningUntilItOpensThenServingAndClosedOnceClosed() {
    ClusterNode node = ClusterNode.start(members.config("solo"), NO_CACHES);
    try {
      assertThat(node.state()).isEqualTo(MemberState.JOINING);
      assertThat(node.mxbean().getState()).isEqualTo("JOINING");
      node.open();
      Members.await("serving", () -> node.state() == MemberState.SERVING);
      assertThat(node.mxbean().getState()).isEqualTo("SERVING");
    } finally {
      node.close();
    }
    assertThat(node.state()).isEqualTo(MemberState.CLOSED);
    node.close(); // a second close does nothing
    assertThat(node.state()).isEqualTo(MemberState.CLOSED);
  }

  @Test
  void aMemberThatCannotProveItsLeaseIsFencedUntilItProvesItAgain() throws Exception {
    CacheManager a = members.open("a");
    ClusterNode node = Members.node(a);
    Members.await("serving", () -> node.state() == MemberState.SERVING);
    etcd.process().stopProcess();
    try {
      Members.await("fenced", () -> node.state() == MemberState.FENCED);
      assertThat(node.mxbean().getState()).isEqualTo("FENCED");
    } finally {
      etcd.process().startProcess();
    }
    // etcd restored the lease, or the member registered again: either way it proves a lease again.
    Members.await("serving again", () -> node.state() == MemberState.SERVING);
  }

  @Test
  void aDrainedMemberHandsEveryEntryOverLeavesTheRingAndKeepsAnswering() {
    List<CacheManager> abc = members.openAll("a", "b", "c");
    CacheManager a = abc.get(0);
    CacheManager b = abc.get(1);
    CacheManager c = abc.get(2);
    Map<String, String> written = fill(a.createCache("data", new KamaConfiguration<String, String>()), 300);
    Cache<String, String> viaC = Members.awaitCache(c, "data");
    Members.awaitCache(b, "data");
    assertThat(raw(b, "a").caches(request("")).getCaches(0).getEntries()).as("b owns keys before").isPositive();

    assertThat(Members.node(b).drain()).isTrue();

    assertThat(Members.node(b).state()).isEqualTo(MemberState.DRAINING);
    assertThat(Members.node(b).mxbean().getState()).isEqualTo("DRAINING");
    Members.awaitRingSize(List.of(a, c), 2);
    assertThat(Members.node(a).ring().members()).doesNotContainKey("b");
    // Still running and answering: it owns nothing, and says it is draining.
    CachesResponse held = raw(b, "a").caches(request(""));
    assertThat(held.getCachesList()).singleElement().satisfies(cache -> assertThat(cache.getEntries()).isZero());
    MembersResponse status = raw(b, "a").members(request(""));
    assertThat(status.getSelf().getState()).isEqualTo("DRAINING");
    // No entry was lost, read through another member and through the drained one itself.
    allThere(viaC, written);
    allThere(b.getCache("data"), written);
    // The cluster keeps serving writes.
    Map<String, String> more = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      viaC.put("new" + i, "n" + i);
      more.put("new" + i, "n" + i);
    }
    allThere(a.getCache("data"), more);
    // Idempotent.
    assertThat(Members.node(b).drain()).isTrue();
    assertThat(Members.node(b).state()).isEqualTo(MemberState.DRAINING);
  }

  @Test
  void drainingTheOnlyMemberOrAClientIsRefusedAndChangesNothing() {
    CacheManager a = members.open("a");
    Map<String, String> written = fill(a.createCache("data", new KamaConfiguration<String, String>()), 20);
    assertThatThrownBy(() -> Members.node(a).drain()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only member");
    assertThat(Members.node(a).state()).isEqualTo(MemberState.SERVING);
    allThere(a.getCache("data"), written);

    CacheManager app = members.open("app", Map.of(ClusterConfig.ROLE, "client"));
    assertThat(Members.node(app).state()).isEqualTo(MemberState.SERVING);
    assertThatThrownBy(() -> Members.node(app).drain()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("client");
    // Through the admin call, the refusal crosses the wire as itself.
    assertThatThrownBy(() -> Members.node(app).admin().drain("a")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only member");
    assertThat(Members.node(a).state()).isEqualTo(MemberState.SERVING);
    allThere(app.getCache("data"), written);
  }

  @Test
  void theAdminCallsReportEachMembersStatusCachesAndStatistics() {
    List<CacheManager> abc = members.openAll("a", "b", "c");
    KamaConfiguration<String, String> bounded = new KamaConfiguration<String, String>().setCapacity(1000);
    bounded.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)));
    bounded.setStatisticsEnabled(true);
    Cache<String, String> cache = abc.get(0).createCache("bounded", bounded);
    fill(cache, 100);
    for (int i = 0; i < 100; i++) {
      cache.get("k" + i);
    }
    abc.get(1).createCache("plain", new KamaConfiguration<String, String>());
    for (CacheManager member : abc) {
      Members.awaitCache(member, "bounded");
      Members.awaitCache(member, "plain");
    }
    CacheManager app = members.open("app", Map.of(ClusterConfig.ROLE, "client"));
    ClusterAdmin admin = Members.node(app).admin();

    List<ClusterAdmin.Member> listed = admin.listMembers();
    assertThat(listed).extracting(ClusterAdmin.Member::id).containsExactly("a", "b", "c");
    for (int i = 0; i < 3; i++) {
      ClusterAdmin.Member member = listed.get(i);
      ClusterNode node = Members.node(abc.get(i));
      assertThat(member.state()).isEqualTo("SERVING");
      assertThat(member.address()).isEqualTo(node.address());
      assertThat(member.role()).isEqualTo("member");
      assertThat(member.epoch()).isPositive();
      assertThat(member.incarnation()).isEqualTo(Long.toHexString(node.mxbean().getLeaseId()));
      assertThat(member.error()).isNull();
    }

    List<ClusterAdmin.MemberCaches> caches = admin.listCaches();
    assertThat(caches).extracting(ClusterAdmin.MemberCaches::member).containsExactly("a", "b", "c");
    long entries = 0;
    for (ClusterAdmin.MemberCaches member : caches) {
      assertThat(member.caches()).extracting(ClusterAdmin.CacheInfo::name).containsExactly("bounded", "plain");
      ClusterAdmin.CacheInfo info = member.caches().get(0);
      assertThat(info.capacity()).isEqualTo(1000);
      assertThat(info.expiry()).isEqualTo("created 10m");
      assertThat(info.backups()).isEqualTo(1);
      assertThat(info.statistics()).isTrue();
      assertThat(member.caches().get(1).capacity()).isZero();
      assertThat(member.caches().get(1).expiry()).isEqualTo("eternal");
      entries += info.entries();
    }
    assertThat(entries).as("each entry is owned by exactly one member").isEqualTo(100);

    List<ClusterAdmin.Statistics> statistics = admin.statistics("bounded");
    assertThat(statistics).extracting(ClusterAdmin.Statistics::member).containsExactly("a", "b", "c");
    // Statistics are the caller's: a made every call.
    assertThat(statistics.get(0).hits()).isEqualTo(100);
    assertThat(statistics.get(0).puts()).isEqualTo(100);
    assertThat(statistics.get(0).enabled()).isTrue();
    assertThat(statistics.get(1).hits()).isZero();
    assertThat(statistics.stream().mapToLong(ClusterAdmin.Statistics::entries).sum()).isEqualTo(100);
    assertThat(statistics.get(1).cluster()).containsKey("CallsServed");
    assertThat(statistics.get(1).cluster().get("CallsServed")).isPositive();

    assertThat(admin.statistics("missing")).allSatisfy(s -> assertThat(s.error()).contains("missing"));
    assertThatThrownBy(() -> admin.drain("nobody")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no member 'nobody'").hasMessageContaining("a, b, c");
  }
}
