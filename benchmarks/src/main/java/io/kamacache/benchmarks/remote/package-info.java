/**
 * The distributed comparison: member JVMs on loopback, remote latency and throughput, side by side
 * with Hazelcast.
 */
package io.kamacache.benchmarks.remote;
