package io.kamacache.cluster;

import io.kamacache.transport.PeerServer;
import javax.cache.CacheException;

/**
 * A node's {@link MemberState}, and the drain that moves it out of the ring while it keeps
 * running. The phases this class sets (joining, open, draining, closed) come first; within the
 * open phase a member is FENCED while its lease is unproven or a new incarnation has not yet
 * caught up, as {@link Ownership} refuses its keys then too.
 */
final class Lifecycle {

  private static final System.Logger LOG = System.getLogger(Lifecycle.class.getName());

  private enum Phase { JOINING, OPEN, DRAINING, CLOSED }

  private final Peers peers;
  private final Ownership ownership;
  private final SettledRing settled;
  private final Rebalancer rebalancer;
  private final LocalCaches caches;
  /** Null for a client, which has no server. */
  private final PeerServer server;
  private volatile Phase phase = Phase.JOINING;
  /** Set once this member has lost a lease: a view without it then means fenced, not joining. */
  private volatile boolean lostOnce;
  /** The outcome of the one drain: null until it has run. */
  private Boolean handedOver;

  Lifecycle(Peers peers, Ownership ownership, SettledRing settled, Rebalancer rebalancer, LocalCaches caches,
      PeerServer server) {
    this.caches = caches;
    this.peers = peers;
    this.ownership = ownership;
    this.settled = settled;
    this.rebalancer = rebalancer;
    this.server = server;
  }

  MemberState state() {
    switch (phase) {
      case JOINING:
        return MemberState.JOINING;
      case DRAINING:
        return MemberState.DRAINING;
      case CLOSED:
        return MemberState.CLOSED;
      default:
        break;
    }
    if (!peers.ownsKeys()) {
      return MemberState.SERVING;
    }
    if (!ownership.leaseProven()) {
      return MemberState.FENCED;
    }
    HashRing.Member me = peers.ring().members().get(peers.memberId());
    // A member serves only keys it owned in a settled view, so before its first settles it serves nothing.
    if (me == null || !me.incarnation().equals(peers.incarnation()) || settled.get() == null) {
      return lostOnce ? MemberState.FENCED : MemberState.JOINING;
    }
    return MemberState.SERVING;
  }

  /** Whether this member takes part in membership changes (barriers, rebalancing): not once it drains or closes. */
  boolean inRing() {
    Phase now = phase;
    return now == Phase.JOINING || now == Phase.OPEN;
  }

  /** The node has learnt the caches and serves. */
  void opened() {
    if (phase == Phase.JOINING) {
      phase = Phase.OPEN;
    }
  }

  /** This member lost its lease; see {@link Registration#lost}. */
  void lost() {
    lostOnce = true;
  }

  /**
   * Whether to start closing now: false if the node was already closed. A drained member closes
   * as any other; its hand-off and leave find nothing left to do.
   */
  synchronized boolean closing() {
    if (phase == Phase.CLOSED) {
      return false;
    }
    phase = Phase.CLOSED;
    return true;
  }

  /**
   * Drains this member: it stops serving, hands every entry it owns to its owner in the ring
   * without it (and to that ring's backups), and leaves the ring by revoking its lease, exactly as
   * a graceful close does, but the node, its server and its cache manager keep running: callers
   * told NOT_OWNER go to the new owners, and the operator can look at it before stopping it. A
   * second call waits for the first and returns its outcome.
   *
   * @return whether every entry reached its new owner (what did not survives on its backups)
   * @throws IllegalStateException for a client, a closed node, or the last member of the ring,
   *     whose entries would have nowhere to go
   */
  synchronized boolean drain() {
    if (handedOver != null) {
      return handedOver;
    }
    if (!peers.ownsKeys()) {
      throw new IllegalStateException("'" + peers.memberId() + "' is a client: it owns no keys, so there is"
          + " nothing to drain");
    }
    if (phase == Phase.CLOSED) {
      throw new IllegalStateException("member '" + peers.memberId() + "' is closed");
    }
    HashRing ring = peers.ring();
    boolean othersServe = ring.members().keySet().stream().anyMatch(id -> !id.equals(peers.memberId()));
    if (!othersServe) {
      throw new IllegalStateException("member '" + peers.memberId() + "' is the only member in its ring (epoch "
          + ring.epoch() + "): draining it would leave its entries nowhere to go; start another member first");
    }
    phase = Phase.DRAINING;
    LOG.log(System.Logger.Level.INFO, "member {0} drains: handing its entries over and leaving the ring",
        peers.memberId());
    ownership.serving(false);
    if (server != null) {
      server.serving(false);
    }
    // As when closing: it takes no handoffs (it would have to hand them on), only backups until it is out.
    caches.open(false);
    boolean all;
    try {
      all = rebalancer.handOffEverything(true);
      peers.membership().leave();
    } catch (RuntimeException e) {
      throw new CacheException("draining member '" + peers.memberId() + "' failed: " + e, e);
    }
    handedOver = all;
    LOG.log(System.Logger.Level.INFO, "member {0} is drained{1}; it keeps running until it is stopped",
        peers.memberId(), all ? "" : " (some entries only on their backups)");
    return all;
  }
}
