package io.kamacache.group;

import io.kamacache.codec.Copier;
import io.kamacache.event.EventDispatcher;
import io.kamacache.expiry.ExpiryRules;
import io.kamacache.replication.Copies;
import io.kamacache.replication.Replication;
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
    if (slot.isPresent()) {
      Object old = slot.value();
      long expiresAt = expiry.onUpdate(slot.expiresAt(), slot::now);
      long version = copies.changing(key, slot, stored, expiresAt);
      slot.set(stored, expiresAt);
      slot.setVersion(version);
      events.publish(EventType.UPDATED, key, stored, old);
      return true;
    }
    long expiresAt = expiry.onCreation(slot::now);
    if (expiredAtOnce(expiresAt, slot)) {
      return false;
    }
    long version = copies.changing(key, slot, stored, expiresAt);
    slot.set(stored, expiresAt);
    slot.setVersion(version);
    events.publish(EventType.CREATED, key, stored, null);
    return true;
  }

  /**
   * A put, or a removal when {@code stored} is null, whose copy goes to the backups with others'
   * before it becomes visible. {@code previous} is the version of the state it replaces: if the
   * key has another by commit time, it changed meanwhile.
   */
  record Prepared<K>(K key, Object stored, long expiresAt, long previous, long version) {}

  /**
   * Under the key's lock: works out a put's expiry time and version in {@code batch}, and changes
   * nothing. Null when a new entry would expire at once, and so is not stored.
   */
  Prepared<K> preparePut(K key, Slot<Object> slot, Object stored, Replication.Batch<K> batch) {
    long expiresAt;
    if (slot.isPresent()) {
      expiresAt = expiry.onUpdate(slot.expiresAt(), slot::now);
    } else {
      expiresAt = expiry.onCreation(slot::now);
      if (expiredAtOnce(expiresAt, slot)) {
        return null;
      }
    }
    long previous = copies.currentVersion(key, slot);
    return new Prepared<>(key, stored, expiresAt, previous, batch.prepare(key, stored, expiresAt, slot.now(), previous));
  }

  /** Whether a new entry's expiry time has passed already; an eternal one does not read the clock. */
  private static boolean expiredAtOnce(long expiresAt, Slot<Object> slot) {
    return expiresAt != Expiry.NEVER && Expiry.isExpired(expiresAt, slot.now());
  }

  /** As {@link #preparePut} for a removal; null when there is nothing to remove. */
  Prepared<K> prepareRemoval(K key, Slot<Object> slot, Replication.Batch<K> batch) {
    if (!slot.isPresent()) {
      return null;
    }
    long previous = slot.version();
    return new Prepared<>(key, null, Expiry.NEVER, previous, batch.prepare(key, null, Expiry.NEVER, slot.now(), previous));
  }

  /**
   * Under the key's lock, once the batch is on the backups: makes the change visible and returns
   * whether it changed an entry. A key that changed since it was prepared (a write, a removal, an
   * eviction) is changed the usual way instead, with a newer version, so its backups end with the
   * state visible here.
   */
  boolean commit(Prepared<K> change, Slot<Object> slot, Replication.Batch<K> batch) {
    K key = change.key();
    boolean removal = change.stored() == null;
    if (copies.currentVersion(key, slot) != change.previous()) {
      return removal ? remove(key, slot) != null : put(key, slot, change.stored());
    }
    batch.committing();
    boolean present = slot.isPresent();
    Object old = present ? slot.value() : null;
    if (removal) {
      copies.removedAt(key, change.version());
      slot.remove();
      events.publish(EventType.REMOVED, key, null, old);
      return true;
    }
    slot.set(change.stored(), change.expiresAt());
    slot.setVersion(change.version());
    events.publish(present ? EventType.UPDATED : EventType.CREATED, key, change.stored(), old);
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
