/**
 * Runnable demos: the embedded default, and the same javax.cache code against a cluster.
 */
package io.kamacache.examples;
