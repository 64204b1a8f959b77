package io.kamacache.jcache;

import io.kamacache.cluster.CacheHost;
import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import io.kamacache.codec.CodecException;
import io.kamacache.configuration.CacheSettings;
import io.kamacache.configuration.ConfigurationFile;
import io.kamacache.configuration.ConfigurationSources;
import io.kamacache.group.Group;
import io.kamacache.store.SystemTicker;
import io.kamacache.management.MBeans;
import io.kamacache.store.Ticker;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;

/** The caches of one URI and class loader. */
public final class KamaCacheManager implements CacheManager {

  private final CachingProvider provider;
  private final SharedThreads threads;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final Map<String, KamaCache<?, ?>> caches = new ConcurrentHashMap<>();
  /**
   * The caches this manager's own callers created. In cluster mode a cache may also arrive from
   * the cluster's definitions; creating that one again with the same configuration is not an error.
   */
  private final Set<String> created = ConcurrentHashMap.newKeySet();
  /**
   * Caches closed by the application while this manager is in a cluster: they keep serving the
   * keys this member owns until the manager leaves, or hand them to a cache created again under
   * the same name.
   */
  private final Map<String, KamaCache<?, ?>> retained = new ConcurrentHashMap<>();
  /** Caches this manager is creating: their definition coming back from etcd must not create them first. */
  private final Set<String> creating = ConcurrentHashMap.newKeySet();
  /** Null in embedded mode, the default. */
  private final ClusterNode node;
  /** The configuration file's caches and templates; {@link ConfigurationFile#EMPTY} without one. */
  private final ConfigurationFile file;
  private volatile boolean closed;
  private final KamaCache.Home home = new Home();

  KamaCacheManager(CachingProvider provider, SharedThreads threads, URI uri, ClassLoader classLoader,
      Properties properties) {
    this(provider, threads, uri, classLoader, properties, ClusterNode::start);
  }

  /**
   * A manager whose cluster node, if its settings name a cluster, {@code join} makes (and joins)
   * from them; {@link ClusterNode#start} is the one the provider uses.
   */
  KamaCacheManager(CachingProvider provider, SharedThreads threads, URI uri, ClassLoader classLoader,
      Properties properties, BiFunction<ClusterConfig, CacheHost, ClusterNode> join) {
    this.provider = provider;
    this.threads = threads;
    this.uri = uri;
    this.classLoader = classLoader;
    this.properties = properties;
    // Every file is read and checked, and every declared cache's configuration built, before
    // anything starts: a bad file fails here with nothing joined or created.
    ConfigurationSources sources = ConfigurationSources.forManager(uri, classLoader, provider.getDefaultURI());
    this.file = sources.yaml();
    Map<String, KamaConfiguration<Object, Object>> declared = new LinkedHashMap<>();
    for (Map.Entry<String, CacheSettings> cache : file.caches().entrySet()) {
      declared.put(cache.getKey(), FileSettings.declared(cache.getValue()));
    }
    ClusterConfig cluster = ClusterConfig.forManager(sources);
    this.node = cluster == null ? null : join.apply(cluster, new Host());
    if (node != null) {
      node.open();
      MBeans.register(node.mxbean(), MBeans.clusterName(uri));
    }
    try {
      createDeclared(declared);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Creates the caches the file declares. In a cluster, every definition is checked first, so a
   * cache the members could not act on stores none of them; a definition another member already
   * stored is adopted if it is equal and refused if it is not.
   */
  private void createDeclared(Map<String, KamaConfiguration<Object, Object>> declared) {
    if (node != null) {
      for (Map.Entry<String, KamaConfiguration<Object, Object>> cache : declared.entrySet()) {
        encodeDefinition(cache.getKey(), withoutListeners(cache.getValue()));
      }
    }
    for (Map.Entry<String, KamaConfiguration<Object, Object>> cache : declared.entrySet()) {
      try {
        createCache(cache.getKey(), cache.getValue(), SystemTicker.instance(), false);
      } catch (CacheException e) {
        throw new CacheException("cache '" + cache.getKey() + "' declared in " + file.source() + ": " + e.getMessage(), e);
      }
    }
  }

  /** This manager's membership in its cluster, or null when it is embedded; for tools and diagnostics. */
  public ClusterNode node() {
    return node;
  }

  /** What the cluster node asks of this manager. */
  /** What this manager's caches see of it. */
  private final class Home implements KamaCache.Home {
    @Override public CacheManager manager() {
      return KamaCacheManager.this;
    }

    @Override public SharedThreads threads() {
      return threads;
    }

    @Override public ClusterNode node() {
      return node;
    }

    @Override public void release(KamaCache<?, ?> cache) {
      KamaCacheManager.this.release(cache);
    }

    @Override public boolean retain(KamaCache<?, ?> cache) {
      return KamaCacheManager.this.retain(cache);
    }
  }

  private final class Host implements CacheHost {
    @Override public Group<Object, Object> group(String name) {
      KamaCache<?, ?> cache = caches.get(name);
      if (cache == null) {
        cache = retained.get(name);
      }
      return cache == null ? null : cache.group();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void defined(String name, byte[] configuration) {
      if (closed || caches.containsKey(name) || creating.contains(name)) {
        return;
      }
      Object decoded = node.decodeDefinition(configuration);
      if (!(decoded instanceof CompleteConfiguration)) {
        throw new CacheException("the definition of cache '" + name + "' in etcd is not a cache configuration");
      }
      synchronized (caches) {
        if (!caches.containsKey(name)) {
          CompleteConfiguration<Object, Object> complete = (CompleteConfiguration<Object, Object>) decoded;
          KamaCache<Object, Object> cache =
              new KamaCache<>(name, home, new KamaConfiguration<>(complete), SystemTicker.instance());
          KamaCache<?, ?> closedHere = retained.remove(name);
          if (closedHere != null) {
            closedHere.handTo(cache);
          }
          caches.put(name, cache);
          if (closedHere != null) {
            closedHere.stopServing();
          }
          node.cacheAdded(name, cache.events());
        }
      }
    }

    @Override public void undefined(String name) {
      KamaCache<?, ?> cache = caches.get(name);
      if (cache != null) {
        cache.closeLocally();
      }
      dropRetained(name);
    }

    @Override public ClassLoader classLoader() {
      return classLoader;
    }

    // ---- for operators (issue 14)

    @Override public Map<String, CacheHost.Description> describeCaches() {
      Map<String, CacheHost.Description> described = new TreeMap<>();
      caches.forEach((name, cache) -> {
        @SuppressWarnings("unchecked")
        KamaConfiguration<?, ?> configuration = cache.getConfiguration(KamaConfiguration.class);
        long capacity = configuration.getCapacity() == KamaConfiguration.UNBOUNDED ? 0 : configuration.getCapacity();
        int backups = configuration.getBackups() == KamaConfiguration.DEFAULT_BACKUPS ? 1 : configuration.getBackups();
        described.put(name, new CacheHost.Description(configuration, capacity, backups,
            configuration.getNearCacheCapacity()));
      });
      return described;
    }
  }

  @Override public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override public URI getURI() {
    return uri;
  }

  @Override public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override public Properties getProperties() {
    return properties;
  }

  SharedThreads threads() {
    return threads;
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    return createCache(cacheName, configuration, SystemTicker.instance());
  }

  /** Creates a cache whose expiry reads {@code ticker}; tests use it to move time by hand. */
  <K, V> KamaCache<K, V> createCache(String cacheName, Configuration<K, V> configuration, Ticker ticker) {
    return createCache(cacheName, configuration, ticker, true);
  }

  /**
   * Creates a cache; with {@code templated}, the settings {@code configuration} leaves at their
   * defaults come from the file's template for the name, if there is one.
   */
  private <K, V> KamaCache<K, V> createCache(String cacheName, Configuration<K, V> configuration, Ticker ticker,
      boolean templated) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    KamaConfiguration<K, V> copy = copyOf(configuration);
    if (templated) {
      file.templateFor(cacheName).ifPresent(template -> FileSettings.under(template, copy));
    }
    if (caches.containsKey(cacheName) && (node == null || created.contains(cacheName))) {
      throw new CacheException("a cache named '" + cacheName + "' already exists");
    }
    creating.add(cacheName);
    try {
      if (node != null) {
        // Outside the lock: the etcd round trip must not hold up the definitions watch.
        defineInCluster(cacheName, copy);
      }
      return addCache(cacheName, copy, ticker);
    } finally {
      creating.remove(cacheName);
    }
  }

  private <K, V> KamaCache<K, V> addCache(String cacheName, KamaConfiguration<K, V> copy, Ticker ticker) {
    synchronized (caches) {
      created.add(cacheName);
      if (caches.containsKey(cacheName)) {
        if (node != null) {
          @SuppressWarnings("unchecked")
          KamaCache<K, V> defined = (KamaCache<K, V>) caches.get(cacheName);
          return defined; // the definitions watch created it from our own definition
        }
        throw new CacheException("a cache named '" + cacheName + "' already exists");
      }
      KamaCache<K, V> cache = new KamaCache<>(cacheName, home, copy, ticker);
      KamaCache<?, ?> closed = retained.remove(cacheName);
      if (closed != null) {
        closed.handTo(cache);
      }
      caches.put(cacheName, cache);
      if (closed != null) {
        closed.stopServing();
      }
      if (node != null) {
        node.cacheAdded(cacheName, cache.events());
      }
      return cache;
    }
  }

  /**
   * Stores the definition in etcd, or accepts the one already there if it is the same: every
   * member typically runs the same start-up code, and all of them must end up with one cache.
   */
  private void defineInCluster(String cacheName, KamaConfiguration<?, ?> local) {
    // Listeners stay where they were registered; owners forward events to them.
    KamaConfiguration<?, ?> configuration = withoutListeners(local);
    byte[] ours = encodeDefinition(cacheName, configuration);
    byte[] stored = node.define(cacheName, ours);
    if (!Arrays.equals(ours, stored) && !configuration.equals(node.decodeDefinition(stored))) {
      throw new CacheException("a cache named '" + cacheName + "' already exists in the cluster with another configuration");
    }
  }

  /** The definition as etcd stores it, refused here if every member would refuse it. */
  private byte[] encodeDefinition(String cacheName, KamaConfiguration<?, ?> configuration) {
    // Every member would refuse a definition naming a class it may not instantiate: say so here.
    node.checkDefinition(cacheName, configuration);
    try {
      return node.codec().encode(configuration);
    } catch (CodecException e) {
      throw new CacheException("cache '" + cacheName + "' is clustered, so its configuration is stored in etcd"
          + " and every factory in it must be Serializable: " + e.getMessage(), e);
    }
  }

  private static <K, V> KamaConfiguration<K, V> withoutListeners(KamaConfiguration<K, V> configuration) {
    KamaConfiguration<K, V> copy = new KamaConfiguration<>(configuration);
    for (CacheEntryListenerConfiguration<K, V> listener
        : configuration.getCacheEntryListenerConfigurations()) {
      copy.removeCacheEntryListenerConfiguration(listener);
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static <K, V> KamaConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
    if (configuration instanceof CompleteConfiguration) {
      return new KamaConfiguration<>((CompleteConfiguration<K, V>) configuration);
    }
    KamaConfiguration<K, V> copy = new KamaConfiguration<>();
    copy.setTypes(configuration.getKeyType(), configuration.getValueType());
    copy.setStoreByValue(configuration.isStoreByValue());
    return copy;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    KamaCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    CompleteConfiguration<?, ?> configuration = cache.configuration();
    if (!configuration.getKeyType().equals(keyType)) {
      throw new ClassCastException("cache '" + cacheName + "' has key type "
          + configuration.getKeyType().getName() + ", not " + keyType.getName());
    }
    if (!configuration.getValueType().equals(valueType)) {
      throw new ClassCastException("cache '" + cacheName + "' has value type "
          + configuration.getValueType().getName() + ", not " + valueType.getName());
    }
    return (Cache<K, V>) cache;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    return (Cache<K, V>) caches.get(cacheName);
  }

  @Override
  public Iterable<String> getCacheNames() {
    requireOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  @Override
  public void destroyCache(String cacheName) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    KamaCache<?, ?> cache = caches.get(cacheName);
    try {
      if (cache != null) {
        cache.clear();
      }
    } finally {
      if (cache != null) {
        cache.close();
      }
      dropRetained(cacheName);
      if (node != null) {
        node.undefine(cacheName);
      }
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    KamaCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.enableManagement(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    KamaCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.enableStatistics(enabled);
    }
  }

  /**
   * Keeps a cache the application closed serving this member's keys, if this manager is in a
   * cluster and open; returns whether it did.
   */
  private boolean retain(KamaCache<?, ?> cache) {
    if (node == null || closed || !node.isOpen()) {
      return false;
    }
    KamaCache<?, ?> before = retained.put(cache.getName(), cache);
    if (before != null && before != cache) {
      before.stopServing();
    }
    return true;
  }

  private void dropRetained(String name) {
    KamaCache<?, ?> cache = retained.remove(name);
    if (cache != null) {
      cache.stopServing();
    }
  }

  private void release(KamaCache<?, ?> cache) {
    if (caches.remove(cache.getName(), cache)) {
      created.remove(cache.getName());
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (node != null) {
      // Leave first, so that no peer sends us requests for caches that are closing.
      node.close();
      MBeans.unregister(MBeans.clusterName(uri));
    }
    for (KamaCache<?, ?> cache : new ArrayList<>(caches.values())) {
      cache.close();
    }
    caches.clear();
    for (String name : new ArrayList<>(retained.keySet())) {
      dropRetained(name);
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isAssignableFrom(getClass())) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a KamaCacheManager to " + clazz.getName());
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the cache manager " + uri + " is closed");
    }
  }

  @Override
  public String toString() {
    return "KamaCacheManager{" + uri + "}";
  }
}
