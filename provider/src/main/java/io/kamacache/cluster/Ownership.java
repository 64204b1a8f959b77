package io.kamacache.cluster;

import io.kamacache.replication.Replication;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ownership rule, in one place: whether this member may serve a key now. It may when
 *
 * <ul>
 *   <li>it is open and not leaving;
 *   <li>its lease is proven alive ({@link Membership#leaseProven}), so etcd cannot have given its
 *       keys to anyone else;
 *   <li>its current view shows this incarnation of it, and it owns the key in that view;
 *   <li>and it owned the key already in the last view whose barrier completed ({@link Barrier}),
 *       or that view is the current one: a key it has gained waits until every other member has
 *       caught up and handed over what it no longer owns.
 * </ul>
 *
 * <p>Permission is a {@link Claim} on the current ring. An operation that changes a key checks its
 * claim again under the key's lock, just before the change ({@link #checkChange}); one that only
 * reads checks it after reading ({@link #serve}). Either way, no operation acts on a ring that has
 * moved on, and a refusal comes before anything happened, so the caller can send it again.
 */
final class Ownership {

  /** Why this member refuses a key; the caller is told NOT_OWNER and tries again. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long epoch;

    Refused(String why, long epoch) {
      super(why, null, false, false);
      this.epoch = epoch;
    }
  }

  /** Permission to serve some keys while {@link #ring} is current and the lease stays proven. */
  static final class Claim {
    /** Moved on by {@link #stillOwns} only, on the thread that runs the operation. */
    HashRing ring;
    final String incarnation;
    /** {@code System.nanoTime()} past which the caller has stopped waiting. */
    final long deadline;
    /** The key's codec bytes when the claim is on one key: a change need not encode it again. */
    final byte[] onlyKey;
    /** Whether a change was made under this claim: its result then stands whatever happens next. */
    boolean changed;
    /**
     * Whether each key's change stands alone, as in putAll and removeAll: once some changed, a
     * lapsed claim still refuses the next key alone, for the caller to send it again.
     */
    boolean keyByKey;

    Claim(HashRing ring, String incarnation, long deadline, byte[] onlyKey) {
      this.ring = ring;
      this.incarnation = incarnation;
      this.deadline = deadline;
      this.onlyKey = onlyKey;
    }
  }

  /**
   * How often a wait for the lease proof looks again: a keepalive's answer restores the proof at
   * once, and a few ms more on an operation that has already waited for etcd cost little.
   */
  private static final long PROOF_POLL_MILLIS = 5;

  /** The claim of the operation running on this thread, for the change check under the key's lock. */
  private static final ThreadLocal<Claim> CURRENT = new ThreadLocal<>();

  private final Membership membership;
  private final SettledRing settled;
  private final String self;
  private volatile boolean serving;

  Ownership(Membership membership, SettledRing settled, String self) {
    this.membership = membership;
    this.settled = settled;
    this.self = self;
  }

  /** Whether this member's lease is proven alive now; see {@link Membership#leaseProven}. */
  boolean leaseProven() {
    return membership.leaseProven();
  }

  /** Starts or stops serving: closed until the member is open, and again once it starts leaving. */
  void serving(boolean serving) {
    this.serving = serving;
  }

  /**
   * Runs {@code operation} on keys this member must own, with a claim on them current on this
   * thread. Throws {@link Refused} if it may not serve them, or if the ring moved while an
   * operation that changed nothing ran.
   */
  <T> T serve(Iterable<byte[]> keys, long deadline, Supplier<T> operation) {
    Claim claim = claim(keys, deadline);
    Claim outer = CURRENT.get();
    CURRENT.set(claim);
    try {
      T result = operation.get();
      if (!claim.changed) {
        // A read is good only if the key was ours throughout; if not, nothing changed, so ask again.
        check(claim);
      }
      return result;
    } finally {
      CURRENT.set(outer);
    }
  }

  private Claim claim(Iterable<byte[]> keys, long deadline) {
    HashRing ring = membership.ring();
    String incarnation = membership.incarnation();
    if (!serving) {
      throw new Refused("not serving: joining or leaving", membership.revision());
    }
    if (!membership.leaseProven()) {
      throw new Refused("cannot prove its etcd lease is alive", membership.revision());
    }
    HashRing.Member me = ring.members().get(self);
    if (me == null || !me.incarnation().equals(incarnation)) {
      throw new Refused("its view does not show it yet", membership.revision());
    }
    HashRing settled = this.settled.get();
    byte[] onlyKey = null;
    int count = 0;
    for (byte[] key : keys) {
      onlyKey = key;
      count++;
      HashRing.Member owner = ring.owner(key);
      if (owner == null || !owner.id().equals(self)) {
        throw new Refused("not the owner", membership.revision());
      }
      if (settled != ring && !ownedIn(settled, key)) {
        throw new Refused("gained the key and is waiting for the others to hand it over", membership.revision());
      }
    }
    return new Claim(ring, incarnation, deadline, count == 1 ? onlyKey : null);
  }

  private boolean ownedIn(HashRing ring, byte[] key) {
    if (ring == null) {
      return false;
    }
    HashRing.Member owner = ring.owner(key);
    return owner != null && owner.id().equals(self) && owner.incarnation().equals(membership.incarnation());
  }

  /** Throws {@link Refused} unless the claim still holds: the same ring, incarnation and a proven lease. */
  private void check(Claim claim) {
    if (!holds(claim)) {
      throw new Refused("membership changed while the operation ran", membership.revision());
    }
  }

  private boolean holds(Claim claim) {
    return serving && membership.ring() == claim.ring && membership.leaseProven()
        && membership.incarnation().equals(claim.incarnation);
  }

  /**
   * Called under a key's lock just before a change: returns the claim it is made under (null for
   * changes no caller routed, such as a whole-cache removal, which only need a proven lease).
   * Throws {@link Replication.Refused} if the claim no longer holds and nothing has changed yet
   * under it, or its keys change one by one; else {@link Replication.Failed} if some of its
   * changes were already made.
   */
  Claim checkChange() {
    Claim claim = CURRENT.get();
    if (claim == null) {
      if (!serving || !membership.leaseProven()) {
        throw new Replication.Refused("this member cannot prove its etcd lease is alive");
      }
      return null;
    }
    if (!holds(claim)) {
      if (claim.changed && !claim.keyByKey) {
        throw new Replication.Failed("membership changed during a bulk operation: some of its keys changed,"
            + " the rest did not", null);
      }
      throw new Replication.Refused("membership changed before the change was made");
    }
    return claim;
  }

  /**
   * After a change under the running operation's claim was refused: waits while the only thing
   * wrong with the claim is a lease proof that has lapsed, for at most half the time its caller has
   * left (the other half carries the answer back), and returns whether the claim holds now. The
   * proof comes back only from a keepalive etcd answered for this same lease, which it could not
   * have done had the lease expired, so no other member can have served these keys meanwhile; and
   * the change is checked again as usual ({@link #checkChange}, {@link #checkLease}).
   */
  boolean awaitClaim() {
    Claim claim = CURRENT.get();
    if (claim == null) {
      return false;
    }
    long until = System.nanoTime() + (claim.deadline - System.nanoTime()) / 2;
    while (!holds(claim)) {
      if (!serving || membership.ring() != claim.ring || !membership.incarnation().equals(claim.incarnation)
          || until - System.nanoTime() <= 0) {
        return false;
      }
      try {
        Thread.sleep(PROOF_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Marks the claim as one whose keys change one by one, each standing alone ({@link Claim#keyByKey}). */
  void keyByKey(Claim claim) {
    if (claim != null) {
      claim.keyByKey = true;
    }
  }

  /** Marks the running operation's claim as having made a change, once the change is on its backups. */
  void changed(Claim claim) {
    if (claim != null) {
      claim.changed = true;
    }
  }

  /**
   * Whether the claim still permits a change to {@code key} after the ring moved under it: the
   * key's owner and its barrier are unchanged in the new ring. A write waiting for a backup that
   * died goes on with the next ring's backup this way.
   */
  boolean stillOwns(Claim claim, byte[] key) {
    try {
      Claim renewed = claim(List.of(key), claim.deadline);
      if (!renewed.incarnation.equals(claim.incarnation)) {
        return false;
      }
      claim.ring = renewed.ring;
      return true;
    } catch (Refused e) {
      return false;
    }
  }

  /** After a change went to its backups: the lease must still be proven, or the change is not acknowledged. */
  void checkLease() {
    if (!membership.leaseProven()) {
      throw new Replication.Failed("this member could not prove its etcd lease alive while the change went to"
          + " its backups, so it is not acknowledged", null);
    }
  }
}
