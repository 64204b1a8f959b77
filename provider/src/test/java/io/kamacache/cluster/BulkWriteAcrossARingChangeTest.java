package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.testsupport.EtcdExtension;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An owner commits a bulk write's keys one by one once their copies are on the backups. When the
 * ring changes between two of those commits, the keys already committed stand and only the others
 * are refused, so the caller sends just those again and its call succeeds, as a planned
 * membership change promises. (It used to fail the whole call.)
 */
class BulkWriteAcrossARingChangeTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private Members members;
  private List<CacheManager> managers;
  private Cache<PausingKey, String> cache;
  private CompletableFuture<Void> joining = CompletableFuture.completedFuture(null);

  /**
   * A key whose hash, asked for by the owner's bulk write itself (its prepares, then its commits),
   * pauses on the {@link #pauseAtCall}-th time until released: the owner is then between two
   * commits of one batch, holding no lock.
   */
  record PausingKey(String id) implements Serializable {
    static final AtomicInteger CALLS = new AtomicInteger();
    static volatile int pauseAtCall = -1;
    static volatile CountDownLatch paused = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);

    @Override
    public int hashCode() {
      if (pauseAtCall > 0 && askedByBulkWrite() && CALLS.incrementAndGet() == pauseAtCall) {
        paused.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return id.hashCode();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof PausingKey key && key.id.equals(id);
    }

    /**
     * Whether the store picks this key's bucket for one of the bulk write's own prepare or commit
     * calls: once per call, before it takes the bucket's lock.
     */
    private static boolean askedByBulkWrite() {
      List<StackWalker.StackFrame> callers = StackWalker.getInstance().walk(frames -> frames
          .filter(f -> !f.getClassName().equals(PausingKey.class.getName()))
          .takeWhile(f -> f.getClassName().startsWith("io.kamacache.store.") || isBatched(f))
          .toList());
      return !callers.isEmpty() && callers.get(0).getMethodName().equals("bucketOf")
          && isBatched(callers.get(callers.size() - 1));
    }

    private static boolean isBatched(StackWalker.StackFrame frame) {
      return frame.getClassName().equals("io.kamacache.group.BulkWrites") && frame.getMethodName().equals("batched");
    }
  }

  @BeforeEach
  void threeMembers() {
    PausingKey.CALLS.set(0);
    PausingKey.paused = new CountDownLatch(1);
    PausingKey.release = new CountDownLatch(1);
    members = new Members(etcd.endpoint());
    managers = members.openAll("a", "b", "c");
    cache = managers.get(0).createCache("bulk", new MutableConfiguration<PausingKey, String>());
    Members.awaitCache(managers.get(1), "bulk");
    Members.awaitCache(managers.get(2), "bulk");
  }

  @AfterEach
  void close() {
    PausingKey.pauseAtCall = -1;
    PausingKey.release.countDown();
    joining.join();
    members.close();
  }

  /** Two keys b owns, so that a's call to b carries both. */
  private List<PausingKey> twoKeysOfB() {
    return twoKeysOf(1);
  }

  /** Two keys the member at {@code index} owns. */
  private List<PausingKey> twoKeysOf(int index) {
    ClusterNode a = Members.node(managers.get(0));
    String b = Members.node(managers.get(index)).memberId();
    List<PausingKey> keys = new ArrayList<>();
    for (int i = 0; keys.size() < 2; i++) {
      PausingKey key = new PausingKey("k" + i);
      if (a.ring().owner(a.codec().encode(key)).id().equals(b)) {
        keys.add(key);
      }
    }
    return keys;
  }

  @Test
  void aPutAllWhoseRingChangesBetweenTwoCommitsSucceedsWithEveryKeyStored() throws Exception {
    List<PausingKey> keys = twoKeysOfB();
    Map<PausingKey, String> entries = new LinkedHashMap<>();
    keys.forEach(key -> entries.put(key, "new-" + key.id()));
    // Two prepares, the first commit, then the second commit pauses.
    PausingKey.pauseAtCall = 4;

    CompletableFuture<Void> putting = CompletableFuture.runAsync(() -> cache.putAll(entries));
    assertThat(PausingKey.paused.await(30, TimeUnit.SECONDS)).as("b paused between its commits").isTrue();
    changeTheRing();
    PausingKey.release.countDown();

    putting.get(30, TimeUnit.SECONDS);
    PausingKey.pauseAtCall = -1;
    for (PausingKey key : keys) {
      assertThat(cache.get(key)).isEqualTo("new-" + key.id());
    }
  }

  @Test
  void aPutAllOfTheCallersOwnKeysWhoseRingChangesBetweenTwoCommitsSucceeds() throws Exception {
    List<PausingKey> keys = twoKeysOf(0);
    Map<PausingKey, String> entries = new LinkedHashMap<>();
    keys.forEach(key -> entries.put(key, "new-" + key.id()));
    PausingKey.pauseAtCall = 4;

    CompletableFuture<Void> putting = CompletableFuture.runAsync(() -> cache.putAll(entries));
    assertThat(PausingKey.paused.await(30, TimeUnit.SECONDS)).as("a paused between its commits").isTrue();
    changeTheRing(0);
    PausingKey.release.countDown();

    putting.get(30, TimeUnit.SECONDS);
    PausingKey.pauseAtCall = -1;
    for (PausingKey key : keys) {
      assertThat(cache.get(key)).isEqualTo("new-" + key.id());
    }
  }

  @Test
  void aRemoveAllWhoseRingChangesBetweenTwoCommitsSucceedsWithEveryKeyRemoved() throws Exception {
    List<PausingKey> keys = twoKeysOfB();
    keys.forEach(key -> cache.put(key, "old"));
    PausingKey.pauseAtCall = 4;

    CompletableFuture<Void> removing = CompletableFuture.runAsync(() -> cache.removeAll(new LinkedHashSet<>(keys)));
    assertThat(PausingKey.paused.await(30, TimeUnit.SECONDS)).as("b paused between its commits").isTrue();
    changeTheRing();
    PausingKey.release.countDown();

    removing.get(30, TimeUnit.SECONDS);
    PausingKey.pauseAtCall = -1;
    for (PausingKey key : keys) {
      assertThat(cache.containsKey(key)).isFalse();
    }
  }

  /**
   * A fourth member joins; returns once the paused owner (b unless told) sees it in its ring. The join goes on
   * meanwhile: it may wait for b's handover, which must not depend on the paused call.
   */
  private void changeTheRing() {
    changeTheRing(1);
  }

  private void changeTheRing(int paused) {
    ClusterNode owner = Members.node(managers.get(paused));
    joining = CompletableFuture.runAsync(() -> members.open("d"));
    Members.await("the paused owner to see d join", () -> owner.ring().members().size() == 4);
  }
}
