package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.orders.Order;
import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.testsupport.EtcdExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a caller sees when its own limits stop a call to a remote owner, or the backup's limits
 * stop its copy: the setting to change, not a bare gRPC status or time-out. "near" calls, "far"
 * owns the keys used, or keeps the backup of those near owns.
 */
class RequestLimitsTest {

  private static final int MAX_MESSAGE = 65_536;
  private static final int NEAR_TIMEOUT_MS = 1_000;

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static Members members;
  private static CacheManager near;
  private static CacheManager far;

  /** Lets the owner's loader go; the caller has given up on it by then. */
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  /** Holds the owner's handler past the caller's deadline. */
  public static final class StuckLoader implements CacheLoader<String, String> {
    @Override public String load(String key) {
      try {
        RELEASE.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "loaded";
    }

    @Override public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }

  @BeforeAll
  static void join() {
    members = new Members(etcd.endpoint());
    // near allows Order, far does not: near's writes of an Order then fail at far as their backup.
    near = members.open("near", Map.of(ClusterConfig.MAX_MESSAGE, String.valueOf(MAX_MESSAGE),
        ClusterConfig.TIMEOUT, String.valueOf(NEAR_TIMEOUT_MS), ClusterConfig.SERIALIZATION_ALLOW, "com.acme.orders.**"));
    far = members.open("far", Map.of(ClusterConfig.MAX_MESSAGE, String.valueOf(MAX_MESSAGE)));
    Members.awaitRingSize(List.of(near, far), 2);
  }

  @AfterAll
  static void leave() {
    RELEASE.countDown();
    members.close();
  }

  private static String keyOwnedByFar() {
    return keyOwnedBy("far");
  }

  private static String keyOwnedBy(String memberId) {
    ClusterNode node = Members.node(near);
    for (int i = 0; ; i++) {
      String key = "k" + i;
      if (node.ring().owner(node.codec().encode(key)).id().equals(memberId)) {
        return key;
      }
    }
  }

  @Test
  void aPutLargerThanTheMaxMessageSizeNamesTheSettingAndLeavesTheEntryAsItWas() {
    Cache<String, String> cache = near.createCache("oversized-put", new MutableConfiguration<String, String>());
    String key = keyOwnedByFar();
    cache.put(key, "before");

    assertThatThrownBy(() -> cache.put(key, "x".repeat(200_000)))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(ClusterConfig.MAX_MESSAGE)
        .hasMessageContaining(MAX_MESSAGE + " bytes")
        .hasMessageContaining("far");

    assertThat(cache.get(key)).isEqualTo("before");
    assertThat(Members.<String, String>awaitCache(far, "oversized-put").get(key)).isEqualTo("before");
    cache.put(key, "after"); // what else was in flight to far was not failed with it
    assertThat(cache.get(key)).isEqualTo("after");
  }

  @Test
  void aWriteWhoseAnswerIsLargerThanTheMaxMessageSizeNamesTheSetting() {
    Cache<String, String> viaNear = near.createCache("oversized-answer", new KamaConfiguration<String, String>().setBackups(0));
    String key = keyOwnedByFar();
    Members.<String, String>awaitCache(far, "oversized-answer").put(key, "x".repeat(200_000));

    assertThatThrownBy(() -> viaNear.getAndPut(key, "small"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(ClusterConfig.MAX_MESSAGE)
        .hasMessageContaining(MAX_MESSAGE + " bytes");
    viaNear.put(key, "next");
    assertThat(viaNear.get(key)).isEqualTo("next");
  }

  @Test
  void aResponseLargerThanTheMaxMessageSizeNamesTheSetting() {
    // No backups: the owner's copy to a backup would itself be over the limit.
    Cache<String, String> viaNear = near.createCache("oversized-get", new KamaConfiguration<String, String>().setBackups(0));
    String key = keyOwnedByFar();
    Members.<String, String>awaitCache(far, "oversized-get").put(key, "x".repeat(200_000));

    assertThatThrownBy(() -> viaNear.get(key))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(ClusterConfig.MAX_MESSAGE)
        .hasMessageContaining(MAX_MESSAGE + " bytes");
  }

  @Test
  void anOwnerThatDoesNotAnswerInTimeNamesTheTimeoutSetting() {
    Cache<String, String> cache = near.createCache("slow-owner", new MutableConfiguration<String, String>()
        .setReadThrough(true).setCacheLoaderFactory(FactoryBuilder.factoryOf(StuckLoader.class)));
    Members.awaitCache(far, "slow-owner");
    String key = keyOwnedByFar();

    assertThatThrownBy(() -> cache.get(key))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("member far")
        .hasMessageContaining("did not answer within " + ClusterConfig.TIMEOUT + " (" + NEAR_TIMEOUT_MS + " ms)");
  }

  @Test
  void aValueTheOwnerDoesNotAllowNamesTheAllowSetting() {
    Cache<String, Order> cache = near.createCache("orders", new MutableConfiguration<String, Order>());
    String key = keyOwnedByFar();

    assertThatThrownBy(() -> cache.put(key, new Order("o-1", 1999)))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("com.acme.orders.Order")
        .hasMessageContaining(ClusterConfig.SERIALIZATION_ALLOW);
    assertThat(cache.containsKey(key)).isFalse();
  }

  @Test
  void aValueTheBackupDoesNotAllowNamesTheAllowSetting() {
    Cache<String, Order> cache = near.createCache("backed-up-orders", new MutableConfiguration<String, Order>());
    Members.awaitCache(far, "backed-up-orders");
    String key = keyOwnedBy("near");

    assertThatThrownBy(() -> cache.put(key, new Order("o-2", 2999)))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("backup member far")
        .hasMessageContaining("class com.acme.orders.Order is not allowed")
        .hasMessageContaining(ClusterConfig.SERIALIZATION_ALLOW);
  }
}
