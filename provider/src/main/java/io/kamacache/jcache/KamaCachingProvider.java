package io.kamacache.jcache;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.store.TtlWalker;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * KamaCache's entry point for {@code Caching.getCachingProvider()}, registered in
 * {@code META-INF/services/javax.cache.spi.CachingProvider}.
 *
 * <p>One provider owns the threads every cache shares: the TTL walker and the executor for
 * asynchronous listeners and {@code loadAll}. Both are daemon threads, so an application that
 * forgets to close its managers still exits.
 */
public final class KamaCachingProvider implements CachingProvider {

  /** The default URI; a plain name, so it needs no escaping in a JMX ObjectName. */
  static final URI DEFAULT_URI = URI.create("io.kamacache.default");

  private final Map<ClassLoader, Map<URI, KamaCacheManager>> managers = new WeakHashMap<>();
  private TtlWalker walker;
  private ExecutorService executor;

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties managerProperties = properties == null ? getDefaultProperties() : properties;
    synchronized (managers) {
      Map<URI, KamaCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
      KamaCacheManager manager = byUri.get(managerUri);
      if (manager == null || manager.isClosed()) {
        manager = new KamaCacheManager(this, managerUri, loader, managerProperties);
        byUri.put(managerUri, manager);
      }
      return manager;
    }
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, null);
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(null, null, null);
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    return getClass().getClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    return DEFAULT_URI;
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  /** Closes every manager, then stops the shared threads; using the provider again restarts them. */
  @Override
  public void close() {
    for (KamaCacheManager manager : snapshot(null)) {
      manager.close();
    }
    synchronized (this) {
      if (walker != null) {
        walker.close();
        walker = null;
      }
      if (executor != null) {
        executor.shutdown();
        executor = null;
      }
    }
  }

  @Override
  public void close(ClassLoader classLoader) {
    for (KamaCacheManager manager : snapshot(classLoader == null ? getDefaultClassLoader() : classLoader)) {
      manager.close();
    }
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    KamaCacheManager manager;
    synchronized (managers) {
      Map<URI, KamaCacheManager> byUri =
          managers.get(classLoader == null ? getDefaultClassLoader() : classLoader);
      manager = byUri == null ? null : byUri.get(uri == null ? getDefaultURI() : uri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  /**
   * Store-by-reference is supported embedded. When the default manager is clustered it is not:
   * entries owned by other members cross the wire, so no caller can get its own object back.
   */
  @Override
  public boolean isSupported(OptionalFeature feature) {
    return feature == OptionalFeature.STORE_BY_REFERENCE && !defaultManagerIsClustered();
  }

  private boolean defaultManagerIsClustered() {
    try {
      return ClusterConfig.forManager(DEFAULT_URI, getDefaultClassLoader(), DEFAULT_URI) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private java.util.List<KamaCacheManager> snapshot(ClassLoader only) {
    java.util.List<KamaCacheManager> list = new java.util.ArrayList<>();
    synchronized (managers) {
      for (Map.Entry<ClassLoader, Map<URI, KamaCacheManager>> entry : managers.entrySet()) {
        if (only == null || entry.getKey() == only) {
          list.addAll(entry.getValue().values());
        }
      }
    }
    return list;
  }

  /** Called by a manager as it closes, so the next request makes a fresh one. */
  void release(KamaCacheManager manager) {
    synchronized (managers) {
      Map<URI, KamaCacheManager> byUri = managers.get(manager.getClassLoader());
      if (byUri != null && byUri.get(manager.getURI()) == manager) {
        byUri.remove(manager.getURI());
        if (byUri.isEmpty()) {
          managers.remove(manager.getClassLoader());
        }
      }
    }
  }

  synchronized TtlWalker walker() {
    if (walker == null) {
      long interval = Long.getLong(TtlWalker.INTERVAL_PROPERTY, 1000L);
      walker = new TtlWalker(interval, 2, TimeUnit.MILLISECONDS);
    }
    return walker;
  }

  synchronized ExecutorService executor() {
    if (executor == null) {
      AtomicInteger count = new AtomicInteger();
      executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "kamacache-worker-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
    }
    return executor;
  }

  @Override
  public String toString() {
    return "KamaCachingProvider";
  }
}
