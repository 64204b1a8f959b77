/**
 * The checkers run over a recorded history: {@link io.kamacache.chaos.check.Linearizability}, which
 * searches each key for a linearization, {@link io.kamacache.chaos.check.Anomalies}, which counts
 * lost writes, stale reads and never-written values, and {@link io.kamacache.chaos.check.CheckMain},
 * their command line.
 */
package io.kamacache.chaos.check;
