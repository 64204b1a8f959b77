package io.kamacache.group;

import io.kamacache.codec.Copier;
import io.kamacache.event.EventDispatcher;
import io.kamacache.management.CacheStatistics;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.SystemTicker;
import io.kamacache.store.Ticker;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/** What a group is made of; built by the cache manager from the JCache configuration. */
public final class GroupSettings<K, V> {
  long capacity = Lru2Store.UNBOUNDED;
  Ticker ticker = SystemTicker.instance();
  ExpiryPolicy expiryPolicy;
  CacheLoader<K, V> loader;
  boolean readThrough;
  CacheWriter<? super K, ? super V> writer;
  Copier copier = Copier.BY_REFERENCE;
  EventDispatcher<K, V> events;
  CacheStatistics statistics;

  public GroupSettings<K, V> capacity(long capacity) {
    this.capacity = capacity;
    return this;
  }

  public GroupSettings<K, V> ticker(Ticker ticker) {
    this.ticker = ticker;
    return this;
  }

  public GroupSettings<K, V> expiryPolicy(ExpiryPolicy expiryPolicy) {
    this.expiryPolicy = expiryPolicy;
    return this;
  }

  /** The loader, or null; it serves loadAll, and misses too when {@code readThrough}. */
  public GroupSettings<K, V> loader(CacheLoader<K, V> loader, boolean readThrough) {
    this.loader = loader;
    this.readThrough = readThrough;
    return this;
  }

  /** The writer, or null when the cache does not write through. */
  public GroupSettings<K, V> writer(CacheWriter<? super K, ? super V> writer) {
    this.writer = writer;
    return this;
  }

  public GroupSettings<K, V> copier(Copier copier) {
    this.copier = copier;
    return this;
  }

  public GroupSettings<K, V> events(EventDispatcher<K, V> events) {
    this.events = events;
    return this;
  }

  public GroupSettings<K, V> statistics(CacheStatistics statistics) {
    this.statistics = statistics;
    return this;
  }
}
