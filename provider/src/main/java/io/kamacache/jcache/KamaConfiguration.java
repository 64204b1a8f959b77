package io.kamacache.jcache;

import io.kamacache.store.Lru2Store;
import java.time.Duration;
import java.util.Objects;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;

/**
 * A {@link MutableConfiguration} with KamaCache's own settings. Code that only knows
 * {@code MutableConfiguration} keeps working: a plain one gets the defaults below.
 *
 * <ul>
 *   <li>{@code capacity}: the most entries the cache holds on a node. The default is
 *       {@link #UNBOUNDED}: a cache configured only through the standard API never drops an
 *       entry to make room, so nothing disappears at a hidden bound. Set a capacity to make the
 *       LRU-2 policy evict.
 *   <li>{@code backups}: in cluster mode, how many other members keep a copy of each entry, written
 *       before the owner acknowledges a write. The default, {@link #DEFAULT_BACKUPS}, means 1 in
 *       cluster mode and 0 embedded, where there is nobody to copy to.
 *   <li>{@code nearCache}: in cluster mode, how many entries owned by other members each member
 *       keeps a copy of, so repeated reads skip the network. Off (0) by default. A copy is dropped
 *       when its owner changes it, when it expires on the owner, and at the latest after
 *       {@code nearCacheMaxAge}. A caller always reads its own last acknowledged write or a newer
 *       value; another member's write reaches the copies asynchronously. Reads served from a copy
 *       do not reach the owner, so they do not extend an access-based expiry there.
 * </ul>
 */
public class KamaConfiguration<K, V> extends MutableConfiguration<K, V> {
  private static final long serialVersionUID = 1L;

  /** The capacity of a cache that never evicts. */
  public static final long UNBOUNDED = Lru2Store.UNBOUNDED;

  /** The backups of the mode: 1 in cluster mode, none embedded. */
  public static final int DEFAULT_BACKUPS = -1;

  /** The longest a near copy is kept by default, in case its owner's invalidations go missing. */
  public static final Duration DEFAULT_NEAR_CACHE_MAX_AGE = Duration.ofMinutes(1);

  private long capacity = UNBOUNDED;
  private int backups = DEFAULT_BACKUPS;
  private long nearCacheCapacity;
  private Duration nearCacheMaxAge = DEFAULT_NEAR_CACHE_MAX_AGE;

  public KamaConfiguration() {}

  /** A copy of {@code configuration}, keeping its KamaCache settings if it has any. */
  public KamaConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof KamaConfiguration) {
      this.capacity = ((KamaConfiguration<K, V>) configuration).capacity;
      KamaConfiguration<K, V> kama = (KamaConfiguration<K, V>) configuration;
      this.backups = kama.backups;
      this.nearCacheCapacity = kama.nearCacheCapacity;
      this.nearCacheMaxAge = kama.nearCacheMaxAge;
    }
  }

  public long getCapacity() {
    return capacity;
  }

  /**
   * Bounds the cache to {@code capacity} entries per node; {@link #UNBOUNDED} removes the bound.
   *
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  public KamaConfiguration<K, V> setCapacity(long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 entry, was " + capacity);
    }
    this.capacity = capacity;
    return this;
  }

  public int getBackups() {
    return backups;
  }

  /**
   * Sets how many other members keep a copy of each entry in cluster mode; 0 for none,
   * {@link #DEFAULT_BACKUPS} for the default.
   *
   * @throws IllegalArgumentException if {@code backups} is below -1 or above 6
   */
  public KamaConfiguration<K, V> setBackups(int backups) {
    if (backups < DEFAULT_BACKUPS || backups > 6) {
      throw new IllegalArgumentException("backups must be between 0 and 6 (or -1 for the default), was " + backups);
    }
    this.backups = backups;
    return this;
  }

  public long getNearCacheCapacity() {
    return nearCacheCapacity;
  }

  /**
   * Keeps copies of up to {@code capacity} entries owned by other members on each member; 0 turns
   * the near cache off. Embedded, every entry is local and this has no effect.
   *
   * @throws IllegalArgumentException if {@code capacity} is negative
   */
  public KamaConfiguration<K, V> setNearCache(long capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("near cache capacity must be 0 (off) or more entries, was " + capacity);
    }
    this.nearCacheCapacity = capacity;
    return this;
  }

  public Duration getNearCacheMaxAge() {
    return nearCacheMaxAge;
  }

  /**
   * Bounds how long a near copy is kept, even if its owner says the entry lives longer.
   *
   * @throws IllegalArgumentException if {@code maxAge} is null, zero or negative
   */
  public KamaConfiguration<K, V> setNearCacheMaxAge(Duration maxAge) {
    if (maxAge == null || maxAge.isZero() || maxAge.isNegative()) {
      throw new IllegalArgumentException("near cache max age must be positive, was " + maxAge);
    }
    this.nearCacheMaxAge = maxAge;
    return this;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof KamaConfiguration) || !super.equals(other)) {
      return false;
    }
    KamaConfiguration<?, ?> that = (KamaConfiguration<?, ?>) other;
    return capacity == that.capacity && backups == that.backups && nearCacheCapacity == that.nearCacheCapacity
        && nearCacheMaxAge.equals(that.nearCacheMaxAge);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), capacity, backups, nearCacheCapacity, nearCacheMaxAge);
  }
}
