package io.kamacache.jcache;

import io.kamacache.configuration.CacheSettings;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * Applies what the configuration file says about a cache to a {@link KamaConfiguration}: every
 * setting the configuration leaves at its default takes the file's value, if the file has one.
 * A declared cache starts from all defaults; a cache created under a template's pattern keeps
 * every explicit, non-default setting of the caller's configuration.
 */
final class FileSettings {

  private FileSettings() {}

  /** The configuration of a cache declared in the file. */
  static KamaConfiguration<Object, Object> declared(CacheSettings settings) {
    return under(settings, new KamaConfiguration<>());
  }

  /** {@code configuration} with each default setting replaced by the file's, if it gives one; changes it in place. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <K, V> KamaConfiguration<K, V> under(CacheSettings file, KamaConfiguration<K, V> configuration) {
    Class keyType = configuration.getKeyType() == Object.class && file.keyType() != null
        ? file.keyType() : configuration.getKeyType();
    Class valueType = configuration.getValueType() == Object.class && file.valueType() != null
        ? file.valueType() : configuration.getValueType();
    configuration.setTypes(keyType, valueType);
    if (configuration.getCapacity() == KamaConfiguration.UNBOUNDED && file.capacity() != null) {
      configuration.setCapacity(file.capacity());
    }
    if (EternalExpiryPolicy.factoryOf().equals(configuration.getExpiryPolicyFactory())
        && file.expiryPolicyFactory() != null) {
      configuration.setExpiryPolicyFactory((Factory<? extends ExpiryPolicy>) file.expiryPolicyFactory());
    }
    if (configuration.isStoreByValue() && file.storeByValue() != null) {
      configuration.setStoreByValue(file.storeByValue());
    }
    if (!configuration.isStatisticsEnabled() && file.statistics() != null) {
      configuration.setStatisticsEnabled(file.statistics());
    }
    if (!configuration.isManagementEnabled() && file.management() != null) {
      configuration.setManagementEnabled(file.management());
    }
    if (!configuration.isReadThrough() && file.readThrough() != null) {
      configuration.setReadThrough(file.readThrough());
    }
    if (configuration.getCacheLoaderFactory() == null && file.loaderFactory() != null) {
      configuration.setCacheLoaderFactory((Factory<? extends CacheLoader<K, V>>) (Factory) file.loaderFactory());
    }
    if (!configuration.isWriteThrough() && file.writeThrough() != null) {
      configuration.setWriteThrough(file.writeThrough());
    }
    if (configuration.getCacheWriterFactory() == null && file.writerFactory() != null) {
      configuration.setCacheWriterFactory(
          (Factory<? extends CacheWriter<? super K, ? super V>>) (Factory) file.writerFactory());
    }
    if (!configuration.getCacheEntryListenerConfigurations().iterator().hasNext() && file.listeners() != null) {
      for (CacheEntryListenerConfiguration listener : file.listeners()) {
        configuration.addCacheEntryListenerConfiguration(listener);
      }
    }
    if (configuration.getBackups() == KamaConfiguration.DEFAULT_BACKUPS && file.backups() != null) {
      configuration.setBackups(file.backups());
    }
    if (configuration.getNearCacheCapacity() == 0 && file.nearCache() != null) {
      configuration.setNearCache(file.nearCache());
    }
    if (KamaConfiguration.DEFAULT_NEAR_CACHE_MAX_AGE.equals(configuration.getNearCacheMaxAge())
        && file.nearCacheMaxAge() != null) {
      configuration.setNearCacheMaxAge(file.nearCacheMaxAge());
    }
    return configuration;
  }
}
