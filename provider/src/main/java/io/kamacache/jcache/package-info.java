/**
 * The javax.cache SPI: the caching provider found by ServiceLoader, the cache manager, the cache
 * and its iterator, and KamaCache's own configuration on top of MutableConfiguration.
 */
package io.kamacache.jcache;
