package io.kamacache.cluster;

import io.grpc.StatusRuntimeException;
import io.kamacache.replication.Copies;
import io.kamacache.group.Group;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.SyncRequest;
import io.kamacache.proto.v1.SyncResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Moves entries when membership changes.
 *
 * <ul>
 *   <li>{@link #handOver}: an owned entry whose owner is now another member goes to that member,
 *       which keeps it only if it is newer than what it has, and is dropped here or kept as a
 *       backup. The {@link Barrier} runs this before any member serves a key it gained.
 *   <li>After the view settles, a sweep copies owned entries to backups they did not have, adopts
 *       the backup copies of keys this member now owns (their owner died or left), and drops
 *       backup copies this member no longer needs.
 * </ul>
 *
 * <p>A member that leaves gracefully hands everything it owns to the new owners before it leaves
 * the ring.
 */
final class Rebalancer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Rebalancer.class.getName());
  /** Membership often changes in bursts (a restarted etcd, a rolling restart): copy backups once it settles. */
  private static final long SETTLE_MILLIS = 1_000;

  private final Peers peers;
  private final CacheHost host;
  private final SettledRing settledRing;
  private final Map<String, Replicator<Object>> caches = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "kamacache-rebalance");
    thread.setDaemon(true);
    return thread;
  });
  /** Guards {@link #scheduled} alone: ring callbacks must never wait for a sweep that holds key locks. */
  private final Object scheduling = new Object();
  private ScheduledFuture<?> scheduled;
  /** The ring the last complete sweep copied backups for. */
  private volatile HashRing swept;
  /** The ring under which every owned entry is on its backups, whether or not old backup copies are dropped yet. */
  private volatile HashRing backedUp;
  /** The ring under which every owned entry this member does not own has been handed over. */
  private volatile HashRing handedOverFor;
  private final ClusterMetrics metrics;

  Rebalancer(Peers peers, CacheHost host, SettledRing settledRing, ClusterMetrics metrics) {
    this.peers = peers;
    this.host = host;
    this.settledRing = settledRing;
    this.metrics = metrics;
  }

  void register(String cache, Replicator<Object> replicator) {
    caches.put(cache, replicator);
  }

  void onRing(HashRing next) {
    schedule();
  }

  private void schedule() {
    synchronized (scheduling) {
      if (scheduled != null) {
        scheduled.cancel(false);
      }
      if (sweeper.isShutdown()) {
        return; // closed: a view arriving while the node shuts down has nothing left to move
      }
      try {
        scheduled = sweeper.schedule((Runnable) this::sweep, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closedMeanwhile) {
        // shut down between the check and the schedule: as above
      }
    }
  }

  /** Whether the data of the current ring is where it belongs, as far as this member knows. */
  boolean settled() {
    HashRing ring = peers.ring();
    return swept == ring && settledRing.get() == ring;
  }

  /** The fewest backups any cache here keeps: as many members can vanish at once without losing entries. */
  int fewestBackups() {
    int fewest = Integer.MAX_VALUE;
    for (Replicator<Object> replicator : caches.values()) {
      fewest = Math.min(fewest, replicator.backups());
    }
    return fewest == Integer.MAX_VALUE ? 1 : fewest;
  }

  /** Makes a key about to be served here hold its newest data: adopts a newer backup copy, if any. */
  void prepare(Group<Object, Object> group, Object key) {
    Copies<Object> copies = group.copies();
    if (copies.mayHoldBackup(key)) {
      copies.adopt(key);
    }
  }

  /**
   * Hands every owned entry this member does not own under {@code ring} to its owner there, and
   * the backup copies whose owner changed (see {@link #backupsOfNewOwners}). Returns whether all
   * of them arrived (or were older than what their owner has).
   */
  boolean handOver(HashRing ring) {
    // Asked on every Sync: a member busy handing over must still answer at once when it is done.
    return handedOverFor == ring || handOverUnderLock(ring);
  }

  private synchronized boolean handOverUnderLock(HashRing ring) {
    if (handedOverFor == ring) {
      return true;
    }
    if (peers.ring() != ring) {
      return false;
    }
    boolean complete = true;
    String self = peers.memberId();
    for (String cache : caches.keySet()) {
      Group<Object, Object> group = host.group(cache);
      if (group == null) {
        continue;
      }
      Copies<Object> copies = group.copies();
      Map<HashRing.Member, List<Copies.Copy<Object>>> handoffs = new LinkedHashMap<>();
      for (Object key : copies.ownedKeys()) {
        HashRing.Member owner = ring.owner(peers.codec().encode(key));
        if (owner == null) {
          return false;
        }
        if (!owner.id().equals(self)) {
          Copies.Copy<Object> copy = copies.readOwned(key);
          if (copy != null) {
            handoffs.computeIfAbsent(owner, o -> new ArrayList<>()).add(copy);
          }
        }
      }
      for (Copies.Copy<Object> removal : copies.removalsOf(key -> !isSelf(ring.owner(peers.codec().encode(key))))) {
        HashRing.Member owner = ring.owner(peers.codec().encode(removal.key));
        handoffs.computeIfAbsent(owner, o -> new ArrayList<>()).add(removal);
      }
      int backups = caches.get(cache).backups();
      // Copies refused for good (the cache is gone there) have nowhere to go: they do not hold the view up.
      List<Copies.Copy<Object>> hopeless = new ArrayList<>();
      for (Map.Entry<HashRing.Member, List<Copies.Copy<Object>>> target : backupsOfNewOwners(copies, ring).entrySet()) {
        hopeless.clear();
        complete &= send(cache, target.getKey(), target.getValue(), true, false, hopeless).size()
            + hopeless.size() == target.getValue().size();
      }
      for (Map.Entry<HashRing.Member, List<Copies.Copy<Object>>> target : handoffs.entrySet()) {
        hopeless.clear();
        List<Copies.Copy<Object>> taken = send(cache, target.getKey(), target.getValue(), true, false, hopeless);
        complete &= taken.size() + hopeless.size() == target.getValue().size();
        metrics.moved(taken.size());
        for (Copies.Copy<Object> copy : taken) {
          if (copy.value == null) {
            continue; // a removal: nothing here to release
          }
          byte[] keyBytes = peers.codec().encode(copy.key);
          boolean backupHere = ring.backups(keyBytes, backups).stream().anyMatch(m -> m.id().equals(self));
          copies.release(copy.key, backupHere);
        }
      }
    }
    if (complete && peers.ring() == ring) {
      handedOverFor = ring;
    }
    return complete;
  }

  /**
   * The backup copies held here of keys whose owner under {@code ring} is another member than in
   * the last view this member settled, by new owner. When an owner dies right after a join, its
   * key can pass to a member that never held a copy, while the copy is here: handed over with the
   * rest before anyone serves the key, it is not lost. The new owner keeps it only if it is newer.
   */
  private Map<HashRing.Member, List<Copies.Copy<Object>>> backupsOfNewOwners(Copies<Object> copies, HashRing ring) {
    HashRing before = settledRing.get();
    Map<HashRing.Member, List<Copies.Copy<Object>>> byOwner = new LinkedHashMap<>();
    for (Object key : copies.backupKeys()) {
      byte[] keyBytes = peers.codec().encode(key);
      HashRing.Member owner = ring.owner(keyBytes);
      if (owner == null || isSelf(owner) || (before != null && owner.equals(before.owner(keyBytes)))) {
        continue; // adopted here when served, or still with the owner that sent it
      }
      Copies.Copy<Object> copy = copies.readBackup(key);
      if (copy != null) {
        byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(copy);
      }
    }
    return byOwner;
  }

  private void sweep() {
    HashRing ring = peers.ring();
    if (settledRing.get() != ring) {
      schedule(); // backups follow the owners, who are known only once the view settles
      return;
    }
    boolean complete = handOver(ring);
    boolean copied = true;
    Map<Copies<Object>, Map<HashRing.Member, List<Object>>> unneeded = new LinkedHashMap<>();
    for (Map.Entry<String, Replicator<Object>> entry : caches.entrySet()) {
      Group<Object, Object> group = host.group(entry.getKey());
      if (group == null) {
        caches.remove(entry.getKey());
        continue;
      }
      try {
        copied &= sweep(entry.getKey(), group, entry.getValue().backups(), ring, unneeded);
      } catch (RuntimeException e) {
        copied = false;
        LOG.log(System.Logger.Level.WARNING, "rebalancing cache ''" + entry.getKey() + "'' failed", e);
      }
    }
    if (copied && peers.ring() == ring) {
      backedUp = ring; // owners asking whether they may drop their old copies are told at once
    }
    complete &= copied && dropUnneeded(unneeded, ring);
    if (complete && peers.ring() == ring) {
      swept = ring;
    } else {
      schedule(); // some member refused or could not be reached: try again once things settle
    }
  }

  /** Whether every entry this member owns under {@code ring} is on that ring's backups (see {@link Barrier#answer}). */
  boolean backedUp(HashRing ring) {
    HashRing done = backedUp;
    return done != null && done.view().equals(ring.view());
  }

  /**
   * Copies owned entries to their backups, adopts the backup copies of keys now owned here, and
   * collects in {@code unneeded} the backup copies this member no longer needs, by owner; returns
   * whether every copy arrived.
   */
  private boolean sweep(String cache, Group<Object, Object> group, int backups, HashRing ring,
      Map<Copies<Object>, Map<HashRing.Member, List<Object>>> unneeded) {
    Copies<Object> copies = group.copies();
    String self = peers.memberId();
    for (Object key : copies.backupKeys()) {
      byte[] keyBytes = peers.codec().encode(key);
      HashRing.Member owner = ring.owner(keyBytes);
      if (owner != null && owner.id().equals(self)) {
        copies.adopt(key);
      } else if (owner != null && ring.backups(keyBytes, backups).stream().noneMatch(m -> m.id().equals(self))) {
        unneeded.computeIfAbsent(copies, c -> new LinkedHashMap<>()).computeIfAbsent(owner, o -> new ArrayList<>())
            .add(key);
      }
    }
    return backups == 0 || copyToBackups(cache, copies, backups, ring);
  }

  /**
   * Drops backup copies this member no longer needs, but only those whose owner has put the key on
   * its new backups: until then the copy here may be the only one besides the owner's. Returns
   * whether all were dropped.
   */
  private boolean dropUnneeded(Map<Copies<Object>, Map<HashRing.Member, List<Object>>> unneeded, HashRing ring) {
    Map<HashRing.Member, Boolean> asked = new HashMap<>();
    boolean all = true;
    for (Map.Entry<Copies<Object>, Map<HashRing.Member, List<Object>>> cache : unneeded.entrySet()) {
      for (Map.Entry<HashRing.Member, List<Object>> drop : cache.getValue().entrySet()) {
        if (asked.computeIfAbsent(drop.getKey(), owner -> ownerBackedUp(owner, ring))) {
          drop.getValue().forEach(cache.getKey()::dropBackup);
        } else {
          all = false;
        }
      }
    }
    return all;
  }

  /** Asks a key's owner whether it has put its entries on their backups under {@code ring}. */
  private boolean ownerBackedUp(HashRing.Member owner, HashRing ring) {
    SyncRequest request = SyncRequest.newBuilder()
        .setHeader(Header.newBuilder().setEpoch(peers.epoch()).setSender(peers.memberId()))
        .setView(ring.view()).build();
    try {
      SyncResponse response = peers.stub(owner).sync(request);
      return !response.hasError() && response.getView().equals(ring.view()) && response.getBackedUp();
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** Puts every entry owned here on each of its backups under {@code ring}; returns whether all arrived. */
  private boolean copyToBackups(String cache, Copies<Object> copies, int backups, HashRing ring) {
    String self = peers.memberId();
    // Every backup of every owned key gets the entry again: a receiver keeps the newer state, so
    // this is safe, and it restores a copy lost with a member that died.
    Map<HashRing.Member, List<Copies.Copy<Object>>> byBackup = new LinkedHashMap<>();
    for (Object key : copies.ownedKeys()) {
      byte[] keyBytes = peers.codec().encode(key);
      HashRing.Member owner = ring.owner(keyBytes);
      if (owner == null || !owner.id().equals(self)) {
        continue;
      }
      Copies.Copy<Object> copy = copies.readOwned(key);
      if (copy == null) {
        continue;
      }
      for (HashRing.Member backup : ring.backups(keyBytes, backups)) {
        if (!backup.id().equals(self)) {
          byBackup.computeIfAbsent(backup, b -> new ArrayList<>()).add(copy);
        }
      }
    }
    boolean complete = true;
    for (Map.Entry<HashRing.Member, List<Copies.Copy<Object>>> target : byBackup.entrySet()) {
      complete &= send(cache, target.getKey(), target.getValue(), false, false).size() == target.getValue().size();
    }
    return complete;
  }

  /** Sends copies in batches; returns the ones the target took. */
  private List<Copies.Copy<Object>> send(String cache, HashRing.Member target, List<Copies.Copy<Object>> copies,
      boolean handoff, boolean leaving) {
    return send(cache, target, copies, handoff, leaving, new ArrayList<>());
  }

  /** As above; copies the target refused for good (it has no such cache, say) go to {@code hopeless}. */
  private List<Copies.Copy<Object>> send(String cache, HashRing.Member target, List<Copies.Copy<Object>> copies,
      boolean handoff, boolean leaving, List<Copies.Copy<Object>> hopeless) {
    HashRing ring = peers.ring();
    CopyRequest template = CopyRequest.newBuilder().setLeaving(leaving)
        .setHeader(Header.newBuilder().setCache(cache).setEpoch(peers.epoch()).setSender(peers.memberId())).build();
    return CopyBatches.send(target.toString(), template, copies,
        copy -> Replicator.message(peers.codec(), copy.key, copy.value, copy.ttlNanos, copy.version),
        request -> handoff ? peers.stub(target).handoff(request) : peers.stub(target).backup(request),
        // A member that left or died is no news; one still in the ring that cannot be reached is.
        () -> peers.ring() == ring, () -> peers.ring().members().containsKey(target.id()), hopeless);
  }

  private boolean isSelf(HashRing.Member member) {
    return member != null && member.id().equals(peers.memberId());
  }

  private HashRing without(HashRing ring, String memberId) {
    List<HashRing.Member> others = new ArrayList<>();
    for (HashRing.Member member : ring.members().values()) {
      if (!member.id().equals(memberId)) {
        others.add(member);
      }
    }
    return new HashRing(ring.epoch(), others, peers.config().virtualNodes);
  }

  /**
   * Before leaving: hands every owned entry to its owner in the ring without this member, and puts
   * it on that ring's backups too, so that the entry is on as many members as its writes were
   * acknowledged on before the new owner's first sweep. Asks again, following the members' views,
   * while anyone refuses (a member still joining), until the request timeout; returns whether
   * everything arrived. With {@code release}, what arrived is dropped here: a drained member keeps
   * running, and holds only what could not be handed over.
   */
  boolean handOffEverything(boolean release) {
    long deadline = System.nanoTime() + peers.config().timeout.toNanos();
    long pause = 20;
    while (true) {
      int missing = handOffEverythingOnce(release);
      if (missing == 0) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        LOG.log(System.Logger.Level.WARNING, "{0} leaves with {1} entries not handed over: their owners refused them"
            + " or could not be reached; what their backups hold survives", peers.memberId(), missing);
        return false;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause = Math.min(250, pause * 2);
      peers.refreshRing();
    }
  }

  /** One round of {@link #handOffEverything}; returns how many copies were not taken and may be on a retry. */
  private synchronized int handOffEverythingOnce(boolean release) {
    HashRing without = without(peers.ring(), peers.memberId());
    if (without.isEmpty()) {
      return 0;
    }
    int missing = 0;
    for (String cache : caches.keySet()) {
      Group<Object, Object> group = host.group(cache);
      if (group == null) {
        continue;
      }
      int backups = caches.get(cache).backups();
      Map<HashRing.Member, List<Copies.Copy<Object>>> byOwner = new LinkedHashMap<>();
      Map<HashRing.Member, List<Copies.Copy<Object>>> byBackup = new LinkedHashMap<>();
      List<Copies.Copy<Object>> everything = new ArrayList<>(group.copies().allOwned());
      everything.addAll(group.copies().removalsOf(key -> true));
      for (Copies.Copy<Object> copy : everything) {
        byte[] keyBytes = peers.codec().encode(copy.key);
        HashRing.Member owner = without.owner(keyBytes);
        byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(copy);
        for (HashRing.Member backup : without.backups(keyBytes, backups)) {
          if (!backup.id().equals(owner.id())) {
            byBackup.computeIfAbsent(backup, b -> new ArrayList<>()).add(copy);
          }
        }
      }
      List<Copies.Copy<Object>> hopeless = new ArrayList<>();
      for (Map.Entry<HashRing.Member, List<Copies.Copy<Object>>> target : byOwner.entrySet()) {
        List<Copies.Copy<Object>> arrived = send(cache, target.getKey(), target.getValue(), true, true, hopeless);
        int taken = arrived.size();
        metrics.moved(taken);
        missing += target.getValue().size() - taken;
        for (Copies.Copy<Object> copy : release ? arrived : List.<Copies.Copy<Object>>of()) {
          if (copy.value != null) {
            group.copies().release(copy.key, false);
          }
        }
      }
      missing -= hopeless.size(); // no retry changes an answer such as "no cache of that name"
      // The backups are a head start on the new owner's first sweep, not a condition for leaving:
      // a member that owns the key in its own, newer view refuses them, rightly.
      for (Map.Entry<HashRing.Member, List<Copies.Copy<Object>>> target : byBackup.entrySet()) {
        send(cache, target.getKey(), target.getValue(), false, true);
      }
    }
    return missing;
  }

  /** A new incarnation hands over and sweeps again, whatever the old one had done. */
  synchronized void startOver() {
    handedOverFor = null;
    swept = null;
    backedUp = null;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
