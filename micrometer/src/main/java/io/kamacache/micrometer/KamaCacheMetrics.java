package io.kamacache.micrometer;

import io.kamacache.jcache.KamaCacheManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import javax.cache.CacheManager;

/**
 * Binds a KamaCache {@link CacheManager}'s metrics to a Micrometer registry: for every cache, the
 * JSR-107 statistics under Micrometer's {@code cache.*} names (so dashboards made for other
 * caches work), its local size, expirations and operation times; for a clustered manager, the
 * member's epoch, membership, etcd connection, calls, backups, rebalancing and near caches. Every
 * meter carries the tags {@code cacheManager} (the manager's URI) and the extra tags given here;
 * cache meters also {@code cache}, cluster meters {@code member}.
 *
 * <p>Caches created after binding, and peer methods first called after it, get their meters at
 * the registry's next scrape (the gauge {@code kamacache.caches} looks for them when it is read);
 * a closed cache's meters are removed then. Statistics count only for caches with statistics
 * enabled ({@code setStatisticsEnabled(true)}, or {@code statistics: true} in the configuration
 * file); the size and the cluster's meters need nothing. See docs/metrics.md for the list.
 */
public final class KamaCacheMetrics implements MeterBinder {

  private final KamaCacheManager manager;
  private final Tags tags;

  /** @throws IllegalArgumentException if {@code manager} is not KamaCache's */
  public KamaCacheMetrics(CacheManager manager) {
    this(manager, Tags.empty());
  }

  /**
   * @param tags added to every meter, e.g. the application's name
   * @throws IllegalArgumentException if {@code manager} is not KamaCache's
   */
  public KamaCacheMetrics(CacheManager manager, Iterable<Tag> tags) {
    Objects.requireNonNull(manager, "manager");
    try {
      this.manager = manager.unwrap(KamaCacheManager.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("KamaCacheMetrics needs a KamaCache CacheManager, not " + manager
          + " of " + manager.getCachingProvider(), e);
    }
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and("cacheManager", manager.getURI().toString());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    ManagerMeters meters = new ManagerMeters(manager, registry, tags);
    meters.refresh();
    // Held strongly: nothing else keeps the binding alive, and reading this gauge is what finds new caches.
    Gauge.builder("kamacache.caches", meters, ManagerMeters::refresh)
        .tags(tags)
        .description("Caches of this cache manager; reading it also registers the meters of caches created since")
        .strongReference(true)
        .register(registry);
  }
}
