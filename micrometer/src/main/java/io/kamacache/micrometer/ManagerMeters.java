package io.kamacache.micrometer;

import io.kamacache.cluster.ClusterNode;
import io.kamacache.jcache.KamaCache;
import io.kamacache.jcache.KamaCacheManager;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;

/**
 * One manager's meters in one registry: the meters of each of its open caches, and of its
 * cluster member, brought in line with the manager whenever {@link #refresh} runs.
 */
final class ManagerMeters {

  private final KamaCacheManager manager;
  private final MeterRegistry registry;
  private final Tags tags;
  /** By cache name: the cache instance the meters read, so a cache closed and created again gets new ones. */
  private final Map<String, Bound> caches = new HashMap<>();
  private ClusterMeters cluster;

  private record Bound(KamaCache<?, ?> cache, List<Meter> meters) {
  }

  ManagerMeters(KamaCacheManager manager, MeterRegistry registry, Tags tags) {
    this.manager = manager;
    this.registry = registry;
    this.tags = tags;
  }

  /**
   * Registers meters for caches (and peer methods, near caches) new since the last call, removes
   * those of caches closed since, and returns how many caches have meters now.
   */
  synchronized double refresh() {
    Map<String, KamaCache<?, ?>> open = openCaches();
    for (Iterator<Map.Entry<String, Bound>> it = caches.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Bound> bound = it.next();
      if (open.get(bound.getKey()) != bound.getValue().cache()) {
        bound.getValue().meters().forEach(registry::remove);
        it.remove();
      }
    }
    open.forEach((name, cache) -> caches.computeIfAbsent(name,
        n -> new Bound(cache, CacheMeters.register(registry, cache, tags.and("cache", n)))));
    refreshCluster();
    return caches.size();
  }

  private void refreshCluster() {
    ClusterNode node = manager.isClosed() ? null : manager.node();
    if (node == null) {
      if (cluster != null) {
        cluster.remove();
        cluster = null;
      }
      return;
    }
    if (cluster == null) {
      cluster = new ClusterMeters(node.mxbean(), registry, tags);
    }
    cluster.refresh();
  }

  private Map<String, KamaCache<?, ?>> openCaches() {
    Map<String, KamaCache<?, ?>> open = new HashMap<>();
    try {
      if (manager.isClosed()) {
        return open;
      }
      for (String name : manager.getCacheNames()) {
        Cache<?, ?> cache = manager.getCache(name);
        if (cache != null && !cache.isClosed()) {
          open.put(name, cache.unwrap(KamaCache.class));
        }
      }
    } catch (IllegalStateException closedMeanwhile) {
      open.clear(); // the manager closed while we looked: none of its caches is open any more
    }
    return open;
  }
}
