package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kamacache.codec.WireCodec;
import io.kamacache.processor.EntryLockLostException;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.LockRequest;
import io.kamacache.proto.v1.LockResponse;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.UnlockRequest;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.testsupport.EtcdExtension;
import java.util.ArrayList;
import java.util.HashMap;
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
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Entry processors that cannot be sent to their key's owner, and the key locks under which they
 * run on their callers: what a caller sees through the javax.cache API, and what the owner does
 * with Lock and Unlock sent to it directly.
 */
class KeyLocksTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static final WireCodec CODEC = new WireCodec(List.of());

  private Members members;

  @BeforeEach
  void newCluster() {
    members = new Members(etcd.endpoint());
  }

  @AfterEach
  void close() {
    members.close();
  }

  private static ByteString bytes(Object value) {
    return ByteString.copyFrom(CODEC.encode(value));
  }

  /** Keys that {@code owner} owns under its current ring, {@code count} of them. */
  private static List<String> ownedBy(CacheManager owner, int count) {
    ClusterNode node = Members.node(owner);
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      String key = "key" + i;
      if (node.ring().owner(CODEC.encode(key)).id().equals(node.memberId())) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** Raw Lock and Unlock calls to one member, as a caller's RemoteProcessing sends them. */
  private final class RawLocks {
    private final CacheManager owner;
    private final PeerGrpc.PeerBlockingStub stub;
    private final String cache;

    RawLocks(CacheManager owner, String cache) {
      this.owner = owner;
      this.cache = cache;
      this.stub = PeerGrpc.newBlockingStub(members.track(
          RawPeer.withSecret(etcd.endpoint(), members.cluster(), Members.node(owner).address(), "raw")));
    }

    Header header() {
      return Header.newBuilder().setCache(cache).setEpoch(Members.node(owner).mxbean().getEpoch()).build();
    }

    LockResponse lock(String key, long leaseMs) {
      LockResponse response = stub.withDeadlineAfter(30, TimeUnit.SECONDS).lock(LockRequest.newBuilder()
          .setHeader(header()).setKey(bytes(key)).setLeaseMs(leaseMs).build());
      assertThat(response.hasError()).as(response.getError().getMessage()).isFalse();
      return response;
    }

    ValueResponse set(String key, long token, String value) {
      return stub.withDeadlineAfter(30, TimeUnit.SECONDS).unlock(UnlockRequest.newBuilder().setHeader(header())
          .setKey(bytes(key)).setToken(token).setOutcome(UnlockRequest.Outcome.SET).setValue(bytes(value)).build());
    }
  }

  /** Waits until {@code thread} is parked: blocked in a wait, not running and not finished. */
  private static void awaitParked(Thread thread) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
      assertThat(System.nanoTime()).as("%s never waited; it is %s", thread.getName(), thread.getState()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static Thread started(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.start();
    return thread;
  }

  /** A caller's processor that is not Serializable: it captures a counter of this JVM. */
  private static EntryProcessor<String, String, Object> appending(AtomicInteger runs) {
    return (entry, arguments) -> {
      runs.incrementAndGet();
      entry.setValue((entry.exists() ? entry.getValue() : "") + arguments[0]);
      return new Object(); // a result that could not travel either
    };
  }

  @Test
  void aProcessorThatCannotTravelRunsOnceForEveryKeyFromEveryMember() {
    List<CacheManager> three = members.openAll("m1", "m2", "m3");
    three.get(0).createCache("lambdas", new MutableConfiguration<String, String>());
    AtomicInteger runs = new AtomicInteger();
    List<String> keys = new ArrayList<>();
    for (CacheManager owner : three) {
      keys.addAll(ownedBy(owner, 4));
    }
    for (CacheManager caller : three) {
      Cache<String, String> cache = Members.awaitCache(caller, "lambdas");
      for (String key : keys) {
        assertThat(cache.invoke(key, appending(runs), Members.node(caller).memberId())).isNotNull();
      }
    }
    assertThat(runs.get()).isEqualTo(3 * keys.size());
    Cache<String, String> cache = three.get(1).getCache("lambdas");
    for (String key : keys) {
      assertThat(cache.get(key)).isEqualTo("m1m2m3");
    }

    // invokeAll runs it key by key the same way; a key whose processor throws keeps its value.
    Set<String> all = new LinkedHashSet<>(keys);
    Map<String, EntryProcessorResult<String>> results = three.get(2).<String, String>getCache("lambdas").invokeAll(all,
        (entry, arguments) -> {
          if (entry.getKey().equals(keys.get(0))) {
            throw new IllegalStateException("refused " + entry.getKey());
          }
          entry.setValue(entry.getValue() + "!");
          return entry.getKey();
        });
    assertThat(results).containsOnlyKeys(all);
    assertThatThrownBy(() -> results.get(keys.get(0)).get()).isInstanceOf(EntryProcessorException.class)
        .hasRootCauseInstanceOf(IllegalStateException.class);
    for (String key : keys.subList(1, keys.size())) {
      assertThat(results.get(key).get()).isEqualTo(key);
      assertThat(cache.get(key)).isEqualTo("m1m2m3!");
    }
    assertThat(cache.get(keys.get(0))).isEqualTo("m1m2m3");
  }

  @Test
  void aProcessorThatThrowsOnARemoteKeyChangesNothingAndLetsTheKeyGo() {
    List<CacheManager> two = members.openAll("m1", "m2");
    Cache<String, String> owner = two.get(0).createCache("throwing", new MutableConfiguration<String, String>());
    String key = ownedBy(two.get(0), 1).get(0);
    owner.put(key, "before");
    Cache<String, String> caller = Members.awaitCache(two.get(1), "throwing");
    assertThatThrownBy(() -> caller.invoke(key, (entry, arguments) -> {
      entry.setValue("changed");
      throw new IllegalStateException("no");
    })).isInstanceOf(EntryProcessorException.class).hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(owner.get(key)).isEqualTo("before");
    // The key is not locked any more: the owner's own change goes through.
    owner.put(key, "after");
    assertThat(caller.get(key)).isEqualTo("after");
  }

  @Test
  void changesOnTheOwnerAndOtherLocksWaitForALockAndComeAfterItsOutcome() throws Exception {
    List<CacheManager> two = members.openAll("m1", "m2");
    Cache<String, String> owner = two.get(0).createCache("waiting", new MutableConfiguration<String, String>());
    String key = ownedBy(two.get(0), 1).get(0);
    owner.put(key, "v0");
    RawLocks locks = new RawLocks(two.get(0), "waiting");
    LockResponse first = locks.lock(key, 0);
    assertThat(CODEC.decode(first.getValue().toByteArray(), getClass().getClassLoader())).isEqualTo("v0");

    Thread put = started("owner's put", () -> owner.put(key, "put"));
    awaitParked(put);
    CompletableFuture<LockResponse> second = new CompletableFuture<>();
    Thread lock = started("second lock", () -> second.complete(locks.lock(key, 0)));
    awaitParked(lock);
    // Reads see the committed value meanwhile.
    assertThat(owner.get(key)).isEqualTo("v0");
    assertThat(Members.awaitCache(two.get(1), "waiting").get(key)).isEqualTo("v0");

    assertThat(locks.set(key, first.getToken(), "first").hasError()).isFalse();
    // Both waited for the outcome; whichever came next, the second lock saw a value after it.
    LockResponse granted = second.get(10, TimeUnit.SECONDS);
    Object seen = CODEC.decode(granted.getValue().toByteArray(), getClass().getClassLoader());
    assertThat(seen).isIn("first", "put");
    assertThat(locks.set(key, granted.getToken(), "second").hasError()).isFalse();
    put.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(put.isAlive()).isFalse();
    if (seen.equals("first")) {
      // The second lock went before the put, which then came after it.
      assertThat(owner.get(key)).isEqualTo("put");
    } else {
      assertThat(owner.get(key)).isEqualTo("second");
    }
  }

  @Test
  void aLockWhoseLeaseEndsFreesTheKeyAndItsLateUnlockIsRefusedChangingNothing() throws Exception {
    List<CacheManager> two = members.openAll("m1", "m2");
    Cache<String, String> owner = two.get(0).createCache("leases", new MutableConfiguration<String, String>());
    String key = ownedBy(two.get(0), 1).get(0);
    RawLocks locks = new RawLocks(two.get(0), "leases");
    LockResponse held = locks.lock(key, 300);
    assertThat(held.getLeaseMs()).isEqualTo(300);
    // Nobody unlocks: the put goes through once the lease is over.
    Thread put = started("put after the lease", () -> owner.put(key, "put"));
    put.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(put.isAlive()).isFalse();
    ValueResponse late = locks.set(key, held.getToken(), "late");
    assertThat(late.getError().getCode()).isEqualTo(Error.Code.LOCK_LOST);
    assertThat(owner.get(key)).isEqualTo("put");
    // A token that was never granted is refused the same way.
    assertThat(locks.set(key, 12345, "forged").getError().getCode()).isEqualTo(Error.Code.LOCK_LOST);
    assertThat(owner.get(key)).isEqualTo("put");

    // A lease that ended with nobody else asking for the key: its Unlock is refused all the same.
    List<String> pair = ownedBy(two.get(0), 3).subList(1, 3);
    LockResponse untouched = locks.lock(pair.get(0), 300);
    LockResponse later = locks.lock(pair.get(1), 300);
    owner.put(pair.get(1), "after its lease"); // waits for the later lease, so the earlier one is over too
    assertThat(locks.set(pair.get(0), untouched.getToken(), "late").getError().getCode()).isEqualTo(Error.Code.LOCK_LOST);
    assertThat(owner.get(pair.get(0))).isNull();
    assertThat(locks.set(pair.get(1), later.getToken(), "late").getError().getCode()).isEqualTo(Error.Code.LOCK_LOST);
  }

  @Test
  void aCallerWhoseLockEndedWhileItsProcessorRanGetsAnExceptionAndNoWrite() throws Exception {
    Map<String, String> shortLease = Map.of(ClusterConfig.LOCK_LEASE, "300");
    CacheManager m1 = members.open("m1", shortLease);
    CacheManager m2 = members.open("m2", shortLease);
    Members.awaitRingSize(List.of(m1, m2), 2);
    Cache<String, String> owner = m1.createCache("expiring", new MutableConfiguration<String, String>());
    String key = ownedBy(m1, 1).get(0);
    Cache<String, String> caller = Members.awaitCache(m2, "expiring");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch overtaken = new CountDownLatch(1);
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread invoking = started("slow processor", () -> {
      try {
        caller.invoke(key, (entry, arguments) -> {
          running.countDown();
          try {
            overtaken.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          entry.setValue("late");
          return null;
        });
        failure.complete(null);
      } catch (Throwable t) {
        failure.complete(t);
      }
    });
    running.await();
    // The owner's put waits for the lock, which ends with its lease while the processor still runs.
    owner.put(key, "put");
    overtaken.countDown();
    assertThat(failure.get(20, TimeUnit.SECONDS)).isInstanceOf(EntryLockLostException.class)
        .hasMessageContaining("nothing was applied");
    invoking.join();
    assertThat(owner.get(key)).isEqualTo("put");
    assertThat(caller.get(key)).isEqualTo("put");
  }

  @Test
  void anUnlockAfterTheKeyMovedIsRefusedEvenOnceTheKeyIsBackAndItsNewOwnerHoldsNoLock() throws Exception {
    List<CacheManager> two = members.openAll("m1", "m2");
    Cache<String, String> cache = two.get(0).createCache("moving", new MutableConfiguration<String, String>());
    List<String> keys = ownedBy(two.get(0), 40);
    RawLocks locks = new RawLocks(two.get(0), "moving");
    Map<String, Long> tokens = new HashMap<>();
    for (String key : keys) {
      tokens.put(key, locks.lock(key, 0).getToken());
    }
    CacheManager m3 = members.open("m3");
    Members.awaitRingSize(List.of(two.get(0), two.get(1), m3), 3);
    Cache<String, String> viaNewcomer = Members.awaitCache(m3, "moving");
    List<String> moved = new ArrayList<>();
    for (String key : keys) {
      if (Members.node(two.get(0)).ring().owner(CODEC.encode(key)).id().equals("m3")) {
        moved.add(key);
        // The new owner has no lock on it: the change goes through at once.
        viaNewcomer.put(key, "new owner");
      } else {
        assertThat(locks.set(key, tokens.get(key), "kept").hasError()).isFalse();
        assertThat(cache.get(key)).isEqualTo("kept");
      }
    }
    assertThat(moved).as("keys that moved to the newcomer").isNotEmpty();
    // The newcomer leaves and hands the keys back: m1 owns them again, but its old locks ended
    // when they moved, so their outcomes would overwrite what the newcomer was told.
    m3.close();
    Members.awaitRingSize(two, 2);
    for (String key : moved) {
      ValueResponse late = unlockOnceServing(locks, key, tokens.get(key));
      assertThat(late.getError().getCode()).as(late.getError().getMessage()).isEqualTo(Error.Code.LOCK_LOST);
      assertThat(cache.get(key)).isEqualTo("new owner");
    }
  }

  /** An Unlock of a key its member may still be settling into owning: NOT_OWNER is asked again. */
  private static ValueResponse unlockOnceServing(RawLocks locks, String key, long token) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      ValueResponse response = locks.set(key, token, "late");
      if (!response.hasError() || response.getError().getCode() != Error.Code.NOT_OWNER) {
        return response;
      }
      assertThat(System.nanoTime()).as("m1 did not serve %s again", key).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
