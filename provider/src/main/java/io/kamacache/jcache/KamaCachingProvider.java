package io.kamacache.jcache;

import io.kamacache.cluster.ClusterConfig;
import io.kamacache.configuration.ConfigurationSources;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * KamaCache's entry point for {@code Caching.getCachingProvider()}, registered in
 * {@code META-INF/services/javax.cache.spi.CachingProvider}.
 *
 * <p>One provider owns the threads every cache shares ({@link SharedThreads}).
 */
public final class KamaCachingProvider implements CachingProvider {

  /** The default URI; a plain name, so it needs no escaping in a JMX ObjectName. */
  static final URI DEFAULT_URI = URI.create("io.kamacache.default");

  private final Map<ClassLoader, Map<URI, KamaCacheManager>> managers = new WeakHashMap<>();
  private final SharedThreads threads = new SharedThreads();

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties managerProperties = properties == null ? getDefaultProperties() : properties;
    synchronized (managers) {
      forgetClosed();
      Map<URI, KamaCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
      KamaCacheManager manager = byUri.get(managerUri);
      if (manager == null || manager.isClosed()) {
        manager = new KamaCacheManager(this, threads, managerUri, loader, managerProperties);
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
    threads.close();
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
      return ClusterConfig.forManager(
          ConfigurationSources.forManager(DEFAULT_URI, getDefaultClassLoader(), DEFAULT_URI)) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private List<KamaCacheManager> snapshot(ClassLoader only) {
    List<KamaCacheManager> list = new ArrayList<>();
    synchronized (managers) {
      forgetClosed();
      for (Map.Entry<ClassLoader, Map<URI, KamaCacheManager>> entry : managers.entrySet()) {
        if (only == null || entry.getKey() == only) {
          list.addAll(entry.getValue().values());
        }
      }
    }
    return list;
  }

  /**
   * Drops managers that were closed on their own. The provider asks rather than being told, so a
   * manager never calls back into the provider that made it; the caller holds {@code managers}.
   */
  private void forgetClosed() {
    for (Iterator<Map<URI, KamaCacheManager>> byLoader = managers.values().iterator(); byLoader.hasNext(); ) {
      Map<URI, KamaCacheManager> byUri = byLoader.next();
      byUri.values().removeIf(KamaCacheManager::isClosed);
      if (byUri.isEmpty()) {
        byLoader.remove();
      }
    }
  }

  @Override
  public String toString() {
    return "KamaCachingProvider";
  }
}
