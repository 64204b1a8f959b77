package io.kamacache.replication;

import io.kamacache.codec.Copier;
import io.kamacache.store.Expiry;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.Slot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The entries of a Group as copies that move between members: backups an owner keeps on other
 * members, and entries handed to a new owner when membership changes. None of this is a cache
 * operation: no writer, no events, no statistics. Values cross here in the caller's form (what
 * {@link Copier#fromStored} gives), with their remaining time to live, since expiry times are
 * only meaningful on the JVM that made them.
 *
 * <p>Every state carries the version its owner gave it, and a receiver keeps the newer state: a
 * copy that arrives late, from an owner that has since lost the key, never replaces what a newer
 * owner wrote. A removal leaves its version behind for a while (see {@link #REMEMBERED_REMOVALS}),
 * so no late copy brings a removed key back.
 *
 * <p>The owner's own changes reach the backups through {@link #changing} and {@link #removing},
 * which the Group calls under the key's lock; in embedded mode there is no {@link Replication}
 * and they only answer version 0.
 */
public final class Copies<K> {

  /** Time to live of an entry that never expires. */
  public static final long NEVER = -1;
  /**
   * How many removals are remembered. Late copies only arrive while membership changes, within a
   * rebalancing round; this many removals in one round is far beyond what one round takes.
   */
  static final int REMEMBERED_REMOVALS = 1 << 16;

  /** Reads of backup copies move no expiry times. */
  private static final Lru2Store.AccessRule<Object> UNCHANGED = Lru2Store.AccessRule.unchanged();

  private final Lru2Store<K, Object> owned;
  private final Supplier<Lru2Store<K, Object>> newBackupStore;
  /** Made when the first backup arrives: embedded caches never have one. */
  private volatile Lru2Store<K, Object> backups;
  private final Copier copier;
  /** Set once, when the cache joins a cluster; null in embedded mode. */
  private volatile Replication<K> replication;
  /** Set once the first removal is remembered; before that no create needs {@link #removals}' lock. */
  private volatile boolean anyRemoved;
  /** Versions of recent removals of owned keys; empty in embedded mode. Guarded by itself. */
  private final Map<K, Long> removals = new LinkedHashMap<>(16, 0.75f, false) {
    @Override protected boolean removeEldestEntry(Map.Entry<K, Long> eldest) {
      return size() > REMEMBERED_REMOVALS;
    }
  };

  public Copies(Lru2Store<K, Object> owned, Supplier<Lru2Store<K, Object>> newBackupStore, Copier copier) {
    this.owned = owned;
    this.newBackupStore = newBackupStore;
    this.copier = copier;
  }

  /** Keeps copies of every change elsewhere from now on. */
  public void replicateTo(Replication<K> replication) {
    this.replication = replication;
  }

  /**
   * Puts an owned entry's new state on the backups before it becomes visible here, so that no
   * reader sees a state a failover could lose; returns the state's version (0 in embedded mode).
   * Called under the key's lock, before {@code slot} changes.
   */
  public long changing(K key, Slot<Object> slot, Object stored, long expiresAt) {
    Replication<K> replicating = replication;
    if (replicating == null) {
      return 0;
    }
    long now = slot.now();
    long previous = ownedVersion(slot, key);
    // The backups' round trips hold the key but not its bucket: reads and other keys go on.
    return slot.unlocked(() -> replicating.changing(key, stored, expiresAt, now, previous));
  }

  /**
   * Puts the removal of the owned entry in {@code slot} on the backups and remembers its version,
   * so no late copy brings it back. Called under the key's lock, before the entry goes.
   */
  public void removing(K key, Slot<Object> slot) {
    Replication<K> replicating = replication;
    if (replicating != null) {
      long now = slot.now();
      long previous = slot.version();
      removed(key, slot.unlocked(() -> replicating.changing(key, null, Expiry.NEVER, now, previous)));
    }
  }

  /**
   * After {@link Replication.Refused}: waits, within the operation's time, until this member may
   * change its keys again, and returns whether it may (never in embedded mode, which never refuses).
   */
  public boolean awaitChangeable() {
    Replication<K> replicating = replication;
    return replicating != null && replicating.awaitChangeable();
  }

  /** A batch for a bulk write of owned entries, or null when changes are not worth batching (embedded mode). */
  public Replication.Batch<K> batch() {
    Replication<K> replicating = replication;
    return replicating == null ? null : replicating.batch();
  }

  /** The version of the owned key's current state, which its next change replaces; under the key's lock. */
  public long currentVersion(K key, Slot<Object> slot) {
    return ownedVersion(slot, key);
  }

  /** Remembers a removal of an owned key made in a batch, whose copy went to the backups at {@code version}. */
  public void removedAt(K key, long version) {
    removed(key, version);
  }

  /** Tells the backups that a read may have moved the entry's expiry time. */
  public void accessed(K key) {
    Replication<K> replicating = replication;
    if (replicating != null) {
      replicating.accessed(key);
    }
  }

  /** One entry's state in transit: a value and its remaining time to live, or a removal (null value). */
  public static final class Copy<K> {
    public final K key;
    public final Object value;
    public final long ttlNanos;
    public final long version;

    public Copy(K key, Object value, long ttlNanos, long version) {
      this.key = key;
      this.value = value;
      this.ttlNanos = ttlNanos;
      this.version = version;
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

  /** Records the removal of an owned key at {@code version}; called under the key's lock. */
  private void removed(K key, long version) {
    synchronized (removals) {
      removals.put(key, version);
      anyRemoved = true;
    }
  }

  /** The version of the key's last remembered removal, or 0. */
  private long removedVersion(K key) {
    if (!anyRemoved) {
      return 0; // every create asks, and most caches never remove: no lock for them
    }
    synchronized (removals) {
      Long version = removals.get(key);
      return version == null ? 0 : version;
    }
  }

  private long ownedVersion(Slot<Object> slot, K key) {
    return slot.isPresent() ? slot.version() : removedVersion(key);
  }

  /**
   * Applies an owner's change to the backup copy held here, unless the copy here is newer. Copies
   * from one owner arrive in the order it made them, so an equal version is that owner's latest.
   */
  public void applyBackup(K key, Object value, long ttlNanos, long version) {
    Object stored = value == null ? null : copier.toStored(value);
    backupStore().compute(key, (k, slot) -> {
      if (slot.isPresent() && slot.version() > version) {
        return null;
      }
      if (stored == null) {
        slot.remove();
      } else {
        slot.set(stored, expiresAt(ttlNanos, slot.now()));
        slot.setVersion(version);
      }
      return null;
    });
  }

  /**
   * Takes a state handed over by its previous owner if it is newer than what this member has for
   * the key (an entry, or a remembered removal). Returns whether it was taken.
   */
  public boolean applyHandoff(K key, Object value, long ttlNanos, long version) {
    Object stored = value == null ? null : copier.toStored(value);
    return owned.compute(key, (k, slot) -> install(k, slot, stored, ttlNanos, version, true));
  }

  /**
   * As {@link #applyHandoff} for each state of a handover, and then puts the ones taken on this
   * member's backups together ({@link Replication#copiedAll}), not one round trip per entry.
   */
  public void applyHandoffs(List<Copy<K>> handed) {
    List<Replication.Taken<K>> toBackups = new ArrayList<>(handed.size());
    for (Copy<K> copy : handed) {
      Object stored = copy.value == null ? null : copier.toStored(copy.value);
      owned.compute(copy.key, (k, slot) -> {
        if (install(k, slot, stored, copy.ttlNanos, copy.version, false) && stored != null) {
          toBackups.add(new Replication.Taken<>(k, stored, ttl(slot.expiresAt(), slot.now()), copy.version));
        }
        return null;
      });
    }
    Replication<K> replicating = replication;
    if (replicating != null && !toBackups.isEmpty()) {
      replicating.copiedAll(toBackups);
    }
  }

  private boolean install(K key, Slot<Object> slot, Object stored, long ttlNanos, long version, boolean copyNow) {
    if (version <= ownedVersion(slot, key)) {
      return false;
    }
    if (stored == null) {
      slot.remove();
      removed(key, version);
      return true;
    }
    long expiresAt = expiresAt(ttlNanos, slot.now());
    slot.set(stored, expiresAt);
    slot.setVersion(version);
    Replication<K> replicating = replication;
    if (replicating != null && copyNow) {
      replicating.copied(key, stored, expiresAt, slot.now(), version);
    }
    return true;
  }

  /**
   * Makes the backup copy of a key owned here, when this member has become its owner (its owner
   * died or left), if it is newer than what is owned here. Returns whether a copy was adopted.
   */
  public boolean adopt(K key) {
    Lru2Store<K, Object> held = backups;
    if (held == null) {
      return false;
    }
    // Under the owned key's lock, and the copy leaves the backups only once it is owned: a read
    // that finds no backup copy any more then finds the adopted entry, never a gap between.
    return owned.compute(key, (k, slot) -> {
      Copy<K> copy = read(held, k, false);
      if (copy == null) {
        return false;
      }
      boolean taken = install(k, slot, copy.value == null ? null : copier.toStored(copy.value), copy.ttlNanos,
          copy.version, true);
      take(held, k);
      return taken;
    });
  }

  /** Reads an owned entry for sending elsewhere, or null if it is absent or expired. */
  public Copy<K> readOwned(K key) {
    return read(owned, key, false);
  }

  /** Reads a backup copy held here, or null. */
  public Copy<K> readBackup(K key) {
    return backups == null ? null : read(backups, key, false);
  }

  /** Removes an owned entry that has moved to another owner, keeping it as a backup if asked. */
  public void release(K key, boolean keepAsBackup) {
    Copy<K> copy = take(owned, key);
    if (copy != null && keepAsBackup) {
      applyBackup(key, copy.value, copy.ttlNanos, copy.version);
    }
  }

  public void dropBackup(K key) {
    if (backups != null) {
      take(backups, key);
    }
  }

  /**
   * Whether a backup copy of the key may be held here, answered without waiting for a lock: a
   * read asks this on every request, and a false answer is exact.
   */
  public boolean mayHoldBackup(K key) {
    Lru2Store<K, Object> held = backups;
    return held != null && held.getWithoutWaiting(key, UNCHANGED, held) != null;
  }

  public List<K> ownedKeys() {
    return owned.keys();
  }

  public List<K> backupKeys() {
    return backups == null ? List.of() : backups.keys();
  }

  /** Drops the backups held here, as a clear does everywhere. */
  public void clearBackups() {
    Lru2Store<K, Object> store = backups;
    if (store != null) {
      store.clear();
    }
  }

  /**
   * Removals of keys {@code elsewhere} says another member now owns, as copies without a value:
   * handed over with the entries, so that an older copy of a removed key arriving later from
   * anywhere is refused by its new owner.
   */
  public List<Copy<K>> removalsOf(Predicate<K> elsewhere) {
    List<Copy<K>> found = new ArrayList<>();
    synchronized (removals) {
      for (Map.Entry<K, Long> removal : removals.entrySet()) {
        if (elsewhere.test(removal.getKey())) {
          found.add(new Copy<>(removal.getKey(), null, NEVER, removal.getValue()));
        }
      }
    }
    return found;
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
    return backups == null ? 0 : backups.expireStep(budgetNanos, TimeUnit.NANOSECONDS);
  }

  private Copy<K> take(Lru2Store<K, Object> store, K key) {
    return read(store, key, true);
  }

  private Copy<K> read(Lru2Store<K, Object> store, K key, boolean remove) {
    return store.compute(key, (k, slot) -> {
      if (!slot.isPresent()) {
        return null;
      }
      Copy<K> copy = new Copy<>(k, view(slot.value()), ttl(slot.expiresAt(), slot.now()), slot.version());
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
