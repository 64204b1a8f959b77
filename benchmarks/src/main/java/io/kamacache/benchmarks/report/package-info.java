/**
 * Turns benchmark results into the tables and charts of docs/performance.md.
 */
package io.kamacache.benchmarks.report;
