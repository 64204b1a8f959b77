package io.kamacache.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCachingProvider;
import java.util.List;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.stat.CacheRegionStatistics;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hibernate ORM 6's second-level cache (hibernate-jcache) on KamaCache, as an application would
 * set it up: Hibernate finds the provider by class name, creates its missing caches itself with
 * {@code new MutableConfiguration<>()}, and closes the cache manager when it shuts down.
 */
class HibernateSecondLevelCacheTest {

  private SessionFactory sessionFactory;
  private Statistics statistics;

  private static SessionFactory build(String database) {
    StandardServiceRegistry registry = HibernateSettings.onKamaCache("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1")
        .applySetting("hibernate.hbm2ddl.auto", "create-drop")
        .build();
    return new MetadataSources(registry).addAnnotatedClass(Author.class).addAnnotatedClass(Book.class)
        .buildMetadata().buildSessionFactory();
  }

  @BeforeEach
  void start() {
    sessionFactory = build("library");
    statistics = sessionFactory.getStatistics();
    sessionFactory.inTransaction(session -> {
      Author author = new Author(1L, "Ursula");
      session.persist(author);
      session.persist(new Book(10L, "The Dispossessed", author));
      session.persist(new Book(11L, "The Lathe of Heaven", author));
    });
    statistics.clear();
  }

  @AfterEach
  void stop() {
    if (sessionFactory.isOpen()) {
      sessionFactory.close();
    }
  }

  private CacheRegionStatistics region(Class<?> entity) {
    return statistics.getDomainDataRegionStatistics(entity.getName());
  }

  @Test
  void anEntityLoadedInANewSessionComesFromTheSecondLevelCache() {
    Author first = sessionFactory.fromSession(session -> session.find(Author.class, 1L));
    Author second = sessionFactory.fromSession(session -> session.find(Author.class, 1L));
    assertThat(first.getName()).isEqualTo("Ursula");
    assertThat(second.getName()).isEqualTo("Ursula");
    assertThat(statistics.getSecondLevelCacheHitCount()).isEqualTo(2);
    assertThat(statistics.getEntityLoadCount()).as("no database load").isZero();
  }

  @Test
  void anEntityEvictedFromTheCacheIsLoadedAndPutOnce() {
    sessionFactory.getCache().evictEntityData(Author.class);
    sessionFactory.inSession(session -> session.find(Author.class, 1L));
    sessionFactory.inSession(session -> session.find(Author.class, 1L));
    assertThat(statistics.getSecondLevelCacheMissCount()).isEqualTo(1);
    assertThat(statistics.getSecondLevelCachePutCount()).isEqualTo(1);
    assertThat(statistics.getSecondLevelCacheHitCount()).isEqualTo(1);
    assertThat(statistics.getEntityLoadCount()).isEqualTo(1);
  }

  @Test
  void aCollectionIsPutOnceAndThenReadFromTheCache() {
    String role = Author.class.getName() + ".books";
    List<String> first = sessionFactory.fromSession(session -> titles(session));
    List<String> second = sessionFactory.fromSession(session -> titles(session));
    assertThat(first).containsExactlyInAnyOrder("The Dispossessed", "The Lathe of Heaven");
    assertThat(second).isEqualTo(first);
    assertThat(statistics.getCollectionStatistics(role).getCachePutCount()).isEqualTo(1);
    assertThat(statistics.getCollectionStatistics(role).getCacheHitCount()).isEqualTo(1);
    assertThat(statistics.getCollectionLoadCount()).isEqualTo(1);
  }

  private static List<String> titles(Session session) {
    return session.find(Author.class, 1L).getBooks().stream().map(Book::getTitle).toList();
  }

  @Test
  void aCacheableQueryRunTwiceHitsTheQueryCache() {
    for (int i = 0; i < 2; i++) {
      List<Book> books = sessionFactory.fromSession(session -> session
          .createQuery("from Book b where b.title like :title order by b.id", Book.class)
          .setParameter("title", "The %")
          .setCacheable(true)
          .getResultList());
      assertThat(books).hasSize(2);
    }
    assertThat(statistics.getQueryCacheMissCount()).isEqualTo(1);
    assertThat(statistics.getQueryCachePutCount()).isEqualTo(1);
    assertThat(statistics.getQueryCacheHitCount()).isEqualTo(1);
  }

  @Test
  void anUpdateReplacesTheCachedEntrySoNoSessionReadsTheStaleValue() {
    String before = sessionFactory.fromSession(session -> session.find(Author.class, 1L).getName());
    assertThat(before).isEqualTo("Ursula");
    sessionFactory.inTransaction(session -> session.find(Author.class, 1L).setName("Ursula K. Le Guin"));
    statistics.clear();
    String name = sessionFactory.fromSession(session -> session.find(Author.class, 1L).getName());
    assertThat(name).isEqualTo("Ursula K. Le Guin");
    assertThat(statistics.getSecondLevelCacheHitCount()).as("served from the updated cache entry").isEqualTo(1);
    assertThat(statistics.getEntityLoadCount()).isZero();
    assertThat(region(Author.class).getHitCount()).isEqualTo(1);
  }

  @Test
  void closingTheSessionFactoryClosesTheCacheManagerAndANewOneWorks() {
    CacheManager manager = Caching.getCachingProvider(KamaCachingProvider.class.getName()).getCacheManager();
    assertThat(manager.getCacheNames()).contains(Author.class.getName(), Book.class.getName());
    sessionFactory.close();
    assertThat(manager.isClosed()).isTrue();

    sessionFactory = build("library-again");
    sessionFactory.inTransaction(session -> session.persist(new Author(2L, "Octavia")));
    String name = sessionFactory.fromSession(session -> session.find(Author.class, 2L).getName());
    assertThat(name).isEqualTo("Octavia");
    assertThat(sessionFactory.getStatistics().getSecondLevelCacheHitCount()).isEqualTo(1);
  }
}
