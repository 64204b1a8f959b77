/**
 * The operations CLI, {@code kamacache}: lists a cluster's members, caches and statistics, and
 * drains a member, through a client node opened from the same settings an application uses.
 */
package io.kamacache.cli;
