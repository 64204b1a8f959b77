/**
 * Benchmarks of KamaCache and its peers through the {@code javax.cache} API, and the hit-ratio
 * simulator. Nothing here is part of the provider.
 */
package io.kamacache.benchmarks;
