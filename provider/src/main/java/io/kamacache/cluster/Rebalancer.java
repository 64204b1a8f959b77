package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.kamacache.group.Copies;
import io.kamacache.group.Group;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.KeysRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Moves entries when membership changes. After every ring change it sweeps each cache:
 *
 * <ul>
 *   <li>an owned entry whose owner is now another member is handed to that member (which keeps
 *       what it already has, being newer), then dropped here or kept as a backup;
 *   <li>an owned entry whose backups changed is copied to its new backups;
 *   <li>a backup copy of a key this member now owns (its owner died or left) is adopted;
 *   <li>a backup copy this member no longer needs is dropped.
 * </ul>
 *
 * <p>Until the sweep of the previous owner has run, the new owner may miss a key it should have:
 * for a while after a change, a miss asks the key's previous owner first. A member that leaves
 * gracefully hands everything it owns to the new owners before it leaves the ring.
 */
final class Rebalancer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Rebalancer.class.getName());
  private static final int BATCH = 512;
  /** How long after a ring change a miss asks the previous owner. */
  private static final long FETCH_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final ClusterNode node;
  private final Map<String, Replicator<Object>> caches = new ConcurrentHashMap<>();
  /** Membership often changes in bursts (a restarted etcd, a rolling restart): move data once it settles. */
  private static final long SETTLE_MILLIS = 1_000;

  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "kamacache-rebalance");
    thread.setDaemon(true);
    return thread;
  });
  private ScheduledFuture<?> scheduled;
  /** The ring the last complete sweep moved data for: until the next one, keys may still be there. */
  private volatile HashRing previous;
  private volatile HashRing current;
  /** The ring just before the latest change: where a key's data was, for a while after. */
  private volatile HashRing former;
  private volatile long changedAt;
  private final java.util.concurrent.atomic.AtomicLong moved = new java.util.concurrent.atomic.AtomicLong();

  Rebalancer(ClusterNode node) {
    this.node = node;
  }

  void register(String cache, Replicator<Object> replicator) {
    caches.put(cache, replicator);
  }

  void onRing(HashRing next) {
    HashRing before = current;
    current = next;
    if (before == null) {
      // A member that has just joined takes over keys whose data is still on their previous owners.
      before = without(next, node.memberId());
      if (before.members().isEmpty() || before.members().size() == next.members().size()) {
        return;
      }
    } else if (before.members().keySet().equals(next.members().keySet())) {
      return;
    }
    if (previous == null) {
      previous = before;
    }
    former = before;
    changedAt = System.nanoTime();
    schedule();
  }

  private synchronized void schedule() {
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    scheduled = sweeper.schedule((Runnable) this::sweep, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Whether the data of the current ring is where it belongs, as far as this member knows. */
  boolean settled() {
    return previous == null || previous == node.ring();
  }

  /** Entries this member has handed to new owners so far. */
  long moved() {
    return moved.get();
  }

  /** Makes sure a key about to be served here holds its data: adopts a backup, or asks the previous owner. */
  /** Whether a miss may still ask a key's former owner, a blocking call; see {@link #prepare}. */
  boolean fetching() {
    return former != null && System.nanoTime() - changedAt <= FETCH_WINDOW_NANOS;
  }

  void prepare(Group<Object, Object> group, Object key, byte[] keyBytes) {
    Copies<Object> copies = group.copies();
    if (copies.hasBackup(key) && copies.adopt(key)) {
      return;
    }
    HashRing before = former;
    if (before == null || System.nanoTime() - changedAt > FETCH_WINDOW_NANOS || group.store().containsKey(key)) {
      return;
    }
    HashRing.Member formerOwner = before.owner(keyBytes);
    HashRing ring = node.ring();
    if (formerOwner == null || formerOwner.id().equals(node.memberId()) || !ring.members().containsKey(formerOwner.id())) {
      return;
    }
    try {
      CopyRequest fetched = node.stub(formerOwner).fetch(KeysRequest.newBuilder()
          .setHeader(Header.newBuilder().setCache(group.name()).setEpoch(ring.epoch()))
          .addKeys(ByteString.copyFrom(keyBytes)).build());
      for (Copy copy : fetched.getCopiesList()) {
        if (copy.hasValue()) {
          copies.applyHandoff(key, decode(copy.getValue()), copy.getTtlNanos());
        }
      }
    } catch (StatusRuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "asking {0} for a moved key failed: {1}", formerOwner, e.getStatus());
    }
  }

  private Object decode(ByteString bytes) {
    return node.codec().decode(bytes.toByteArray(), node.classLoader());
  }

  private void sweep() {
    HashRing ring = node.ring();
    HashRing before = previous;
    boolean complete = true;
    for (Map.Entry<String, Replicator<Object>> entry : caches.entrySet()) {
      Group<Object, Object> group = node.localGroup(entry.getKey());
      if (group == null) {
        caches.remove(entry.getKey());
        continue;
      }
      try {
        complete &= sweep(entry.getKey(), group, entry.getValue().backups(), ring, before);
      } catch (RuntimeException e) {
        complete = false;
        LOG.log(System.Logger.Level.WARNING, "rebalancing cache ''" + entry.getKey() + "'' failed", e);
      }
    }
    if (complete && node.ring() == ring) {
      previous = ring;
    } else {
      schedule(); // some member refused or could not be reached: try again once things settle
    }
  }

  /** Returns whether every entry that had to move has moved. */
  private boolean sweep(String cache, Group<Object, Object> group, int backups, HashRing ring, HashRing before) {
    Copies<Object> copies = group.copies();
    String self = node.memberId();
    Map<HashRing.Member, List<Copies.Copy<Object>>> handoffs = new LinkedHashMap<>();
    Map<HashRing.Member, List<Copies.Copy<Object>>> newBackups = new LinkedHashMap<>();
    for (Object key : copies.ownedKeys()) {
      byte[] keyBytes = node.codec().encode(key);
      HashRing.Member owner = ring.owner(keyBytes);
      if (owner == null) {
        return false;
      }
      Copies.Copy<Object> copy = copies.readOwned(key);
      if (copy == null) {
        continue;
      }
      if (!owner.id().equals(self)) {
        handoffs.computeIfAbsent(owner, o -> new ArrayList<>()).add(copy);
        continue;
      }
      Set<HashRing.Member> had = before == null ? Set.of() : new HashSet<>(before.backups(keyBytes, backups));
      for (HashRing.Member backup : ring.backups(keyBytes, backups)) {
        if (!had.contains(backup) && !backup.id().equals(self)) {
          newBackups.computeIfAbsent(backup, b -> new ArrayList<>()).add(copy);
        }
      }
    }
    boolean complete = true;
    for (Map.Entry<HashRing.Member, List<Copies.Copy<Object>>> target : handoffs.entrySet()) {
      List<Copies.Copy<Object>> taken = send(cache, target.getKey(), target.getValue(), true, false);
      complete &= taken.size() == target.getValue().size();
      moved.addAndGet(taken.size());
      for (Copies.Copy<Object> copy : taken) {
        byte[] keyBytes = node.codec().encode(copy.key);
        boolean backupHere = ring.backups(keyBytes, backups).stream().anyMatch(m -> m.id().equals(self));
        copies.release(copy.key, backupHere);
      }
    }
    for (Map.Entry<HashRing.Member, List<Copies.Copy<Object>>> target : newBackups.entrySet()) {
      complete &= send(cache, target.getKey(), target.getValue(), false, false).size() == target.getValue().size();
    }
    for (Object key : copies.backupKeys()) {
      byte[] keyBytes = node.codec().encode(key);
      HashRing.Member owner = ring.owner(keyBytes);
      if (owner != null && owner.id().equals(self)) {
        copies.adopt(key);
      } else if (ring.backups(keyBytes, backups).stream().noneMatch(m -> m.id().equals(self))) {
        copies.dropBackup(key);
      }
    }
    return complete;
  }

  /** Sends copies in batches; returns the ones the target took. */
  private List<Copies.Copy<Object>> send(String cache, HashRing.Member target, List<Copies.Copy<Object>> copies,
      boolean handoff, boolean leaving) {
    List<Copies.Copy<Object>> taken = new ArrayList<>();
    for (int from = 0; from < copies.size(); from += BATCH) {
      CopyRequest.Builder request = CopyRequest.newBuilder().setLeaving(leaving)
          .setHeader(Header.newBuilder().setCache(cache).setEpoch(node.ring().epoch()));
      List<Copies.Copy<Object>> batch = copies.subList(from, Math.min(copies.size(), from + BATCH));
      for (Copies.Copy<Object> copy : batch) {
        Copy.Builder message = Copy.newBuilder()
            .setKey(ByteString.copyFrom(node.codec().encode(copy.key))).setTtlNanos(copy.ttlNanos);
        if (copy.value != null) {
          message.setValue(ByteString.copyFrom(node.codec().encode(copy.value)));
        }
        request.addCopies(message);
      }
      try {
        DoneResponse response = handoff ? node.stub(target).handoff(request.build()) : node.stub(target).backup(request.build());
        if (response.hasError()) {
          LOG.log(System.Logger.Level.WARNING, "{0} refused copies: {1}", target, response.getError().getMessage());
          continue;
        }
        Set<ByteString> refused = new HashSet<>(response.getRefusedKeysList());
        for (int i = 0; i < batch.size(); i++) {
          if (!refused.contains(request.getCopies(i).getKey())) {
            taken.add(batch.get(i));
          }
        }
      } catch (StatusRuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "sending copies to {0} failed: {1}", target, e.getStatus());
      }
    }
    return taken;
  }

  private HashRing without(HashRing ring, String memberId) {
    List<HashRing.Member> others = new ArrayList<>();
    for (HashRing.Member member : ring.members().values()) {
      if (!member.id().equals(memberId)) {
        others.add(member);
      }
    }
    return new HashRing(ring.epoch(), others, node.config().virtualNodes);
  }

  /** Before leaving: hands every owned entry to its owner in the ring without this member. */
  void handOffEverything() {
    HashRing without = without(node.ring(), node.memberId());
    if (without.isEmpty()) {
      return;
    }
    for (String cache : caches.keySet()) {
      Group<Object, Object> group = node.localGroup(cache);
      if (group == null) {
        continue;
      }
      Map<HashRing.Member, List<Copies.Copy<Object>>> byOwner = new LinkedHashMap<>();
      for (Copies.Copy<Object> copy : group.copies().allOwned()) {
        byOwner.computeIfAbsent(without.owner(node.codec().encode(copy.key)), o -> new ArrayList<>()).add(copy);
      }
      for (Map.Entry<HashRing.Member, List<Copies.Copy<Object>>> target : byOwner.entrySet()) {
        moved.addAndGet(send(cache, target.getKey(), target.getValue(), true, true).size());
      }
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
