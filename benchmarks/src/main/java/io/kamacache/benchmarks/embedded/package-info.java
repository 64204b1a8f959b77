/**
 * JMH benchmarks of one process through javax.cache, KamaCache side by side with the peers.
 */
package io.kamacache.benchmarks.embedded;
