package io.kamacache.event;

import io.kamacache.codec.Copier;

/**
 * What an operation hands the dispatcher: the stored forms, turned into each listener's own copy
 * only when that listener runs, off the caller's lock.
 */
final class EventData {
  private final Copier copier;
  private final Object key;
  private final Object value;
  private final Object oldValue;

  EventData(Copier copier, Object key, Object value, Object oldValue) {
    this.copier = copier;
    this.key = key;
    this.value = value;
    this.oldValue = oldValue;
  }

  Object key() {
    return copier.copyKey(key);
  }

  Object value() {
    return value == null ? null : copier.fromStored(value);
  }

  Object oldValue() {
    return oldValue == null ? null : copier.fromStored(oldValue);
  }
}
