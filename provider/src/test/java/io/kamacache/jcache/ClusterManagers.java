package io.kamacache.jcache;

import io.kamacache.cluster.CacheHost;
import io.kamacache.cluster.ClusterConfig;
import io.kamacache.cluster.ClusterNode;
import java.net.URI;
import java.util.function.BiFunction;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * Opens a clustered cache manager whose node the test makes, so that a member can run with other
 * collaborators than etcd's (a view of the members that lags, say). The caller closes it.
 */
public final class ClusterManagers {

  private ClusterManagers() {}

  public static CacheManager open(URI settings, ClassLoader classLoader,
      BiFunction<ClusterConfig, CacheHost, ClusterNode> join) {
    KamaCachingProvider provider =
        (KamaCachingProvider) Caching.getCachingProvider(KamaCachingProvider.class.getName());
    // Threads of its own: daemon threads, which end with the test JVM.
    return new KamaCacheManager(provider, new SharedThreads(), settings, classLoader, provider.getDefaultProperties(), join);
  }
}
