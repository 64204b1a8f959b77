/**
 * The operation history the fault-injection clients record and the checker reads: one register
 * operation per {@link io.kamacache.chaos.history.Op}, written line by line by a
 * {@link io.kamacache.chaos.history.HistoryWriter} so a killed client loses nothing it recorded,
 * and paired back into operations by {@link io.kamacache.chaos.history.HistoryReader}.
 */
package io.kamacache.chaos.history;
