/**
 * Cluster mode: membership in etcd under a lease, the consistent-hash ring, routing each key's
 * operations to its owner, fenced ownership and the membership barrier, backups and rebalancing,
 * near caches, cluster-wide listeners, and the peer service with its authentication, input checks
 * and limits, with the member's counters ({@link io.kamacache.cluster.ClusterMetrics}, shown as a
 * {@link io.kamacache.cluster.ClusterMXBean}). {@link io.kamacache.cluster.ClusterNode} ties them
 * together for one cache manager: it builds the parts and hands each what it uses (the members
 * and how to reach them as {@code Peers}, the local caches, ownership, the rebalancer), never
 * itself, so no part calls back into it.
 */
package io.kamacache.cluster;
