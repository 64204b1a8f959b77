package io.kamacache.codec;

import java.util.List;

/**
 * The classes that libraries built on JCache put in a cache or send to it, allowed by default so
 * that they work on a cluster without their users learning their internals. Each is named exactly,
 * never by package: a package pattern would also let in the library's other serializable classes,
 * some of which hold objects that run code when read. What these classes hold (ids, disassembled
 * column values, byte arrays) still goes through the allow-list one object at a time.
 */
final class LibraryClasses {

  private LibraryClasses() {}

  /** Hibernate ORM 6.x's second-level cache keys and entries (hibernate-jcache), checked against 6.6. */
  static final List<String> HIBERNATE = List.of(
      // Keys of entity and collection regions (BasicCacheKeyImplementation for single-table ids).
      "org.hibernate.cache.internal.CacheKeyImplementation",
      "org.hibernate.cache.internal.BasicCacheKeyImplementation",
      "org.hibernate.cache.internal.NaturalIdCacheKey",
      // Entries: an entity's disassembled state (a Serializable[]), a collection's element ids.
      "org.hibernate.cache.spi.entry.StandardCacheEntryImpl",
      "org.hibernate.cache.spi.entry.CollectionCacheEntry",
      // read-write regions wrap every value in an Item, and lock a key with a SoftLockImpl.
      "org.hibernate.cache.spi.support.AbstractReadWriteAccess$Item",
      "org.hibernate.cache.spi.support.AbstractReadWriteAccess$SoftLockImpl",
      // The query cache: the key, its parameter values, and the cached list of ids.
      "org.hibernate.cache.spi.QueryKey",
      "org.hibernate.query.internal.QueryParameterBindingsImpl$ParameterBindingsMementoImpl",
      "org.hibernate.query.spi.QueryParameterBindings$1", // the memento of a query without parameters
      "org.hibernate.cache.internal.QueryResultsCacheImpl$CacheItem");

  /**
   * Bucket4j 8's JCache proxy (bucket4j_jdk17-jcache): its entry processor, which carries the
   * request in Bucket4j's own binary form, and the classes whose serializable lambdas it sends.
   */
  static final List<String> BUCKET4J = List.of(
      "io.github.bucket4j.grid.jcache.JCacheProxyManager$BucketProcessor",
      "io.github.bucket4j.grid.jcache.JCacheProxyManager",
      "io.github.bucket4j.grid.jcache.CompatibilityTest");
}
