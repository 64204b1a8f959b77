/**
 * The local store: a bucketed LRU-2 with a frequency gate and an optional exact bound, per-entry
 * expiry times, and the TTL walker that expires entries without waiting for a read.
 */
package io.kamacache.store;
