/**
 * The Group: every operation of one named cache, run with JSR-107's rules over one local store,
 * with singleflight loading, entry processing and the per-entry steps they share.
 */
package io.kamacache.group;
