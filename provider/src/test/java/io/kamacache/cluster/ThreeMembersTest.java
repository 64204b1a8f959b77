package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.KamaCache;
import io.kamacache.testsupport.EtcdExtension;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three members in one JVM, each its own cache manager, gRPC server and etcd registration. */
class ThreeMembersTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static Members members;
  private static List<CacheManager> managers;

  @BeforeAll
  static void join() {
    members = new Members(etcd.endpoint());
    managers = members.openAll("m1", "m2", "m3");
  }

  @AfterAll
  static void leave() {
    members.close();
  }

  private static ClusterNode node(CacheManager manager) {
    return Members.node(manager);
  }

  @Test
  void everyRingIncludesEveryMemberAndTheSameEpoch() {
    for (CacheManager manager : managers) {
      assertThat(node(manager).ring().members()).containsOnlyKeys("m1", "m2", "m3");
    }
  }

  @Test
  void tenThousandKeysSpreadWithinTwentyPercentOfAFairShare() {
    Cache<Integer, Integer> cache = managers.get(0).createCache("spread", new MutableConfiguration<Integer, Integer>());
    for (int i = 0; i < 10_000; i++) {
      cache.put(i, i);
    }
    Map<String, Long> held = new HashMap<>();
    for (CacheManager manager : managers) {
      KamaCache<?, ?> local = manager.getCache("spread").unwrap(KamaCache.class);
      held.put(node(manager).memberId(), local.localSize());
    }
    assertThat(held.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000);
    for (long share : held.values()) {
      assertThat(share).as("share of %s", held).isBetween(10_000 / 3 * 8 / 10L, 10_000 / 3 * 12 / 10L);
    }
  }

  @Test
  void aCacheCreatedOnOneMemberExistsOnAll() {
    managers.get(1).createCache("defined-on-m2", new MutableConfiguration<String, String>());
    for (CacheManager manager : managers) {
      Members.awaitCache(manager, "defined-on-m2");
    }
    assertThat(managers.get(2).getCacheNames()).contains("defined-on-m2");
  }

  @Test
  void everyMemberCreatingTheSameCacheGetsOneCache() {
    MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class);
    List<Cache<String, String>> caches = new ArrayList<>();
    for (CacheManager manager : managers) {
      Cache<String, String> existing = manager.getCache("same-startup", String.class, String.class);
      caches.add(existing != null ? existing : manager.createCache("same-startup", configuration));
    }
    caches.get(0).put("k", "v");
    assertThat(caches.get(2).get("k")).isEqualTo("v");
    assertThatThrownBy(() -> managers.get(1).createCache("same-startup",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class).setStoreByValue(false)))
        .isInstanceOf(javax.cache.CacheException.class);
  }

  /** Adds its argument to an integer entry. */
  static final class Add implements EntryProcessor<String, Integer, Integer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override public Integer process(MutableEntry<String, Integer> entry, Object... arguments) {
      int next = (entry.exists() ? entry.getValue() : 0) + (Integer) arguments[0];
      entry.setValue(next);
      return next;
    }
  }

  @Test
  void invokeRunsOnTheOwnerAndStaysAtomicThroughEveryMember() throws Exception {
    Cache<String, Integer> first = managers.get(0).createCache("counters", new MutableConfiguration<String, Integer>());
    List<Thread> threads = new ArrayList<>();
    for (CacheManager manager : managers) {
      Cache<String, Integer> cache = Members.awaitCache(manager, "counters");
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 200; i++) {
          cache.invoke("hits", new Add(), 1);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(first.get("hits")).isEqualTo(600);
  }

  @Test
  void aMemberThatDoesNotOwnAKeyAnswersNotOwnerWithItsEpochInsteadOfForwarding() throws Exception {
    managers.get(0).createCache("routing", new MutableConfiguration<String, String>());
    WireCodec codec = new WireCodec(List.of());
    ClusterNode first = node(managers.get(0));
    String key = "k0";
    for (int i = 0; !first.ring().owner(codec.encode(key)).id().equals("m1"); i++) {
      key = "k" + i;
    }
    for (CacheManager manager : managers.subList(1, 3)) {
      ClusterNode other = node(manager);
      io.grpc.ManagedChannel channel = RawPeer.withSecret(etcd.endpoint(), members.cluster(), other.address(), "probe");
      try {
        io.kamacache.proto.v1.ValueResponse response = io.kamacache.proto.v1.PeerGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .get(io.kamacache.proto.v1.KeyRequest.newBuilder()
                .setHeader(io.kamacache.proto.v1.Header.newBuilder().setCache("routing").setEpoch(other.ring().epoch()))
                .setKey(com.google.protobuf.ByteString.copyFrom(codec.encode(key))).build());
        assertThat(response.getError().getCode()).isEqualTo(io.kamacache.proto.v1.Error.Code.NOT_OWNER);
        assertThat(response.getError().getEpoch()).isEqualTo(other.ring().epoch());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void keysHashTheSameOnEveryMember() {
    WireCodec codec = new WireCodec(List.of());
    for (String key : Set.of("a", "b", "user:42")) {
      byte[] bytes = codec.encode(key);
      assertThat(managers).extracting(m -> node(m).ring().owner(bytes).id()).containsOnly(node(managers.get(0)).ring().owner(bytes).id());
    }
  }
}
