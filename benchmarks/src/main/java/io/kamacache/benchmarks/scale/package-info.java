/**
 * How KamaCache's costs grow with the cluster: simulations that need no cluster, such as the
 * share of keys that move when a member joins the consistent-hash ring.
 */
package io.kamacache.benchmarks.scale;
