package io.kamacache.jcache;

import io.kamacache.cluster.ClusterNode;
import io.kamacache.codec.ByValueCopier;
import io.kamacache.codec.Copier;
import io.kamacache.codec.JavaSerializationCodec;
import io.kamacache.event.EventDispatcher;
import io.kamacache.group.CacheOperations;
import io.kamacache.group.Group;
import io.kamacache.group.GroupSettings;
import io.kamacache.management.CacheConfigurationBean;
import io.kamacache.management.CacheStatistics;
import io.kamacache.management.MBeans;
import io.kamacache.replication.Copies;
import io.kamacache.store.Ticker;
import io.kamacache.store.TtlWalker;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;

/**
 * The {@link Cache} an application holds. It checks arguments and lifecycle, then hands each
 * operation to the cache's {@link Group}, where all of JSR-107's rules are applied.
 */
public final class KamaCache<K, V> implements Cache<K, V> {

  private final String name;
  private final Home home;
  private final KamaConfiguration<K, V> configuration;
  /** How long close waits for loadAll calls still running. */
  private static final long LOAD_WAIT_SECONDS = 30;
  private final Set<CompletableFuture<Void>> loading =
      ConcurrentHashMap.newKeySet();
  private final Group<K, V> group;
  private final CacheOperations<K, V> operations;
  private final TtlWalker walker;
  private final TtlWalker.Walkable walkable;
  private final ObjectName configurationName;
  private final ObjectName statisticsName;
  private final OpenState state;
  private final Arguments<K, V> checks;

  KamaCache(String name, Home home, KamaConfiguration<K, V> configuration, Ticker ticker) {
    this.name = name;
    this.home = home;
    this.state = new OpenState(name);
    this.checks = new Arguments<>(name, configuration.getKeyType(), configuration.getValueType());
    this.configuration = configuration;
    // First, so that a name JMX cannot take fails before anything is registered anywhere.
    this.configurationName = MBeans.name(MBeans.Kind.CONFIGURATION, home.manager().getURI(), name);
    this.statisticsName = MBeans.name(MBeans.Kind.STATISTICS, home.manager().getURI(), name);
    Copier copier = configuration.isStoreByValue()
        ? new ByValueCopier(new JavaSerializationCodec(), home.manager().getClassLoader())
        : Copier.BY_REFERENCE;
    EventDispatcher<K, V> events = new EventDispatcher<>(home.threads().executor(), copier);
    events.setSource(this);
    for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    GroupSettings<K, V> settings = new GroupSettings<K, V>()
        .capacity(configuration.getCapacity())
        .ticker(ticker)
        .expiryPolicy(create(configuration.getExpiryPolicyFactory(), EternalExpiryPolicy.factoryOf()))
        .loader(create(configuration.getCacheLoaderFactory()), configuration.isReadThrough())
        .writer(configuration.isWriteThrough() ? create(configuration.getCacheWriterFactory()) : null)
        .copier(copier)
        .events(events)
        .statistics(new CacheStatistics());
    this.group = new Group<>(name, settings);
    this.operations = home.node() == null ? group
        : home.node().operations(name, group, group.statistics(), configuration.getBackups(),
            configuration.getNearCacheCapacity(), configuration.getNearCacheMaxAge().toNanos());
    this.walkable = budget -> {
      int removed = group.store().expireStep(budget, TimeUnit.NANOSECONDS) + group.copies().expireBackups(budget);
      EventDispatcher.awaitSynchronous();
      return removed;
    };
    this.walker = home.threads().walker();
    walker.register(walkable);
    if (configuration.isManagementEnabled()) {
      enableManagement(true);
    }
    if (configuration.isStatisticsEnabled()) {
      enableStatistics(true);
    }
  }

  private static <T> T create(Factory<T> factory) {
    return factory == null ? null : factory.create();
  }

  private static <T> T create(Factory<T> factory, Factory<? extends T> fallback) {
    return factory == null ? fallback.create() : factory.create();
  }

  EventDispatcher<K, V> events() {
    return group.events();
  }

  /**
   * This cache's statistics on this node, whether or not they are enabled: the JSR-107 ones, and
   * what KamaCache counts beyond them (expirations, total times).
   */
  public CacheStatistics statistics() {
    return group.statistics();
  }

  /** The entries this node holds, counting expired ones not yet removed; for tools and tests. */
  public long localSize() {
    return group.store().size();
  }

  @SuppressWarnings("unchecked")
  Group<Object, Object> group() {
    return (Group<Object, Object>) group;
  }

  /** The live configuration; never handed out, callers get copies. */
  CompleteConfiguration<K, V> configuration() {
    return configuration;
  }

  // ---- reads

  @Override public V get(K key) {
    requireOpen();
    return operations.get(checks.key(key));
  }

  @Override public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    return operations.getAll(checks.keys(keys));
  }

  @Override public boolean containsKey(K key) {
    requireOpen();
    return operations.containsKey(checks.key(key));
  }

  @Override public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener listener) {
    requireOpen();
    checks.keys(keys);
    CompletableFuture<Void> done = new CompletableFuture<>();
    loading.add(done);
    home.threads().executor().execute(() -> {
      Exception failure = null;
      try {
        operations.loadAll(keys, replaceExistingValues);
      } catch (Exception e) {
        failure = e;
      } finally {
        // Before the listener runs: a listener may close the cache, which waits for this load.
        loading.remove(done);
        done.complete(null);
      }
      if (listener == null) {
        return;
      }
      if (failure != null) {
        listener.onException(failure);
      } else {
        listener.onCompletion();
      }
    });
  }

  /**
   * Lets loads still running finish before the loader closes: a load that outlived its cache
   * would call a closed loader, or one on an owner that has already let it go.
   */
  private void awaitLoads() {
    CompletableFuture<?>[] pending = loading.toArray(new CompletableFuture<?>[0]);
    if (pending.length == 0) {
      return;
    }
    try {
      CompletableFuture.allOf(pending).get(LOAD_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      System.getLogger(KamaCache.class.getName()).log(System.Logger.Level.WARNING,
          "cache ''{0}'' closed with loadAll calls still running", name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- writes

  @Override public void put(K key, V value) {
    requireOpen();
    operations.put(checks.key(key), checks.value(value));
  }

  @Override public V getAndPut(K key, V value) {
    requireOpen();
    return operations.getAndPut(checks.key(key), checks.value(value));
  }

  @Override public void putAll(Map<? extends K, ? extends V> map) {
    requireOpen();
    Objects.requireNonNull(map, "map");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      checks.key(entry.getKey());
      checks.value(entry.getValue());
    }
    operations.putAll(map);
  }

  @Override public boolean putIfAbsent(K key, V value) {
    requireOpen();
    return operations.putIfAbsent(checks.key(key), checks.value(value));
  }

  @Override public boolean remove(K key) {
    requireOpen();
    return operations.remove(checks.key(key));
  }

  @Override public boolean remove(K key, V oldValue) {
    requireOpen();
    return operations.remove(checks.key(key), checks.value(oldValue));
  }

  @Override public V getAndRemove(K key) {
    requireOpen();
    return operations.getAndRemove(checks.key(key));
  }

  @Override public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    return operations.replace(checks.key(key), checks.value(oldValue), checks.value(newValue));
  }

  @Override public boolean replace(K key, V value) {
    requireOpen();
    return operations.replace(checks.key(key), checks.value(value));
  }

  @Override public V getAndReplace(K key, V value) {
    requireOpen();
    return operations.getAndReplace(checks.key(key), checks.value(value));
  }

  @Override public void removeAll(Set<? extends K> keys) {
    requireOpen();
    operations.removeAll(checks.keys(keys));
  }

  @Override public void removeAll() {
    requireOpen();
    operations.removeAll();
  }

  @Override public void clear() {
    requireOpen();
    operations.clear();
  }

  // ---- entry processors

  @Override public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    checks.key(key);
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    return operations.invoke(key, entryProcessor, arguments);
  }

  @Override public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    checks.keys(keys);
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    return operations.invokeAll(keys, entryProcessor, arguments);
  }

  // ---- listeners

  @Override public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    synchronized (configuration) {
      group.events().register(listenerConfiguration);
      configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
    }
    if (home.node() != null) {
      home.node().listenersChanged(name, group.events());
    }
  }

  @Override public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    synchronized (configuration) {
      configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
      group.events().deregister(listenerConfiguration);
    }
    if (home.node() != null) {
      home.node().listenersChanged(name, group.events());
    }
  }

  // ---- iteration

  @Override public Iterator<Entry<K, V>> iterator() {
    requireOpen();
    return new CacheIterator<>(state, operations);
  }

  /**
   * How many entries the cache holds, counting expired ones the TTL walker has not removed yet.
   * Not part of JSR-107: {@code cache.unwrap(KamaCache.class).size()}. In a cluster it asks every
   * member for what it owns and sums the answers, so it may be off while keys move.
   */
  public long size() {
    requireOpen();
    return operations.size();
  }

  // ---- lifecycle and management

  @Override public String getName() {
    return name;
  }

  @Override public CacheManager getCacheManager() {
    return home.manager();
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    Objects.requireNonNull(clazz, "clazz");
    KamaConfiguration<K, V> copy;
    synchronized (configuration) {
      copy = new KamaConfiguration<>(configuration);
    }
    if (clazz.isInstance(copy)) {
      return clazz.cast(copy);
    }
    throw new IllegalArgumentException("the configuration is a KamaConfiguration, not a " + clazz.getName());
  }

  void enableManagement(boolean enabled) {
    synchronized (configuration) {
      if (enabled) {
        MBeans.register(new CacheConfigurationBean(this::configuration), configurationName);
      } else {
        MBeans.unregister(configurationName);
      }
      configuration.setManagementEnabled(enabled);
    }
  }

  void enableStatistics(boolean enabled) {
    synchronized (configuration) {
      CacheStatistics statistics = group.statistics();
      if (enabled) {
        MBeans.register(statistics, statisticsName);
      } else {
        MBeans.unregister(statisticsName);
      }
      statistics.setEnabled(enabled);
      configuration.setStatisticsEnabled(enabled);
    }
  }

  /** Closes this member's copy of a cache that was destroyed in the cluster: nothing is retained. */
  void closeLocally() {
    group.clear();
    close();
    stopServing();
  }

  @Override public void close() {
    if (!state.close()) {
      return;
    }
    awaitLoads();
    home.release(this);
    MBeans.unregister(configurationName);
    MBeans.unregister(statisticsName);
    for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
      group.events().deregister(listener);
    }
    if (home.node() != null && home.node().isOpen()) {
      home.node().listenersChanged(name, group.events()); // withdraws what we announced
    }
    // Closing a Cache ends this application's use of it, not the cluster's: while the manager is
    // in a cluster, the keys this member owns stay served until the manager leaves.
    if (!home.retain(this)) {
      stopServing();
    }
  }

  /** Ends this member's part in the cache: its expiry walk, its Group and its near copies. */
  void stopServing() {
    walker.unregister(walkable);
    group.close();
    if (home.node() != null) {
      home.node().cacheClosed(name);
    }
  }

  /** Moves the entries and backups this member holds into {@code successor}, a cache of the same name. */
  void handTo(KamaCache<?, ?> successor) {
    Copies<Object> from = group().copies();
    Copies<Object> to = successor.group().copies();
    for (Copies.Copy<Object> copy : from.allOwned()) {
      to.applyHandoff(copy.key, copy.value, copy.ttlNanos, copy.version);
    }
    for (Object key : from.backupKeys()) {
      Copies.Copy<Object> copy = from.readBackup(key);
      if (copy != null) {
        to.applyBackup(copy.key, copy.value, copy.ttlNanos, copy.version);
      }
    }
  }

  @Override public boolean isClosed() {
    return state.isClosed();
  }

  @Override public <T> T unwrap(Class<T> clazz) {
    if (clazz.isAssignableFrom(getClass())) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a KamaCache to " + clazz.getName());
  }

  // ---- argument checks

  private void requireOpen() {
    state.requireOpen();
  }

  @Override public String toString() {
    return "KamaCache{" + name + "}";
  }

  /**
   * What a cache needs from the manager that made it. A cache depends on this, not on
   * {@link KamaCacheManager}, so the manager that creates caches is never called back by them.
   */
  interface Home {

    /** The manager {@code Cache.getCacheManager()} returns. */
    CacheManager manager();

    /** The provider's walker and executor. */
    SharedThreads threads();

    /** This manager's member of a cluster, or null in embedded mode. */
    ClusterNode node();

    /** Forgets a cache the application closed, so the next {@code createCache} of its name makes a new one. */
    void release(KamaCache<?, ?> cache);

    /**
     * Keeps a cache the application closed serving this member's keys, if the manager is in a
     * cluster and open; returns whether it did.
     */
    boolean retain(KamaCache<?, ?> cache);
  }
}
