package io.kamacache.cluster;

import java.util.Map;

/** The {@link ClusterMXBean} of one member: its counters, read from {@link ClusterMetrics}, and its state now. */
final class ClusterBean implements ClusterMXBean {

  private final ClusterMetrics metrics;
  private final Peers peers;
  private final LocalCaches caches;
  private final Lifecycle lifecycle;

  ClusterBean(ClusterMetrics metrics, Peers peers, LocalCaches caches, Lifecycle lifecycle) {
    this.metrics = metrics;
    this.peers = peers;
    this.caches = caches;
    this.lifecycle = lifecycle;
  }

  @Override public String getMemberId() {
    return metrics.getMemberId();
  }

  @Override public long getEpoch() {
    return peers.epoch();
  }

  @Override public long getLeaseId() {
    return peers.leaseId();
  }

  @Override public Map<String, Long> getNearCacheEntries() {
    return caches.nearCacheEntries();
  }

  @Override public long getCallsServed() {
    return metrics.getCallsServed();
  }

  @Override public Map<String, Long> getCallsServedByMethod() {
    return metrics.getCallsServedByMethod();
  }

  @Override public long getBatchedGets() {
    return metrics.getBatchedGets();
  }

  @Override public long getMovedEntries() {
    return metrics.getMovedEntries();
  }

  @Override public long getNotOwnerRetries() {
    return metrics.getNotOwnerRetries();
  }

  @Override public long getNearCacheHits() {
    return metrics.getNearCacheHits();
  }

  @Override public long getNearCacheMisses() {
    return metrics.getNearCacheMisses();
  }

  // ---- lifecycle (issue 14, operations)

  @Override public String getState() {
    return lifecycle.state().name();
  }
}
