package io.kamacache.cluster;

import java.util.Map;

/**
 * What an operator reads of one cache manager's cluster member over JMX, under
 * {@code io.kamacache:type=Cluster,CacheManager=<uri>}: where the member stands now (its view's
 * epoch, its lease, its near caches) and counts since it started, from its {@link ClusterMetrics}.
 */
public interface ClusterMXBean {

  /** This member's id in the cluster. */
  String getMemberId();

  /** The epoch of this member's view: the newest etcd revision it has read the members at. */
  long getEpoch();

  /** The etcd lease this member is registered under; a new one after it lost the last. */
  long getLeaseId();

  /** Copies of other members' entries this member keeps, by cache (caches with a near cache only). */
  Map<String, Long> getNearCacheEntries();

  /** Peer calls this member has served, all methods together; 0 for a client. */
  long getCallsServed();

  /** Peer calls this member has served, by method (its bare name, e.g. {@code GetAll}). */
  Map<String, Long> getCallsServedByMethod();

  /** Keys this member has answered in batches of gets (see {@code GetBatcher}). */
  long getBatchedGets();

  /** Entries this member has handed to new owners, on membership changes and on leaving. */
  long getMovedEntries();

  /** Times a caller here was told NOT_OWNER (or could not reach an owner) and tried again. */
  long getNotOwnerRetries();

  /** Reads served from this member's near caches. */
  long getNearCacheHits();

  /** Reads of near caches here that found no live copy and went to the owner. */
  long getNearCacheMisses();

  // ---- lifecycle (issue 14, operations)

  /**
   * Where this member stands: JOINING, SERVING, DRAINING, FENCED or CLOSED (see
   * {@link MemberState}); it is ready for traffic only while SERVING.
   */
  String getState();
}
