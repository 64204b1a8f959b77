/**
 * The orchestrator of the fault-injection suite: it launches etcd and {@code ChaosMember} JVMs
 * (in Linux network namespaces where a scenario cuts links), injects one fault per run, collects
 * the recorded histories, checks them, and summarizes runs in a table. {@link
 * io.kamacache.chaos.harness.ChaosRunner} is its command line.
 */
package io.kamacache.chaos.harness;
