/**
 * How KamaCache's costs grow with the store and the cluster: the share of keys that move when a
 * member joins the consistent-hash ring (a simulation), and measurements on a real cluster of
 * member JVMs on loopback: a member joining while clients read, and heap bytes per entry with one
 * backup.
 */
package io.kamacache.benchmarks.scale;
