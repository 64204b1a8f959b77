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
  /** Unary peer calls this member made, by method: how many, and how long they took in all. */
  private final Map<String, CallTimes> callsMade = new ConcurrentHashMap<>();
  private final LongAdder backupsWritten = new LongAdder();

  /** The count and total time of one method's calls; two adders, so that a call's record takes no lock. */
  private static final class CallTimes {
    final LongAdder count = new LongAdder();
    final LongAdder nanos = new LongAdder();
  }

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

  /** A unary call of {@code method} (its bare name) from this member ended after {@code nanos}, answered or not. */
  void callMade(String method, long nanos) {
    CallTimes times = callsMade.get(method);
    if (times == null) {
      times = callsMade.computeIfAbsent(method, m -> new CallTimes());
    }
    times.count.increment();
    times.nanos.add(nanos);
  }

  /** A backup member accepted a copy of an entry this member owns. */
  void backupsWritten(int count) {
    backupsWritten.add(count);
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

  public Map<String, Long> getCallsMadeByMethod() {
    Map<String, Long> byMethod = new TreeMap<>();
    callsMade.forEach((method, times) -> byMethod.put(method, times.count.sum()));
    return byMethod;
  }

  public Map<String, Long> getCallNanosByMethod() {
    Map<String, Long> byMethod = new TreeMap<>();
    callsMade.forEach((method, times) -> byMethod.put(method, times.nanos.sum()));
    return byMethod;
  }

  public long getBackupsWritten() {
    return backupsWritten.sum();
  }
}
