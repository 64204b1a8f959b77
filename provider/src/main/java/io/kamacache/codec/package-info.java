/**
 * Keys and values as bytes: the tagged wire codec that members exchange, Java serialization
 * behind an allow-list and decoding limits (depth, arrays, references, hash work), and the copiers
 * that give store-by-value caches their copies.
 */
package io.kamacache.codec;
