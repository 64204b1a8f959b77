package io.kamacache.cluster;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one cluster member: one place that the classes doing the work add to, and that
 * the management side reads (the {@link ClusterMXBean}, and any metrics binder). Counts only grow; each is a {@link LongAdder}, so the threads that add (transport
 * threads among them) never contend on one cache line.
 */
public final class ClusterMetrics {

  private final String memberId;
  private final Map<String, LongAdder> callsServed = new ConcurrentHashMap<>();
  private final LongAdder batchedGets = new LongAdder();
  private final LongAdder movedEntries = new LongAdder();
  private final LongAdder notOwnerRetries = new LongAdder();
  private final LongAdder nearHits = new LongAdder();
  private final LongAdder nearMisses = new LongAdder();

  ClusterMetrics(String memberId) {
    this.memberId = memberId;
  }

  /** A peer call of {@code method} (its bare name) reached this member's server. */
  void callServed(String method) {
    callsServed.computeIfAbsent(method, m -> new LongAdder()).increment();
  }

  void batchedGets(int keys) {
    batchedGets.add(keys);
  }

  void moved(long entries) {
    movedEntries.add(entries);
  }

  void notOwnerRetry() {
    notOwnerRetries.increment();
  }

  void nearHit() {
    nearHits.increment();
  }

  void nearMiss() {
    nearMisses.increment();
  }

  public String getMemberId() {
    return memberId;
  }

  public long getCallsServed() {
    long sum = 0;
    for (LongAdder count : callsServed.values()) {
      sum += count.sum();
    }
    return sum;
  }

  public Map<String, Long> getCallsServedByMethod() {
    Map<String, Long> byMethod = new TreeMap<>();
    callsServed.forEach((method, count) -> byMethod.put(method, count.sum()));
    return byMethod;
  }

  public long getBatchedGets() {
    return batchedGets.sum();
  }

  public long getMovedEntries() {
    return movedEntries.sum();
  }

  public long getNotOwnerRetries() {
    return notOwnerRetries.sum();
  }

  public long getNearCacheHits() {
    return nearHits.sum();
  }

  public long getNearCacheMisses() {
    return nearMisses.sum();
  }
}
