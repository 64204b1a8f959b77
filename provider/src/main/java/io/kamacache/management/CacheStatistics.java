package io.kamacache.management;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * Exact, immediately visible counters for one cache on this node. Recording is skipped entirely
 * while statistics are disabled, so a cache that does not ask for them pays nothing.
 */
public final class CacheStatistics implements CacheStatisticsMXBean {

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();
  private volatile boolean enabled;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** A start time for the timers, or 0 when statistics are off. */
  public long start() {
    return enabled ? System.nanoTime() : 0L;
  }

  public void recordHits(long count) {
    if (enabled) {
      hits.add(count);
    }
  }

  public void recordMisses(long count) {
    if (enabled) {
      misses.add(count);
    }
  }

  public void recordPuts(long count) {
    if (enabled) {
      puts.add(count);
    }
  }

  public void recordRemovals(long count) {
    if (enabled) {
      removals.add(count);
    }
  }

  public void recordEvictions(long count) {
    if (enabled) {
      evictions.add(count);
    }
  }

  public void recordGetTime(long start) {
    if (enabled && start != 0L) {
      getNanos.add(System.nanoTime() - start);
    }
  }

  public void recordPutTime(long start) {
    if (enabled && start != 0L) {
      putNanos.add(System.nanoTime() - start);
    }
  }

  public void recordRemoveTime(long start) {
    if (enabled && start != 0L) {
      removeNanos.add(System.nanoTime() - start);
    }
  }

  @Override
  public void clear() {
    for (LongAdder adder : new LongAdder[] {hits, misses, puts, removals, evictions, getNanos, putNanos, removeNanos}) {
      adder.reset();
    }
  }

  @Override public long getCacheHits() {
    return hits.sum();
  }

  @Override public float getCacheHitPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0f : getCacheHits() * 100f / gets;
  }

  @Override public long getCacheMisses() {
    return misses.sum();
  }

  @Override public float getCacheMissPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0f : getCacheMisses() * 100f / gets;
  }

  @Override public long getCacheGets() {
    return hits.sum() + misses.sum();
  }

  @Override public long getCachePuts() {
    return puts.sum();
  }

  @Override public long getCacheRemovals() {
    return removals.sum();
  }

  @Override public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override public float getAverageGetTime() {
    return averageMicros(getNanos, getCacheGets());
  }

  @Override public float getAveragePutTime() {
    return averageMicros(putNanos, getCachePuts());
  }

  @Override public float getAverageRemoveTime() {
    return averageMicros(removeNanos, getCacheRemovals());
  }

  private static float averageMicros(LongAdder nanos, long count) {
    return count == 0 ? 0f : nanos.sum() / 1000f / count;
  }
}
