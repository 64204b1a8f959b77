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
 * </ul>
 */
public class KamaConfiguration<K, V> extends MutableConfiguration<K, V> {
  private static final long serialVersionUID = 1L;

  /** The capacity of a cache that never evicts. */
  public static final long UNBOUNDED = Lru2Store.UNBOUNDED;

  private long capacity = UNBOUNDED;

  public KamaConfiguration() {}

  /** A copy of {@code configuration}, keeping its KamaCache settings if it has any. */
  public KamaConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof KamaConfiguration) {
      this.capacity = ((KamaConfiguration<K, V>) configuration).capacity;
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

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof KamaConfiguration) || !super.equals(other)) {
      return false;
    }
    return capacity == ((KamaConfiguration<?, ?>) other).capacity;
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), capacity);
  }
}
