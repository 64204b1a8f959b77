/**
 * Entry events: listener registrations with their filters, and the dispatcher that delivers
 * CREATED, UPDATED, REMOVED and EXPIRED events to synchronous and asynchronous listeners in order.
 */
package io.kamacache.event;
