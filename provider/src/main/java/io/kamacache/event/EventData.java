package io.kamacache.event;

/**
 * What an operation hands the dispatcher: the stored forms, turned into each listener's own copy
 * only when that listener runs, off the caller's lock.
 */
interface EventData {
  Object key();

  Object value();

  Object oldValue();
}
