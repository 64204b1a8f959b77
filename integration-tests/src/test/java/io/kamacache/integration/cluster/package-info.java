/**
 * Libraries built on JCache (Hibernate's second-level cache, Bucket4j) on a real KamaCache
 * cluster: etcd and several members, in this JVM or in member JVMs of their own.
 */
package io.kamacache.integration.cluster;
