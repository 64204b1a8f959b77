/**
 * Integration: the cache's {@link javax.cache.integration.CacheLoader} and
 * {@link javax.cache.integration.CacheWriter}, called with the spec's exception rules and its
 * partial-failure rule for batches.
 */
package io.kamacache.integration;
