package io.kamacache.group;

import io.kamacache.codec.Copier;
import io.kamacache.store.Expiry;
import io.kamacache.store.Lru2Store;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The entries of a Group as copies that move between members: backups an owner keeps on other
 * members, and entries handed to a new owner when membership changes. None of this is a cache
 * operation: no writer, no events, no statistics. Values cross here in the caller's form (what
 * {@link Copier#fromStored} gives), with their remaining time to live, since expiry times are
 * only meaningful on the JVM that made them.
 */
public final class Copies<K> {

  /** Time to live of an entry that never expires. */
  public static final long NEVER = -1;

  private final Lru2Store<K, Object> owned;
  private final Supplier<Lru2Store<K, Object>> newBackupStore;
  /** Made when the first backup arrives: embedded caches never have one. */
  private volatile Lru2Store<K, Object> backups;
  private final Copier copier;
  private final Supplier<Replication<K>> replication;

  Copies(Lru2Store<K, Object> owned, Supplier<Lru2Store<K, Object>> newBackupStore, Copier copier,
      Supplier<Replication<K>> replication) {
    this.owned = owned;
    this.newBackupStore = newBackupStore;
    this.copier = copier;
    this.replication = replication;
  }

  /** One entry in transit: a value and its remaining time to live, or a removal (null value). */
  public static final class Copy<K> {
    public final K key;
    public final Object value;
    public final long ttlNanos;

    public Copy(K key, Object value, long ttlNanos) {
      this.key = key;
      this.value = value;
      this.ttlNanos = ttlNanos;
    }
  }

  public static long ttl(long expiresAt, long now) {
    return expiresAt == Expiry.NEVER ? NEVER : Math.max(0, expiresAt - now);
  }

  private static long expiresAt(long ttlNanos, long now) {
    return ttlNanos < 0 ? Expiry.NEVER : now + ttlNanos;
  }

  /** The stored form of a value that arrived from elsewhere. */
  public Object toStored(Object value) {
    return copier.toStored(value);
  }

  /** The caller's form of a stored value, for sending elsewhere. */
  public Object view(Object stored) {
    return stored == null ? null : copier.fromStored(stored);
  }

  /** Applies an owner's change to the backup copy held here. */
  public void applyBackup(K key, Object value, long ttlNanos) {
    Object stored = value == null ? null : copier.toStored(value);
    backupStore().compute(key, (k, slot) -> {
      if (stored == null) {
        slot.remove();
      } else {
        slot.set(stored, expiresAt(ttlNanos, slot.now()));
      }
      return null;
    });
  }

  /**
   * Takes an entry handed over by its previous owner, unless this member already has the key:
   * then what is here was written under the new ownership and is newer. Returns whether it was taken.
   */
  public boolean applyHandoff(K key, Object value, long ttlNanos) {
    Object stored = copier.toStored(value);
    return owned.compute(key, (k, slot) -> {
      if (slot.isPresent()) {
        return false;
      }
      long expiresAt = expiresAt(ttlNanos, slot.now());
      slot.set(stored, expiresAt);
      Replication<K> copies = replication.get();
      if (copies != null) {
        copies.written(k, stored, expiresAt, slot.now());
      }
      return true;
    });
  }

  /**
   * Makes the backup copy of a key owned here, when this member has become its owner (its owner
   * died or left). A key already owned here keeps its value. Returns whether a copy was adopted.
   */
  public boolean adopt(K key) {
    if (backups == null) {
      return false;
    }
    Copy<K> copy = take(backups, key);
    if (copy == null) {
      return false;
    }
    return applyHandoff(key, copy.value, copy.ttlNanos);
  }

  /** Reads an owned entry for sending elsewhere, or null if it is absent or expired. */
  public Copy<K> readOwned(K key) {
    return read(owned, key, false);
  }

  /** Removes an owned entry that has moved to another owner, keeping it as a backup if asked. */
  public void release(K key, boolean keepAsBackup) {
    Copy<K> copy = take(owned, key);
    if (copy != null && keepAsBackup) {
      applyBackup(key, copy.value, copy.ttlNanos);
    }
  }

  public void dropBackup(K key) {
    if (backups != null) {
      take(backups, key);
    }
  }

  public boolean hasBackup(K key) {
    return backups != null && backups.containsKey(key);
  }

  public List<K> ownedKeys() {
    return owned.keys();
  }

  public List<K> backupKeys() {
    return backups == null ? List.of() : backups.keys();
  }

  public long backupCount() {
    return backups == null ? 0 : backups.size();
  }

  private Lru2Store<K, Object> backupStore() {
    Lru2Store<K, Object> store = backups;
    if (store == null) {
      synchronized (this) {
        store = backups;
        if (store == null) {
          store = newBackupStore.get();
          backups = store;
        }
      }
    }
    return store;
  }

  /** The TTL walker's step over the backup copies, which expire as their originals do. */
  public int expireBackups(long budgetNanos) {
    return backups == null ? 0 : backups.expireStep(budgetNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private Copy<K> take(Lru2Store<K, Object> store, K key) {
    return read(store, key, true);
  }

  private Copy<K> read(Lru2Store<K, Object> store, K key, boolean remove) {
    return store.compute(key, (k, slot) -> {
      if (!slot.isPresent()) {
        return null;
      }
      Copy<K> copy = new Copy<>(k, view(slot.value()), ttl(slot.expiresAt(), slot.now()));
      if (remove) {
        slot.remove();
      }
      return copy;
    });
  }

  /** Everything owned here, for a member that is leaving. */
  public List<Copy<K>> allOwned() {
    List<Copy<K>> copies = new ArrayList<>();
    for (K key : owned.keys()) {
      Copy<K> copy = readOwned(key);
      if (copy != null) {
        copies.add(copy);
      }
    }
    return copies;
  }
}
