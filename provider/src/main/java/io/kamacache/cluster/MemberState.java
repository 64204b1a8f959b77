package io.kamacache.cluster;

/**
 * Where a cluster node stands in its life, as operators and probes see it. A member is ready for
 * traffic only while {@link #SERVING}.
 */
public enum MemberState {
  /** Starting: registering, learning the caches, or waiting for its first view to settle. */
  JOINING,
  /** Serving the keys it owns (a client: routing its own calls). */
  SERVING,
  /**
   * Drained or draining: it has handed its entries over and left the ring, but keeps running and
   * answers NOT_OWNER, so callers go to the new owners. Only stopping it ends this state.
   */
  DRAINING,
  /**
   * Cannot prove its etcd lease alive, or lost it and has not yet come back as a new incarnation
   * that its view shows and that has caught up with the others: it serves no key meanwhile.
   */
  FENCED,
  /** Closed: out of the cluster, its server stopped. */
  CLOSED
}
