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
    long puts = 0;
    if (batch == null) {
      for (Map.Entry<K, Object> entry : stored.entrySet()) {
        Object value = entry.getValue();
        if (!written.failed(entry.getKey()) && store.change(entry.getKey(), (k, slot) -> steps.put(k, slot, value))) {
          puts++;
        }
      }
      return puts;
    }
    List<EntrySteps.Prepared<K>> prepared = new ArrayList<>(stored.size());
    for (Map.Entry<K, Object> entry : stored.entrySet()) {
      Object value = entry.getValue();
      if (!written.failed(entry.getKey())) {
        EntrySteps.Prepared<K> put = store.change(entry.getKey(), (k, slot) -> steps.prepare(k, slot, value, batch));
        if (put != null) {
          prepared.add(put);
        }
      }
    }
    batch.send();
    for (EntrySteps.Prepared<K> put : prepared) {
      if (store.change(put.key, (k, slot) -> steps.commit(put, slot, batch))) {
        puts++;
      }
    }
    return puts;
  }

  /** Removes the keys the writer did not fail; returns how many entries were removed. */
  long removeAll(Set<? extends K> keys, Integration.Partial<K> deleted) {
    Replication.Batch<K> batch = copies.batch();
    long removals = 0;
    if (batch == null) {
      for (K key : keys) {
        if (!deleted.failed(key) && store.change(key, (k, slot) -> steps.remove(k, slot)) != null) {
          removals++;
        }
      }
      return removals;
    }
    List<EntrySteps.Prepared<K>> prepared = new ArrayList<>(keys.size());
    for (K key : keys) {
      if (!deleted.failed(key)) {
        EntrySteps.Prepared<K> removal = store.change(key, (k, slot) -> steps.prepareRemoval(k, slot, batch));
        if (removal != null) {
          prepared.add(removal);
        }
      }
    }
    batch.send();
    for (EntrySteps.Prepared<K> removal : prepared) {
      if (store.change(removal.key, (k, slot) -> steps.commitRemoval(removal, slot, batch))) {
        removals++;
      }
    }
    return removals;
  }
}
