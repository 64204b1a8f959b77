package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCache;
import io.kamacache.testsupport.EtcdExtension;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bulk operation makes one call per owner, not one per key: 300 keys spread over three members
 * cost each of the two remote owners exactly one call, counted by the owners' own servers.
 */
class BulkCallsTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;
  private List<CacheManager> managers;
  private Cache<String, String> cache;
  private final Set<String> keys = new LinkedHashSet<>();

  @BeforeEach
  void threeMembers() {
    members = new Members(etcd.endpoint());
    managers = members.openAll("a", "b", "c");
    cache = managers.get(0).createCache("bulk", new MutableConfiguration<String, String>());
    Members.awaitCache(managers.get(1), "bulk");
    Members.awaitCache(managers.get(2), "bulk");
    for (int i = 0; i < 300; i++) {
      keys.add("k" + i);
    }
  }

  @AfterEach
  void close() {
    members.close();
  }

  /** Runs on the owners, so it travels: Serializable, and in a package the allow-list admits. */
  static final class Exclaim implements javax.cache.processor.EntryProcessor<String, String, Void>, java.io.Serializable {
    @Override public Void process(javax.cache.processor.MutableEntry<String, String> entry, Object... arguments) {
      entry.setValue(entry.getValue() + "!");
      return null;
    }
  }

  /** Runs the operation and returns how many calls of {@code method} each remote member served. */
  private long[] callsDuring(String method, Runnable operation) {
    ClusterNode b = Members.node(managers.get(1));
    ClusterNode c = Members.node(managers.get(2));
    long b0 = served(b, method);
    long c0 = served(c, method);
    operation.run();
    return new long[] {served(b, method) - b0, served(c, method) - c0};
  }

  private static long served(ClusterNode node, String method) {
    return node.mxbean().getCallsServedByMethod().getOrDefault(method, 0L);
  }

  @Test
  void putAllGetAllInvokeAllAndRemoveAllCallEachRemoteOwnerOnce() {
    Map<String, String> entries = new LinkedHashMap<>();
    keys.forEach(k -> entries.put(k, "v-" + k));

    assertThat(callsDuring("PutAll", () -> cache.putAll(entries))).containsExactly(1, 1);

    @SuppressWarnings("unchecked")
    Map<String, String>[] read = new Map[1];
    assertThat(callsDuring("GetAll", () -> read[0] = cache.getAll(keys))).containsExactly(1, 1);
    assertThat(read[0]).isEqualTo(entries);

    assertThat(callsDuring("InvokeAll", () -> cache.invokeAll(keys, new Exclaim()))).containsExactly(1, 1);
    assertThat(cache.get("k7")).isEqualTo("v-k7!");

    assertThat(callsDuring("RemoveAll", () -> cache.removeAll(keys))).containsExactly(1, 1);
    assertThat(cache.getAll(keys)).isEmpty();
  }

  /** Holds its key on the owner (a processor runs under the key's lock there) until released. */
  static final class Hold implements javax.cache.processor.EntryProcessor<String, String, Void>, java.io.Serializable {
    static final java.util.concurrent.CountDownLatch HOLDING = new java.util.concurrent.CountDownLatch(1);
    static final java.util.concurrent.CountDownLatch RELEASE = new java.util.concurrent.CountDownLatch(1);

    @Override public Void process(javax.cache.processor.MutableEntry<String, String> entry, Object... arguments) {
      HOLDING.countDown();
      try {
        RELEASE.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }

  @Test
  void putAllSendsEveryOwnersShareBeforeWaitingForAnyAnswer() throws Exception {
    ClusterNode a = Members.node(managers.get(0));
    ClusterNode b = Members.node(managers.get(1));
    ClusterNode c = Members.node(managers.get(2));
    // A key of b's, sent first, and a key of c's whose backup is not on b, which is kept busy.
    String slow = null;
    String fast = null;
    for (String key : keys) {
      byte[] bytes = a.codec().encode(key);
      String owner = a.ring().owner(bytes).id();
      if (slow == null && owner.equals(b.memberId())) {
        slow = key;
      } else if (fast == null && owner.equals(c.memberId())
          && a.ring().backups(bytes, 1).get(0).id().equals(a.memberId())) {
        fast = key;
      }
    }
    assertThat(slow).isNotNull();
    assertThat(fast).isNotNull();
    String held = slow;
    Thread holder = new Thread(() -> cache.invoke(held, new Hold()));
    holder.start();
    Thread putting = null;
    try {
      assertThat(Hold.HOLDING.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      Map<String, String> entries = new LinkedHashMap<>();
      entries.put(slow, "slow");
      entries.put(fast, "fast");
      putting = new Thread(() -> cache.putAll(entries));
      putting.start();
      // b cannot answer while the key is held; c's share is stored all the same, so it went out first.
      String fastKey = fast;
      Members.await("c to store its share while b's is held", () -> "fast".equals(cache.get(fastKey)));
      assertThat(putting.isAlive()).as("putAll still waiting for b").isTrue();
    } finally {
      Hold.RELEASE.countDown();
      holder.join();
      if (putting != null) {
        putting.join();
      }
    }
    assertThat(cache.get(slow)).isEqualTo("slow");
  }

  @Test
  void putAllAndRemoveAllPutEachOwnersShareOnEachBackupMemberInOneRequest() {
    Map<String, String> entries = new LinkedHashMap<>();
    keys.forEach(k -> entries.put(k, "v-" + k));
    long written = 0;
    for (CacheManager manager : managers) {
      written -= Members.node(manager).mxbean().getBackupsWritten();
    }

    // Each of the three owners sends its share's copies to at most the two other members.
    long[] calls = callsDuring("Backup", () -> cache.putAll(entries));

    assertThat(calls[0]).isBetween(1L, 2L);
    assertThat(calls[1]).isBetween(1L, 2L);
    for (CacheManager manager : managers) {
      written += Members.node(manager).mxbean().getBackupsWritten();
    }
    assertThat(written).as("one backup copy of every key, accepted").isEqualTo(300);

    long[] removalCalls = callsDuring("Backup", () -> cache.removeAll(keys));
    assertThat(removalCalls[0]).isBetween(1L, 2L);
    assertThat(removalCalls[1]).isBetween(1L, 2L);
    assertThat(cache.getAll(keys)).isEmpty();
  }

  @Test
  void aJoiningMemberPutsWhatIsHandedToItOnItsBackupsInAFewRequests() {
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      entries.put("j" + i, "v" + i);
    }
    cache.putAll(entries);

    CacheManager fourth = members.open("d");
    Cache<String, String> joined = Members.awaitCache(fourth, "bulk");
    ClusterNode d = Members.node(fourth);
    KamaCache<String, String> local = joined.unwrap(KamaCache.class);
    Members.await("the newcomer to own its share and have it on its backups",
        () -> local.localSize() > 300 && d.mxbean().getBackupsWritten() >= local.localSize());

    // One request per backup member per handover request, not one per entry handed over.
    long backupCalls = d.mxbean().getCallsMadeByMethod().getOrDefault("Backup", 0L);
    assertThat(backupCalls).as("Backup calls for %s entries handed over", local.localSize())
        .isLessThan(local.localSize() / 10);
    assertThat(joined.getAll(entries.keySet())).isEqualTo(entries);
  }

  @Test
  void sizeAsksEachRemoteMemberOnceAndCountsEveryEntryOnceDespiteBackups() {
    Map<String, String> entries = new LinkedHashMap<>();
    keys.forEach(k -> entries.put(k, "v-" + k));
    cache.putAll(entries);

    long[] size = new long[1];
    assertThat(callsDuring("Size", () -> size[0] = cache.unwrap(KamaCache.class).size())).containsExactly(1, 1);
    assertThat(size[0]).isEqualTo(300);
    long held = 0;
    for (CacheManager manager : managers) {
      held += manager.getCache("bulk").unwrap(KamaCache.class).localSize();
    }
    assertThat(held).as("each member counts what it owns, not its backups").isEqualTo(300);

    cache.removeAll(Set.of("k1", "k2", "k3"));
    assertThat(cache.unwrap(KamaCache.class).size()).isEqualTo(297);
  }
}
