/**
 * Expiry: the spec's rules for turning an {@link javax.cache.expiry.ExpiryPolicy}'s durations into
 * the absolute expiry times the store keeps, including the fallbacks when a policy throws.
 */
package io.kamacache.expiry;
