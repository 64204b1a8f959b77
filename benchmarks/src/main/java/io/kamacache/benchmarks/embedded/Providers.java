package io.kamacache.benchmarks.embedded;

import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.config.CacheConfig;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import io.kamacache.benchmarks.remote.HazelcastMemberMain;
import io.kamacache.jcache.KamaConfiguration;
import io.kamacache.testsupport.Ports;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.spi.CachingProvider;
import org.cache2k.Cache2kBuilder;
import org.cache2k.jcache.ExtendedMutableConfiguration;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.jsr107.Eh107Configuration;

/**
 * Makes the cache a scenario asks for on each provider. Bounds and expiry are set with each
 * vendor's own API, the way its users would; the default profile is a plain
 * {@link MutableConfiguration} everywhere, which is what code written only against JSR-107 gets.
 */
final class Providers {

  static final String KAMACACHE = "kamacache";
  static final String CAFFEINE = "caffeine";
  static final String EHCACHE = "ehcache";
  static final String HAZELCAST = "hazelcast";
  static final String CACHE2K = "cache2k";
  static final String CHM = "chm";

  private static final Duration TEN_MINUTES = new Duration(TimeUnit.MINUTES, 10);

  private Providers() {}

  /** What a scenario needs of its cache. */
  /** The capacity of an unbounded spec. */
  static final long UNBOUNDED = Long.MAX_VALUE;

  record Spec(long capacity, boolean byReference, boolean expiry, boolean plain) {
    static Spec bounded(long capacity) {
      return new Spec(capacity, true, false, false);
    }

    /** No bound: what a MutableConfiguration gives where a provider has no default bound. */
    static Spec unbounded() {
      return new Spec(UNBOUNDED, true, false, false);
    }

    boolean isBounded() {
      return capacity != UNBOUNDED;
    }

    static Spec expiring(long capacity) {
      return new Spec(capacity, true, true, false);
    }

    /** A plain MutableConfiguration: store-by-value, no bound set. */
    static Spec defaults() {
      return new Spec(0, false, false, true);
    }
  }

  static <V> CacheUnderTest<V> create(String provider, Spec spec, Class<V> valueType) {
    switch (provider) {
      case CHM:
        return new MapCache<>();
      case KAMACACHE:
        return jcache("io.kamacache.jcache.KamaCachingProvider", null, spec.plain()
            ? plain(valueType) : kama(spec, valueType));
      case CAFFEINE:
        return jcache("com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider", null, spec.plain()
            ? plain(valueType) : caffeine(spec, valueType));
      case EHCACHE:
        return jcache("org.ehcache.jsr107.EhcacheCachingProvider", null, spec.plain()
            ? plain(valueType) : ehcache(spec, valueType));
      case HAZELCAST:
        return hazelcast(spec, valueType);
      case CACHE2K:
        return jcache("org.cache2k.jcache.provider.JCacheProvider", null, spec.plain()
            ? plain(valueType) : cache2k(spec, valueType));
      default:
        throw new IllegalArgumentException("unknown provider '" + provider + "'; known: "
            + String.join(", ", KAMACACHE, CAFFEINE, EHCACHE, HAZELCAST, CACHE2K, CHM));
    }
  }

  private static <V> MutableConfiguration<Integer, V> plain(Class<V> valueType) {
    return new MutableConfiguration<Integer, V>().setTypes(Integer.class, valueType);
  }

  private static Factory<ExpiryPolicy> tenMinutes() {
    return CreatedExpiryPolicy.factoryOf(TEN_MINUTES);
  }

  private static <V> Configuration<Integer, V> kama(Spec spec, Class<V> valueType) {
    KamaConfiguration<Integer, V> configuration = new KamaConfiguration<>();
    if (spec.isBounded()) {
      configuration.setCapacity(spec.capacity());
    }
    configuration.setTypes(Integer.class, valueType).setStoreByValue(!spec.byReference());
    if (spec.expiry()) {
      configuration.setExpiryPolicyFactory(tenMinutes());
    }
    return configuration;
  }

  private static <V> Configuration<Integer, V> caffeine(Spec spec, Class<V> valueType) {
    CaffeineConfiguration<Integer, V> configuration = new CaffeineConfiguration<>();
    configuration.setTypes(Integer.class, valueType);
    configuration.setStoreByValue(!spec.byReference());
    if (spec.isBounded()) {
      configuration.setMaximumSize(OptionalLong.of(spec.capacity()));
    }
    if (spec.expiry()) {
      configuration.setExpiryPolicyFactory(tenMinutes());
    }
    return configuration;
  }

  private static <V> Configuration<Integer, V> ehcache(Spec spec, Class<V> valueType) {
    // Ehcache's native configuration keeps heap entries by reference.
    CacheConfigurationBuilder<Integer, V> builder = CacheConfigurationBuilder
        .newCacheConfigurationBuilder(Integer.class, valueType, ResourcePoolsBuilder.heap(spec.capacity()));
    if (spec.expiry()) {
      builder = builder.withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(java.time.Duration.ofMinutes(10)));
    }
    return Eh107Configuration.fromEhcacheCacheConfiguration(builder.build());
  }

  private static <V> Configuration<Integer, V> cache2k(Spec spec, Class<V> valueType) {
    // Bounded and expiring through cache2k's own builder, as its users configure it; its unbounded
    // capacity is Long.MAX_VALUE, as ours.
    Cache2kBuilder<Integer, V> builder = Cache2kBuilder.of(Integer.class, valueType).entryCapacity(spec.capacity());
    if (spec.expiry()) {
      builder = builder.expireAfterWrite(10, TimeUnit.MINUTES);
    }
    ExtendedMutableConfiguration<Integer, V> configuration = ExtendedMutableConfiguration.of(builder);
    configuration.setTypes(Integer.class, valueType);
    configuration.setStoreByValue(!spec.byReference());
    return configuration;
  }

  private static <V> CacheUnderTest<V> jcache(String providerClass, Properties properties,
      Configuration<Integer, V> configuration) {
    CachingProvider provider = Caching.getCachingProvider(providerClass);
    CacheManager manager = properties == null ? provider.getCacheManager()
        : provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(), properties);
    String name = "bench-" + UUID.randomUUID();
    Cache<Integer, V> cache = manager.createCache(name, configuration);
    return new JCache<>(cache, () -> {
      manager.destroyCache(name);
      manager.close();
    });
  }

  private static <V> CacheUnderTest<V> hazelcast(Spec spec, Class<V> valueType) {
    // An embedded member bound to 127.0.0.1 that never looks for others.
    HazelcastInstance member = HazelcastMemberMain.start("bench-" + UUID.randomUUID(), Ports.free(), List.of());
    Configuration<Integer, V> configuration;
    if (spec.plain()) {
      configuration = plain(valueType);
    } else {
      CacheConfig<Integer, V> hz = new CacheConfig<>();
      hz.setTypes(Integer.class, valueType);
      // OBJECT keeps entries deserialized, the closest Hazelcast has to store-by-reference.
      hz.setInMemoryFormat(InMemoryFormat.OBJECT);
      hz.setEvictionConfig(new EvictionConfig().setSize((int) Math.min(Integer.MAX_VALUE, spec.capacity()))
          .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT).setEvictionPolicy(EvictionPolicy.LRU));
      if (spec.expiry()) {
        hz.setExpiryPolicyFactory(tenMinutes());
      }
      configuration = hz;
    }
    // The member-side provider: the generic one would look for a client instance.
    CacheUnderTest<V> cache = jcache("com.hazelcast.cache.impl.HazelcastServerCachingProvider",
        HazelcastCachingProvider.propertiesByInstanceItself(member), configuration);
    return new CacheUnderTest<>() {
      @Override public V get(Integer key) {
        return cache.get(key);
      }

      @Override public void put(Integer key, V value) {
        cache.put(key, value);
      }

      @Override public long size() {
        return cache.size();
      }

      @Override public void close() {
        cache.close();
        member.shutdown();
      }
    };
  }

  private static final class JCache<V> implements CacheUnderTest<V> {
    private final Cache<Integer, V> cache;
    private final Runnable onClose;

    JCache(Cache<Integer, V> cache, Runnable onClose) {
      this.cache = cache;
      this.onClose = onClose;
    }

    @Override public V get(Integer key) {
      return cache.get(key);
    }

    @Override public void put(Integer key, V value) {
      cache.put(key, value);
    }

    @Override public long size() {
      long count = 0;
      for (Cache.Entry<Integer, V> ignored : cache) {
        count++;
      }
      return count;
    }

    @Override public void close() {
      onClose.run();
    }
  }

  /** The floor: no JCache rules, no bound, no copies. */
  private static final class MapCache<V> implements CacheUnderTest<V> {
    private final ConcurrentHashMap<Integer, V> map = new ConcurrentHashMap<>();

    @Override public V get(Integer key) {
      return map.get(key);
    }

    @Override public void put(Integer key, V value) {
      map.put(key, value);
    }

    @Override public long size() {
      return map.size();
    }

    @Override public void close() {
      map.clear();
    }
  }
}
