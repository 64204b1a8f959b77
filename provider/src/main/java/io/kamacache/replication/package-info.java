/**
 * Replication: the copies of a cache's entries that move between members, that is the backups an
 * owner keeps on other members and the entries handed to a new owner, each with the version that
 * decides which of two states is newer.
 */
package io.kamacache.replication;
