package io.kamacache.jcache;

import io.kamacache.store.Lru2Store;
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
 * </ul>
 */
public class KamaConfiguration<K, V> extends MutableConfiguration<K, V> {
  private static final long serialVersionUID = 1L;

  /** The capacity of a cache that never evicts. */
  public static final long UNBOUNDED = Lru2Store.UNBOUNDED;

  /** The backups of the mode: 1 in cluster mode, none embedded. */
  public static final int DEFAULT_BACKUPS = -1;

  private long capacity = UNBOUNDED;
  private int backups = DEFAULT_BACKUPS;

  public KamaConfiguration() {}

  /** A copy of {@code configuration}, keeping its KamaCache settings if it has any. */
  public KamaConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof KamaConfiguration) {
      this.capacity = ((KamaConfiguration<K, V>) configuration).capacity;
      this.backups = ((KamaConfiguration<K, V>) configuration).backups;
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

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof KamaConfiguration) || !super.equals(other)) {
      return false;
    }
    KamaConfiguration<?, ?> that = (KamaConfiguration<?, ?>) other;
    return capacity == that.capacity && backups == that.backups;
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), capacity, backups);
  }
}
