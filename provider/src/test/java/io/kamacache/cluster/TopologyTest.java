package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.ClusterManagers;
import io.kamacache.testsupport.EtcdExtension;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Members whose views disagree, and membership changing under a load. */
class TopologyTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;
  private List<CacheManager> managers;

  /**
   * A view of the members that reads them when asked and never follows etcd's watch, as a member
   * whose watch lags: it hears of a change only when a caller or a barrier makes it catch up.
   */
  private static final MemberViews LAGGING = (client, prefix, listener) -> {
    PrefixView etcd = new PrefixView(client, prefix, listener);
    return new KeyView() {
      @Override public void start(long timeoutMillis) throws Exception {
        etcd.reread(timeoutMillis);
      }

      @Override public long reread(long timeoutMillis) throws Exception {
        return etcd.reread(timeoutMillis);
      }

      @Override public long reread(Client via, long timeoutMillis) throws Exception {
        return etcd.reread(via, timeoutMillis);
      }

      @Override public void close() {
        etcd.close();
      }
    };
  };

  private CacheManager lagging;

  @BeforeEach
  void start() {
    members = new Members(etcd.endpoint());
    managers = new ArrayList<>(members.openAll("t1", "t2"));
  }

  @AfterEach
  void stop() {
    if (lagging != null) {
      lagging.close();
    }
    members.close();
  }

  @Test
  void aMemberWithAStaleViewCatchesUpBeforeANewOwnerServesAndNobodyForwardsInALoop() {
    // t3's watch lags: it hears of t4 only when asked.
    lagging = ClusterManagers.open(members.settings("t3", Map.of()), Members.class.getClassLoader(),
        (config, host) -> ClusterNode.start(config, host, LAGGING));
    managers.add(lagging);
    Members.awaitRingSize(managers, 3);
    managers.get(0).createCache("views", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    Cache<String, String> viaStale = Members.awaitCache(managers.get(2), "views");
    HashRing stale = Members.node(managers.get(2)).ring();

    CacheManager t4 = members.open("t4", Map.of());
    managers.add(t4);
    Members.awaitRingSize(managers.subList(0, 2), 4);
    Cache<String, String> viaFresh = Members.awaitCache(t4, "views");
    // A key the new view gives to t4 and the old view to another member than t3.
    HashRing fresh = Members.node(t4).ring();
    WireCodec codec = new WireCodec(List.of());
    String moved = null;
    for (int i = 0; moved == null; i++) {
      byte[] bytes = codec.encode("key" + i);
      if (fresh.owner(bytes).id().equals("t4") && !stale.owner(bytes).id().equals("t3")) {
        moved = "key" + i;
      }
    }

    // t4 serves the key it gained only once every member, t3 included, has caught up to its view.
    viaFresh.put(moved, "written under the new view");
    assertThat(Members.node(managers.get(2)).ring().members()).containsKey("t4");
    // So t3 routes to t4 at once; an old owner asked by a stale caller would answer NOT_OWNER.
    assertThat(viaStale.get(moved)).isEqualTo("written under the new view");
  }

  /** Holds the first load until released. */
  public static final class HeldLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    static final CountDownLatch STARTED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Override public String load(String key) {
      STARTED.countDown();
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

  @Test
  void aMembershipChangeDuringALoadDoesNotDeadlock() throws Exception {
    managers.add(members.open("t3"));
    Members.awaitRingSize(managers, 3);
    managers.get(0).createCache("loading", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setReadThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(HeldLoader.class)));
    Cache<String, String> cache = Members.awaitCache(managers.get(1), "loading");
    AtomicReference<Object> result = new AtomicReference<>();
    Thread loading = new Thread(() -> {
      try {
        result.set(cache.get("slow"));
      } catch (RuntimeException e) {
        result.set(e);
      }
    });
    loading.start();
    assertThat(HeldLoader.STARTED.await(30, TimeUnit.SECONDS)).isTrue();

    CacheManager t4 = members.open("t4", Map.of());
    managers.add(t4);
    Members.awaitRingSize(managers, 4);
    managers.remove(2).close();
    Members.awaitRingSize(managers, 3);

    HeldLoader.RELEASE.countDown();
    loading.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(loading.isAlive()).as("the load finished").isFalse();
    assertThat(result.get()).isEqualTo("loaded slow");
    Cache<String, String> viaNew = Members.awaitCache(t4, "loading");
    viaNew.put("after", "change");
    assertThat(cache.get("after")).isEqualTo("change");
  }
}
