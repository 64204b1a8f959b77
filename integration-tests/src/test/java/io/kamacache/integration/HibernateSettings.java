package io.kamacache.integration;

import io.kamacache.jcache.KamaCachingProvider;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;

/** The Hibernate settings every test here starts from: second-level and query caches on KamaCache. */
public final class HibernateSettings {

  private HibernateSettings() {}

  /** Over the database at {@code jdbcUrl}, with regions created on first use and statistics on. */
  public static StandardServiceRegistryBuilder onKamaCache(String jdbcUrl) {
    return new StandardServiceRegistryBuilder()
        .applySetting("hibernate.connection.url", jdbcUrl)
        .applySetting("hibernate.connection.username", "sa")
        .applySetting("hibernate.cache.use_second_level_cache", "true")
        .applySetting("hibernate.cache.use_query_cache", "true")
        .applySetting("hibernate.cache.region.factory_class", "jcache")
        .applySetting("hibernate.javax.cache.provider", KamaCachingProvider.class.getName())
        .applySetting("hibernate.javax.cache.missing_cache_strategy", "create")
        .applySetting("hibernate.generate_statistics", "true");
  }
}
