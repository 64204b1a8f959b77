/**
 * The hit-ratio simulator of issue 5: replays real and synthetic traces through LRU, KamaCache's
 * LRU-2 store and Caffeine's W-TinyLFU. The real traces are the cache2k traces, © headissue GmbH,
 * Jens Wilke, published by the cache2k project under CC BY 4.0; they are read from outside the
 * repository and never copied into it.
 */
package io.kamacache.benchmarks.simulator;
