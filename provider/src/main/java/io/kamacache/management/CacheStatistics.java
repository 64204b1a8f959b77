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
  /** Not a JSR-107 statistic: entries the store removed because their time was up. */
  private final LongAdder expirations = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();
  private volatile boolean enabled;

  /**
   * Counts made on behalf of a caller on another member. Statistics are per node as that node's
   * callers see them, so the owner hands its counts back in the response instead of keeping them.
   */
  private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();
  /** Set once anything captures, so embedded mode never pays for the thread-local lookup. */
  private static volatile boolean capturing;

  /** The counts of the operations run on this thread until {@link Capture#close()}. */
  public static final class Capture implements AutoCloseable {
    private long hits;
    private long misses;
    private long puts;
    private long removals;

    public long hits() {
      return hits;
    }

    public long misses() {
      return misses;
    }

    public long puts() {
      return puts;
    }

    public long removals() {
      return removals;
    }

    @Override
    public void close() {
      CAPTURE.remove();
    }
  }

  public static Capture capture() {
    capturing = true;
    Capture capture = new Capture();
    CAPTURE.set(capture);
    return capture;
  }

  private static Capture captured() {
    return capturing ? CAPTURE.get() : null;
  }

  /** Records the counts an owner reported for an operation this node's caller made. */
  public void recordRemote(long hitCount, long missCount, long putCount, long removalCount) {
    recordHits(hitCount);
    recordMisses(missCount);
    recordPuts(putCount);
    recordRemovals(removalCount);
  }

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
    Capture capture = captured();
    if (capture != null) {
      capture.hits += count;
      return;
    }
    if (enabled) {
      hits.add(count);
    }
  }

  public void recordMisses(long count) {
    Capture capture = captured();
    if (capture != null) {
      capture.misses += count;
      return;
    }
    if (enabled) {
      misses.add(count);
    }
  }

  public void recordPuts(long count) {
    Capture capture = captured();
    if (capture != null) {
      capture.puts += count;
      return;
    }
    if (enabled) {
      puts.add(count);
    }
  }

  public void recordRemovals(long count) {
    Capture capture = captured();
    if (capture != null) {
      capture.removals += count;
      return;
    }
    if (enabled) {
      removals.add(count);
    }
  }

  public void recordEvictions(long count) {
    if (enabled) {
      evictions.add(count);
    }
  }

  /**
   * Counts an entry removed because it expired, by a read or by the TTL walker. JSR-107 counts
   * expiry neither as an eviction nor as a removal, so this count is kept apart from both.
   */
  public void recordExpirations(long count) {
    if (enabled) {
      expirations.add(count);
    }
  }

  public void recordGetTime(long start) {
    if (enabled && start != 0L && captured() == null) {
      getNanos.add(System.nanoTime() - start);
    }
  }

  public void recordPutTime(long start) {
    if (enabled && start != 0L && captured() == null) {
      putNanos.add(System.nanoTime() - start);
    }
  }

  public void recordRemoveTime(long start) {
    if (enabled && start != 0L && captured() == null) {
      removeNanos.add(System.nanoTime() - start);
    }
  }

  @Override
  public void clear() {
    for (LongAdder adder : new LongAdder[] {hits, misses, puts, removals, evictions, expirations, getNanos,
        putNanos, removeNanos}) {
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

  /** Entries of this member's store that expired (see {@link #recordExpirations}); not part of the MXBean. */
  public long getCacheExpirations() {
    return expirations.sum();
  }

  /** Time spent in the gets counted by {@link #getCacheGets}, in nanoseconds; for metrics, which want totals. */
  public long getTotalGetNanos() {
    return getNanos.sum();
  }

  /** Time spent in the puts counted by {@link #getCachePuts}, in nanoseconds. */
  public long getTotalPutNanos() {
    return putNanos.sum();
  }

  /** Time spent in the removals counted by {@link #getCacheRemovals}, in nanoseconds. */
  public long getTotalRemoveNanos() {
    return removeNanos.sum();
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
