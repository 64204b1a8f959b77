package io.kamacache.micrometer;

import io.kamacache.jcache.KamaCache;
import io.kamacache.management.CacheStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The meters of one cache: its JSR-107 statistics under the names Micrometer's own cache binders
 * use ({@code cache.gets}, {@code cache.puts}, ...), and KamaCache's figures under
 * {@code kamacache.cache.*}. Every meter reads the cache or its statistics when scraped; none
 * keeps a count of its own.
 */
final class CacheMeters {

  private CacheMeters() {
  }

  /** Registers the meters of {@code cache} under {@code tags} (which name the cache) and returns them. */
  static List<Meter> register(MeterRegistry registry, KamaCache<?, ?> cache, Tags tags) {
    CacheStatistics statistics = cache.statistics();
    List<Meter> meters = new ArrayList<>();
    meters.add(Gauge.builder("cache.size", cache, KamaCache::localSize)
        .tags(tags).description("Entries this member's store holds, counting expired ones not yet removed")
        .register(registry));
    meters.add(counter(registry, "cache.gets", statistics, CacheStatistics::getCacheHits,
        tags.and("result", "hit"), "Reads that found a value (JSR-107 cache hits)"));
    meters.add(counter(registry, "cache.gets", statistics, CacheStatistics::getCacheMisses,
        tags.and("result", "miss"), "Reads that found no value (JSR-107 cache misses)"));
    meters.add(counter(registry, "cache.puts", statistics, CacheStatistics::getCachePuts,
        tags, "Entries stored (JSR-107 cache puts)"));
    meters.add(counter(registry, "cache.removals", statistics, CacheStatistics::getCacheRemovals,
        tags, "Entries removed by the application (JSR-107 cache removals)"));
    meters.add(counter(registry, "cache.evictions", statistics, CacheStatistics::getCacheEvictions,
        tags, "Entries this member's store evicted at capacity"));
    meters.add(counter(registry, "kamacache.cache.expirations", statistics, CacheStatistics::getCacheExpirations,
        tags, "Entries this member's store removed because their time was up (by a read or the TTL walker)"));
    meters.add(timer(registry, "get", statistics, CacheStatistics::getCacheGets, CacheStatistics::getTotalGetNanos,
        tags));
    meters.add(timer(registry, "put", statistics, CacheStatistics::getCachePuts, CacheStatistics::getTotalPutNanos,
        tags));
    meters.add(timer(registry, "remove", statistics, CacheStatistics::getCacheRemovals,
        CacheStatistics::getTotalRemoveNanos, tags));
    return meters;
  }

  private static FunctionCounter counter(MeterRegistry registry, String name, CacheStatistics statistics,
      ToDoubleFunction<CacheStatistics> count, Tags tags, String description) {
    return FunctionCounter.builder(name, statistics, count).tags(tags).description(description).register(registry);
  }

  private static FunctionTimer timer(MeterRegistry registry, String operation, CacheStatistics statistics,
      ToLongFunction<CacheStatistics> count, ToDoubleFunction<CacheStatistics> totalNanos, Tags tags) {
    return FunctionTimer.builder("kamacache.cache.operations", statistics, count, totalNanos, TimeUnit.NANOSECONDS)
        .tags(tags.and("operation", operation))
        .description("Time the cache's " + operation + " operations took, as JSR-107's average "
            + operation + " time counts it")
        .register(registry);
  }
}
