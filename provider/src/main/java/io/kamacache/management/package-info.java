/**
 * JSR-107 management: the statistics and configuration MXBeans, and the counters behind them.
 */
package io.kamacache.management;
