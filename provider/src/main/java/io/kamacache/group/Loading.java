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
 * The loading path: a miss loaded through the cache loader, once per key however many callers
 * miss at the same time, and {@code loadAll}. A loaded value goes through the same entry steps as a
 * put (expiry, backups, event) but never to the writer and never into the put count.
 */
final class Loading<K, V> {

  private final Lru2Store<K, Object> store;
  private final Lru2Store.AccessRule<Object> accessRule;
  private final Integration<K, V> integration;
  private final EntrySteps<K, V> steps;
  private final Copies<K> copies;
  private final SingleFlight<K, Object> flights = new SingleFlight<>();

  Loading(Lru2Store<K, Object> store, Lru2Store.AccessRule<Object> accessRule, Integration<K, V> integration,
      EntrySteps<K, V> steps, Copies<K> copies) {
    this.store = store;
    this.accessRule = accessRule;
    this.integration = integration;
    this.steps = steps;
    this.copies = copies;
  }

  /** Loads a missed key and returns what the cache now holds for it (stored form), or null. */
  Object loadThrough(K key) {
    return flights.load(key, k -> {
      // A caller that missed just before another flight stored the key and ended must not load it again.
      Object present = store.get(k, accessRule);
      if (present != null) {
        steps.accessedElsewhere(k);
        return present;
      }
      V loaded = integration.load(k);
      return loaded == null ? null : keepLoaded(k, loaded, false);
    });
  }

  /**
   * Stores a value the loader returned. A refusal that only says this member could not prove its
   * lease for a moment would throw the value away and make every caller run the loader again, so
   * the store is tried again once the change is allowed ({@link Copies#awaitChangeable}).
   */
  private Object keepLoaded(K key, V loaded, boolean replace) {
    while (true) {
      try {
        return storeLoaded(key, loaded, replace);
      } catch (Replication.Refused refused) {
        if (!copies.awaitChangeable()) {
          throw refused;
        }
      }
    }
  }

  /** Loads the keys a getAll missed and adds what it loaded to {@code result}. */
  void loadMissing(List<K> missing, Map<K, V> result) {
    Map<K, V> loaded = integration.loadAll(missing);
    if (loaded != null) {
      for (Map.Entry<K, V> entry : loaded.entrySet()) {
        if (entry.getKey() != null && entry.getValue() != null) {
          Object stored = keepLoaded(entry.getKey(), entry.getValue(), false);
          result.put(entry.getKey(), steps.view(stored));
        }
      }
    }
  }

  /** Loads the keys (those absent, unless {@code replaceExisting}) and stores what it loaded. */
  void loadAll(Set<? extends K> keys, boolean replaceExisting) {
    List<K> wanted = new ArrayList<>();
    for (K key : keys) {
      if (replaceExisting || !store.containsKey(key)) {
        wanted.add(key);
      }
    }
    if (wanted.isEmpty()) {
      return;
    }
    Map<K, V> loaded = integration.loadAll(wanted);
    if (loaded != null) {
      for (Map.Entry<K, V> entry : loaded.entrySet()) {
        if (entry.getKey() != null && entry.getValue() != null) {
          keepLoaded(entry.getKey(), entry.getValue(), replaceExisting);
        }
      }
    }
  }

  /**
   * Stores a loaded value and returns what the cache now holds for the key. Without
   * {@code replace}, a value written while the load ran wins over the loaded one.
   */
  private Object storeLoaded(K key, V value, boolean replace) {
    Object stored = steps.toStored(value);
    return store.change(steps.copyKey(key), (k, slot) -> {
      if (slot.isPresent() && !replace) {
        return slot.value();
      }
      steps.put(k, slot, stored);
      return stored;
    });
  }
}
