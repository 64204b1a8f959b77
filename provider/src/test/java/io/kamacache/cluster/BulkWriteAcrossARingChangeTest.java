package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.testsupport.EtcdExtension;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * Whether the store picks this key's stripe and bucket for one of the bulk write's own prepare
     * or commit calls: once per call, before it takes the key's stripe lock.
     */
    private static boolean askedByBulkWrite() {
      List<StackWalker.StackFrame> callers = StackWalker.getInstance().walk(frames -> frames
          .filter(f -> !f.getClassName().equals(PausingKey.class.getName()))
          .takeWhile(f -> f.getClassName().startsWith("io.kamacache.store.") || isBatched(f))
          .toList());
      return !callers.isEmpty() && Set.of("compute", "guardedChange").contains(callers.get(0).getMethodName())
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

  /** Two keys the member at {@code index} owns. */
  private List<PausingKey> twoKeysOf(int index) {
    ClusterNode a = Members.node(managers.get(0));
    String owner = Members.node(managers.get(index)).memberId();
    List<PausingKey> keys = new ArrayList<>();
    for (int i = 0; keys.size() < 2; i++) {
      PausingKey key = new PausingKey("k" + i);
      if (a.ring().owner(a.codec().encode(key)).id().equals(owner)) {
        keys.add(key);
      }
    }
    return keys;
  }

  /**
   * Runs {@code write} from a while the owner at {@code owner} pauses before its second commit (two
   * prepares and the first commit come before it), lets a fourth member join until the owner sees
   * it, releases the owner, and expects the write to finish without an error.
   */
  private void acrossARingChange(int owner, Runnable write) throws Exception {
    PausingKey.pauseAtCall = 4;
    CompletableFuture<Void> writing = CompletableFuture.runAsync(write);
    assertThat(PausingKey.paused.await(30, TimeUnit.SECONDS)).as("the owner paused between its commits").isTrue();
    ClusterNode paused = Members.node(managers.get(owner));
    // The join goes on meanwhile: it may wait for the owner's handover, which must not depend on the paused call.
    joining = CompletableFuture.runAsync(() -> members.open("d"));
    Members.await("the paused owner to see d join", () -> paused.ring().members().size() == 4);
    PausingKey.release.countDown();
    writing.get(30, TimeUnit.SECONDS);
    PausingKey.pauseAtCall = -1;
  }

  private static Map<PausingKey, String> newValues(List<PausingKey> keys) {
    Map<PausingKey, String> entries = new LinkedHashMap<>();
    keys.forEach(key -> entries.put(key, "new-" + key.id()));
    return entries;
  }

  @Test
  void aPutAllWhoseRingChangesBetweenTwoCommitsSucceedsWithEveryKeyStored() throws Exception {
    Map<PausingKey, String> entries = newValues(twoKeysOf(1));
    acrossARingChange(1, () -> cache.putAll(entries));
    assertThat(cache.getAll(entries.keySet())).isEqualTo(entries);
  }

  @Test
  void aPutAllOfTheCallersOwnKeysWhoseRingChangesBetweenTwoCommitsSucceeds() throws Exception {
    Map<PausingKey, String> entries = newValues(twoKeysOf(0));
    acrossARingChange(0, () -> cache.putAll(entries));
    assertThat(cache.getAll(entries.keySet())).isEqualTo(entries);
  }

  @Test
  void aRemoveAllWhoseRingChangesBetweenTwoCommitsSucceedsWithEveryKeyRemoved() throws Exception {
    List<PausingKey> keys = twoKeysOf(1);
    keys.forEach(key -> cache.put(key, "old"));
    acrossARingChange(1, () -> cache.removeAll(new LinkedHashSet<>(keys)));
    assertThat(cache.getAll(new LinkedHashSet<>(keys))).isEmpty();
  }
}
