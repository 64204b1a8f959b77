package io.kamacache.group;

import io.kamacache.codec.Copier;
import io.kamacache.event.EventDispatcher;
import io.kamacache.expiry.ExpiryRules;
import io.kamacache.replication.Copies;
import io.kamacache.store.Expiry;
import io.kamacache.store.Slot;
import javax.cache.event.EventType;

/**
 * The steps every operation takes on one entry, under its key's lock: create or update it with
 * the expiry policy's time, remove it, or record an access. A change goes to the backups before it
 * becomes visible here and is then published as an event. Also the conversions between the
 * caller's form of keys and values and the stored form.
 */
final class EntrySteps<K, V> {

  private final ExpiryRules expiry;
  private final Copies<K> copies;
  private final EventDispatcher<K, V> events;
  private final Copier copier;
  private final boolean movesOnAccess;

  EntrySteps(ExpiryRules expiry, Copies<K> copies, EventDispatcher<K, V> events, Copier copier) {
    this.expiry = expiry;
    this.copies = copies;
    this.events = events;
    this.copier = copier;
    this.movesOnAccess = expiry.movesOnAccess();
  }

  /**
   * Creates or updates the entry in {@code slot}, applying the expiry policy and publishing the
   * event. Returns false when a new entry expires at once and so is not stored.
   */
  boolean put(K key, Slot<Object> slot, Object stored) {
    long now = slot.now();
    if (slot.isPresent()) {
      Object old = slot.value();
      long expiresAt = expiry.onUpdate(slot.expiresAt(), now);
      long version = copies.changing(key, slot, stored, expiresAt);
      slot.set(stored, expiresAt);
      slot.setVersion(version);
      events.publish(EventType.UPDATED, key, stored, old);
      return true;
    }
    long expiresAt = expiry.onCreation(now);
    if (Expiry.isExpired(expiresAt, now)) {
      return false;
    }
    long version = copies.changing(key, slot, stored, expiresAt);
    slot.set(stored, expiresAt);
    slot.setVersion(version);
    events.publish(EventType.CREATED, key, stored, null);
    return true;
  }

  /** Removes the entry if present and returns its stored value, or null. */
  Object remove(K key, Slot<Object> slot) {
    if (!slot.isPresent()) {
      return null;
    }
    Object old = slot.value();
    copies.removing(key, slot);
    slot.remove();
    events.publish(EventType.REMOVED, key, null, old);
    return old;
  }

  /** An access that is not a store read (a failed comparison, a processor's getValue). */
  void accessed(K key, Slot<Object> slot) {
    slot.touch();
    slot.setExpiresAt(expiry.onAccess(slot.expiresAt(), slot.now()));
    accessedElsewhere(key);
  }

  /** Tells the backups of an entry whose expiry a read may have moved; nothing when none can have. */
  void accessedElsewhere(K key) {
    if (movesOnAccess) {
      copies.accessed(key);
    }
  }

  Object toStored(V value) {
    return copier.toStored(value);
  }

  @SuppressWarnings("unchecked")
  V view(Object stored) {
    return stored == null ? null : (V) copier.fromStored(stored);
  }

  @SuppressWarnings("unchecked")
  K copyKey(K key) {
    return (K) copier.copyKey(key);
  }
}
