package io.kamacache.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.jcache.KamaCache;
import io.kamacache.jcache.KamaConfiguration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Hibernate application whose only cache configuration is {@code hibernate.javax.cache.uri}
 * naming a KamaCache YAML file: Hibernate creates its regions with a plain MutableConfiguration,
 * and the file's templates bound them.
 */
class HibernateRegionTemplatesTest {

  private SessionFactory sessionFactory;

  private static SessionFactory build(String database, String uri) {
    StandardServiceRegistry registry = HibernateSettings.onKamaCache("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1")
        .applySetting("hibernate.hbm2ddl.auto", "create-drop")
        .applySetting("hibernate.javax.cache.uri", uri)
        .build();
    return new MetadataSources(registry).addAnnotatedClass(Author.class).addAnnotatedClass(Book.class)
        .buildMetadata().buildSessionFactory();
  }

  @AfterEach
  void stop() {
    if (sessionFactory != null && sessionFactory.isOpen()) {
      sessionFactory.close();
    }
  }

  private CacheManager cacheManager() {
    RegionFactory regions = ((SessionFactoryImplementor) sessionFactory).getCache().getRegionFactory();
    return ((JCacheRegionFactory) regions).getCacheManager();
  }

  private Cache<Object, Object> region(String name) {
    return cacheManager().getCache(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hibernate-regions.yaml", "classpath://hibernate-regions.yaml"})
  void entityRegionsAreBoundedByTheFilesTemplate(String uri) {
    sessionFactory = build("regions" + uri.length(), uri);
    assertThat(cacheManager().getURI().getScheme()).as("Hibernate resolves the name on its class path").isEqualTo("file");
    sessionFactory.inTransaction(session -> {
      for (long id = 1; id <= 20; id++) {
        session.persist(new Author(id, "author " + id));
      }
    });
    for (long id = 1; id <= 20; id++) {
      long key = id;
      sessionFactory.inSession(session -> session.find(Author.class, key));
    }
    Cache<Object, Object> authors = region(Author.class.getName());
    KamaConfiguration<?, ?> configuration = authors.getConfiguration(KamaConfiguration.class);
    assertThat(configuration.getCapacity()).isEqualTo(3);
    assertThat(configuration.isStatisticsEnabled()).isTrue();
    KamaCache<?, ?> kama = authors.unwrap(KamaCache.class);
    assertThat(kama.localSize()).isEqualTo(3);
    assertThat(kama.statistics().getCacheEvictions()).isPositive();
  }

  /**
   * Hibernate 6.6 strips only {@code classpath://} before its class path lookup, and refuses what
   * it cannot find there, before KamaCache sees the URI; docs/spring-and-hibernate.md says so.
   * When this starts to pass through, the docs can offer {@code classpath:} too.
   */
  @Test
  void hibernateItselfRefusesTheSingleSlashClasspathForm() {
    assertThatThrownBy(() -> build("single", "classpath:hibernate-regions.yaml"))
        .hasStackTraceContaining("Couldn't load URI from classpath:hibernate-regions.yaml");
  }

  @Test
  void theMostSpecificTemplateAndTheQueryRegionsTemplatesApply() {
    sessionFactory = build("specific", "hibernate-regions.yaml");
    KamaConfiguration<?, ?> books =
        region(Author.class.getName() + ".books").getConfiguration(KamaConfiguration.class);
    assertThat(books.getCapacity()).isEqualTo(7);
    KamaConfiguration<?, ?> queries =
        region("default-query-results-region").getConfiguration(KamaConfiguration.class);
    assertThat(queries.getCapacity()).isEqualTo(100);
    assertThat(queries.getExpiryPolicyFactory())
        .isEqualTo(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 5)));
    KamaConfiguration<?, ?> timestamps =
        region("default-update-timestamps-region").getConfiguration(KamaConfiguration.class);
    assertThat(timestamps.getCapacity()).as("its own empty template keeps it unbounded")
        .isEqualTo(KamaConfiguration.UNBOUNDED);
  }
}
