package io.kamacache.spring.boot;

import io.kamacache.jcache.KamaCache;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.actuate.metrics.cache.CacheMeterBinderProvider;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.core.Ordered;

/**
 * Answers Boot's per-cache metrics registrar for KamaCache's caches with a binder that registers
 * nothing, since {@link io.kamacache.micrometer.KamaCacheMetrics} covers them; for any other JCache
 * cache it answers null, and Boot's own JCache binder runs as usual.
 */
class KamaCacheMeterBinderProvider implements CacheMeterBinderProvider<JCacheCache>, Ordered {

  private static final MeterBinder NOTHING = registry -> { };

  @Override
  public MeterBinder getMeterBinder(JCacheCache cache, Iterable<io.micrometer.core.instrument.Tag> tags) {
    return cache.getNativeCache() instanceof KamaCache ? NOTHING : null;
  }

  /** Before Boot's JCache provider, which the registrar would otherwise ask first. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
