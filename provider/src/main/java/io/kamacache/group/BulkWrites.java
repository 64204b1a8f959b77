package io.kamacache.group;

import io.kamacache.integration.Integration;
import io.kamacache.replication.Copies;
import io.kamacache.replication.Replication;
import io.kamacache.store.Lru2Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import javax.cache.integration.CacheWriterException;

/**
 * The store side of putAll and removeAll, after the writer ran. Embedded, each key changes in
 * turn. With backups, every key's change is first prepared under its lock, the whole batch goes to
 * the backups in one request per backup member ({@link Replication.Batch}), and then each change
 * becomes visible under its lock: a round trip per batch instead of one per key. If this member
 * may no longer change the keys part-way through those commits, the keys not yet committed are
 * reported as refused rather than failing the whole call, so that only they are sent again.
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

  /** What a bulk write did: how many entries changed, and the keys refused (none embedded). */
  private record Done<K>(long changed, List<K> refused) {
    static <K> Done<K> of(long changed) {
      return new Done<>(changed, List.of());
    }
  }

  /**
   * Puts the stored values of the keys the writer did not fail, tells {@code recorded} how many
   * were stored, and throws {@link Replication.KeysRefused} if some were refused.
   */
  void putAll(Map<K, Object> stored, Integration.Partial<K> written, LongConsumer recorded) {
    finish(put(stored, written), written, recorded);
  }

  /** As {@link #putAll}, removing the keys the writer did not fail. */
  void removeAll(Set<? extends K> keys, Integration.Partial<K> deleted, LongConsumer recorded) {
    finish(remove(keys, deleted), deleted, recorded);
  }

  /**
   * Records a bulk write's changes, then throws {@link Replication.KeysRefused} if some of its
   * keys were refused, so that the caller sends only those again. If the writer also failed some
   * keys, the call fails instead: its caller must hear of that failure, and resending would not
   * bring it back.
   */
  private static void finish(Done<?> done, Integration.Partial<?> integrated, LongConsumer record) {
    record.accept(done.changed());
    if (done.refused().isEmpty()) {
      return;
    }
    try {
      integrated.rethrow();
    } catch (CacheWriterException e) {
      throw new Replication.Failed("membership changed while the bulk write's keys were made visible, so "
          + done.refused().size() + " of them did not change, and the cache writer failed some keys", e);
    }
    throw new Replication.KeysRefused("membership changed while the bulk write's keys were made visible: "
        + done.refused().size() + " of them did not change", done.refused());
  }

  private Done<K> put(Map<K, Object> stored, Integration.Partial<K> written) {
    Replication.Batch<K> batch = copies.batch();
    if (batch == null) {
      long puts = 0;
      for (Map.Entry<K, Object> entry : stored.entrySet()) {
        Object value = entry.getValue();
        if (!written.failed(entry.getKey()) && store.change(entry.getKey(), (k, slot) -> steps.put(k, slot, value))) {
          puts++;
        }
      }
      return Done.of(puts);
    }
    return batched(stored.keySet(), written, batch, (k, slot) -> steps.preparePut(k, slot, stored.get(k), batch));
  }

  private Done<K> remove(Set<? extends K> keys, Integration.Partial<K> deleted) {
    Replication.Batch<K> batch = copies.batch();
    if (batch == null) {
      long removals = 0;
      for (K key : keys) {
        if (!deleted.failed(key) && store.change(key, (k, slot) -> steps.remove(k, slot)) != null) {
          removals++;
        }
      }
      return Done.of(removals);
    }
    return batched(keys, deleted, batch, (k, slot) -> steps.prepareRemoval(k, slot, batch));
  }

  /**
   * Prepares each key's change under its lock, sends the batch, then commits each change under its
   * lock again. Once a commit is refused the rest are too: what refuses one (a ring that moved on,
   * a lease proof that lapsed) holds for the keys after it, which then stay as they were.
   */
  private Done<K> batched(Iterable<? extends K> keys, Integration.Partial<K> integrated, Replication.Batch<K> batch,
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
    List<K> refused = new ArrayList<>();
    for (EntrySteps.Prepared<K> change : prepared) {
      if (!refused.isEmpty()) {
        refused.add(change.key());
        continue;
      }
      try {
        if (store.change(change.key(), (k, slot) -> steps.commit(change, slot, batch))) {
          changed++;
        }
      } catch (Replication.Refused e) {
        refused.add(change.key());
      }
    }
    return new Done<>(changed, refused);
  }
}
