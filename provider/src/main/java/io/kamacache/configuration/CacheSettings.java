package io.kamacache.configuration;

import java.time.Duration;
import java.util.List;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * What the configuration file says about one cache or template, already checked. A null
 * component was not in the file; the cache keeps what its configuration has there.
 *
 * @param keyType {@code key-type}
 * @param valueType {@code value-type}
 * @param capacity {@code capacity}, at least 1
 * @param expiryPolicyFactory {@code expiry} or {@code expiry-policy-factory}
 * @param storeByValue {@code store-by-value}
 * @param statistics {@code statistics}
 * @param management {@code management}
 * @param backups {@code backups}, 0 to 6
 * @param nearCache {@code near-cache}, 0 or more
 * @param nearCacheMaxAge {@code near-cache-max-age}, positive
 * @param readThrough {@code read-through}
 * @param loaderFactory {@code loader-factory}
 * @param writeThrough {@code write-through}
 * @param writerFactory {@code writer-factory}
 * @param listeners {@code listeners}; null when absent, never empty
 */
public record CacheSettings(
    Class<?> keyType,
    Class<?> valueType,
    Long capacity,
    Factory<ExpiryPolicy> expiryPolicyFactory,
    Boolean storeByValue,
    Boolean statistics,
    Boolean management,
    Integer backups,
    Long nearCache,
    Duration nearCacheMaxAge,
    Boolean readThrough,
    Factory<CacheLoader<Object, Object>> loaderFactory,
    Boolean writeThrough,
    Factory<CacheWriter<Object, Object>> writerFactory,
    List<CacheEntryListenerConfiguration<Object, Object>> listeners) {

  public CacheSettings {
    listeners = listeners == null ? null : List.copyOf(listeners);
  }
}
