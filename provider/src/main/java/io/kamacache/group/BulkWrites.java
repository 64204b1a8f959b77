package io.kamacache.group;

import io.kamacache.integration.Integration;
import io.kamacache.replication.Copies;
import io.kamacache.replication.Replication;
import io.kamacache.store.Lru2Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store side of putAll and removeAll, after the writer ran. Embedded, each key changes in
 * turn. With backups, every key's change is first prepared under its lock, the whole batch goes to
 * the backups in one request per backup member ({@link Replication.Batch}), and then each change
 * becomes visible under its lock: a round trip per batch instead of one per key.
 */
final class BulkWrites<K> {

  private final Lru2Store<K, Object> store;
  private final Copies<K> copies;
  private final EntrySteps<K, ?> steps;

  BulkWrites(Lru2Store<K, Object> store, Copies<K> copies, EntrySteps<K, ?> steps) {
    this.store = store;
    this.copies = copies;
    this.steps = steps;
  }

  /** Puts the stored values of the keys the writer did not fail; returns how many were stored. */
  long putAll(Map<K, Object> stored, Integration.Partial<K> written) {
    Replication.Batch<K> batch = copies.batch();
    if (batch == null) {
      long puts = 0;
      for (Map.Entry<K, Object> entry : stored.entrySet()) {
        Object value = entry.getValue();
        if (!written.failed(entry.getKey()) && store.change(entry.getKey(), (k, slot) -> steps.put(k, slot, value))) {
          puts++;
        }
      }
      return puts;
    }
    return batched(stored.keySet(), written, batch, (k, slot) -> steps.preparePut(k, slot, stored.get(k), batch));
  }

  /** Removes the keys the writer did not fail; returns how many entries were removed. */
  long removeAll(Set<? extends K> keys, Integration.Partial<K> deleted) {
    Replication.Batch<K> batch = copies.batch();
    if (batch == null) {
      long removals = 0;
      for (K key : keys) {
        if (!deleted.failed(key) && store.change(key, (k, slot) -> steps.remove(k, slot)) != null) {
          removals++;
        }
      }
      return removals;
    }
    return batched(keys, deleted, batch, (k, slot) -> steps.prepareRemoval(k, slot, batch));
  }

  /**
   * Prepares each key's change under its lock, sends the batch, then commits each change under its
   * lock again. Returns how many entries changed.
   */
  private long batched(Iterable<? extends K> keys, Integration.Partial<K> integrated, Replication.Batch<K> batch,
      Lru2Store.KeyFunction<K, Object, EntrySteps.Prepared<K>> prepare) {
    List<EntrySteps.Prepared<K>> prepared = new ArrayList<>();
    for (K key : keys) {
      if (!integrated.failed(key)) {
        EntrySteps.Prepared<K> change = store.change(key, prepare);
        if (change != null) {
          prepared.add(change);
        }
      }
    }
    batch.send();
    long changed = 0;
    for (EntrySteps.Prepared<K> change : prepared) {
      if (store.change(change.key(), (k, slot) -> steps.commit(change, slot, batch))) {
        changed++;
      }
    }
    return changed;
  }
}
