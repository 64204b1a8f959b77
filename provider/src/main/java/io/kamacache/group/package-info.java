/**
 * The Group: one named cache's every operation, with expiry rules, read- and write-through,
 * entry processors, singleflight loading and the copies that replication keeps, over one store.
 */
package io.kamacache.group;
