package io.kamacache.cluster;

import io.grpc.StatusRuntimeException;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.SyncRequest;
import io.kamacache.proto.v1.SyncResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The barrier after a membership change. A member settles a view once every other member in it
 * has answered a Sync with the same view, after handing over the entries it no longer owns. Until
 * then it serves only the keys it owned in its last settled view ({@link Ownership}): so a key it
 * gained is served only once its previous owner has stopped serving it and handed it over.
 *
 * <p>Why this suffices: with consistent hashing, two members that are both in a view never both
 * own a key in any views containing both. So two members serving one key at once would need one
 * of them missing from the other's view; but a member settles its first view only after everyone
 * in it (the other one included) has caught up to a view showing it, and views only move forward.
 */
final class Barrier {

  private static final System.Logger LOG = System.getLogger(Barrier.class.getName());
  /** How soon a barrier that could not complete is tried again: members catch up within milliseconds. */
  private static final long RETRY_MILLIS = 50;

  private final Peers peers;
  private final Rebalancer rebalancer;
  private final ScheduledExecutorService executor;
  private final SettledRing settled;
  /** Members to see again before settling, and until when; see {@link #waitingForMembers}. Guarded by this. */
  private Set<String> awaited = Set.of();
  private long awaitUntil;
  /** The settled view the last wait was measured against, so that a wait that ran out is not armed again. */
  private HashRing armedAgainst;
  /** Whether the members awaited since the wait was armed were checked against those that left on purpose. */
  private boolean awaitedFiltered;
  /** The view whose departed members {@link #asked} and {@link #onPurpose} are about. Guarded by this. */
  private HashRing askedFor;
  private final Set<String> asked = new HashSet<>();
  private final Set<String> onPurpose = new HashSet<>();
  /** Two lease TTLs: members that lost their leases together come back within about one. */
  private final long graceNanos;

  Barrier(Peers peers, SettledRing settled, Rebalancer rebalancer, ScheduledExecutorService executor,
      long leaseTtlNanos) {
    this.peers = peers;
    this.settled = settled;
    this.rebalancer = rebalancer;
    this.executor = executor;
    this.graceNanos = 2 * leaseTtlNanos;
  }

  /**
   * Forgets the settled view: a new incarnation gained every key it owns. Like a member that sees
   * several members vanish at once (see {@link #waitingForMembers}), it first waits to see again
   * every member of the view it had settled.
   */
  void reset() {
    HashRing before = settled.get();
    synchronized (this) {
      awaited = before == null ? Set.of() : Set.copyOf(before.members().keySet());
      awaitUntil = System.nanoTime() + graceNanos;
      armedAgainst = before;
      awaitedFiltered = false;
    }
    settled.set(null);
    onRing();
  }

  /**
   * Whether to hold off settling {@code ring}: it lacks more members of the last settled view than
   * the caches keep backups, so the entries only they held are not here. When etcd loses several
   * leases at once, those members come back within about a TTL, with the entries; a member that
   * settled without them would serve their keys empty. So it waits for them, up to
   * {@link #graceNanos}, and then settles: members that do not come back in that time are dead.
   */
  private synchronized boolean waitingForMembers(HashRing ring) {
    HashRing before = settled.get();
    if (awaited.isEmpty() && before != null && before != armedAgainst) {
      Set<String> departed = new HashSet<>(before.members().keySet());
      departed.removeAll(ring.members().keySet());
      if (departed.size() > rebalancer.fewestBackups()) {
        // Members that left on purpose handed everything over first: only the others are missed.
        departed.removeAll(leftOnPurpose(before, departed));
      }
      if (departed.size() > rebalancer.fewestBackups()) {
        awaited = departed;
        awaitUntil = System.nanoTime() + graceNanos;
        armedAgainst = before;
        awaitedFiltered = true; // already filtered above
      }
    }
    if (awaited.isEmpty()) {
      return false;
    }
    if (!awaitedFiltered && !ring.members().keySet().containsAll(awaited) && armedAgainst != null) {
      awaitedFiltered = true; // one read of etcd per wait
      Set<String> missing = new HashSet<>(awaited);
      missing.removeAll(ring.members().keySet());
      Set<String> still = new HashSet<>(awaited);
      still.removeAll(leftOnPurpose(armedAgainst, missing));
      awaited = still;
    }
    if (!ring.members().keySet().containsAll(awaited) && System.nanoTime() - awaitUntil < 0) {
      return true;
    }
    awaited = Set.of();
    return false;
  }

  /**
   * Which of {@code ids}, members of {@code view}, left on purpose. Asks etcd only about members
   * not asked about before for this view, since attempts repeat every {@link #RETRY_MILLIS}.
   */
  private Set<String> leftOnPurpose(HashRing view, Set<String> ids) {
    if (view != askedFor) {
      askedFor = view;
      asked.clear();
      onPurpose.clear();
    }
    Map<String, String> incarnations = new HashMap<>();
    for (String id : ids) {
      if (asked.add(id)) {
        incarnations.put(id, view.members().get(id).incarnation());
      }
    }
    if (!incarnations.isEmpty()) {
      onPurpose.addAll(peers.leftOnPurpose(incarnations));
    }
    Set<String> found = new HashSet<>(ids);
    found.retainAll(onPurpose);
    return found;
  }

  /** The view changed: settle it as soon as everyone agrees. Attempts run one at a time. */
  void onRing() {
    executor.execute(this::attempt);
  }

  private void retryLater() {
    executor.schedule(this::attempt, RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void attempt() {
    HashRing ring = peers.ring();
    if (ring == settled.get()) {
      return;
    }
    HashRing.Member me = ring.members().get(peers.memberId());
    if (me == null || !me.incarnation().equals(peers.incarnation())) {
      return; // the view that shows this incarnation will call again
    }
    if (waitingForMembers(ring)) {
      retryLater();
      return;
    }
    try {
      if (settle(ring)) {
        if (peers.ring() == ring) {
          settled.set(ring);
          LOG.log(System.Logger.Level.DEBUG, "{0} settled {1}", peers.memberId(), ring);
        }
        return;
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "settling {0} failed: {1}", ring, e.toString());
    }
    if (peers.ring() == ring) {
      retryLater();
    }
  }

  /** Whether every other member has the same view and has handed over what it no longer owns. */
  private boolean settle(HashRing ring) {
    // Hand over first: the members that gained our keys wait for them.
    if (!rebalancer.handOver(ring)) {
      return false;
    }
    SyncRequest request = SyncRequest.newBuilder()
        .setHeader(Header.newBuilder().setEpoch(peers.epoch()).setSender(peers.memberId()))
        .setView(ring.view()).build();
    for (HashRing.Member member : ring.members().values()) {
      if (member.id().equals(peers.memberId())) {
        continue;
      }
      SyncResponse response;
      try {
        response = peers.stub(member).sync(request);
      } catch (StatusRuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "sync with {0} failed: {1}", member, e.getStatus());
        return false;
      }
      if (response.hasError() || !response.getHandedOver()) {
        return false;
      }
      if (!response.getView().equals(ring.view())) {
        peers.catchUp(response.getEpoch()); // they have seen more than we have; the new view calls again
        return false;
      }
    }
    return true;
  }

  /**
   * Answers another member's Sync: catches up to its epoch, and if the views agree, hands over
   * what this member no longer owns under it before answering.
   */
  SyncResponse answer(SyncRequest request) {
    peers.catchUp(request.getHeader().getEpoch());
    HashRing ring = peers.ring();
    SyncResponse.Builder response = SyncResponse.newBuilder().setEpoch(peers.epoch()).setView(ring.view());
    if (ring.view().equals(request.getView())) {
      response.setHandedOver(rebalancer.handOver(ring));
      response.setBackedUp(rebalancer.backedUp(ring));
      if (ring != settled.get()) {
        onRing(); // our own barrier may be waiting on this view too
      }
    }
    return response.build();
  }
}
