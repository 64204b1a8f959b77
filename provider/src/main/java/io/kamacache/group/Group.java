package io.kamacache.group;

import io.kamacache.codec.Copier;
import io.kamacache.event.EventDispatcher;
import io.kamacache.management.CacheStatistics;
import io.kamacache.store.Expiry;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.RemovalCause;
import io.kamacache.store.Slot;
import io.kamacache.store.Ticker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.event.EventType;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * The one place where JSR-107's rules live: expiry, read- and write-through, events, statistics
 * and the atomicity of every single-key operation. Each single-key operation runs as one
 * {@link Lru2Store#compute} on the owner of the key, so it is atomic with respect to every other
 * operation on that key. Arguments are validated by the caller (the cache facade); this class
 * assumes non-null keys and values of the right types.
 *
 * <p>Values cross into the store through the {@link Copier}, which is where store-by-value
 * happens; everything kept in the store is in stored form.
 */
public final class Group<K, V> implements CacheOperations<K, V> {

  private final String name;
  private final Lru2Store<K, Object> store;
  private final SingleFlight<K, Object> flights = new SingleFlight<>();
  private final ExpiryRules expiry;
  private final Integration<K, V> integration;
  private final Copier copier;
  private final EventDispatcher<K, V> events;
  private final CacheStatistics statistics;
  private final Executor executor;
  private final Lru2Store.AccessRule<Object> accessRule;
  private final boolean movesOnAccess;
  /** Backups this member holds for other owners are kept apart, so they never count as owned. */
  private final Copies<K> copies;
  private volatile Replication<K> replication;

  public Group(String name, GroupSettings<K, V> settings) {
    this.name = name;
    this.expiry = new ExpiryRules(settings.expiryPolicy);
    this.integration = new Integration<>(settings.loader, settings.readThrough, settings.writer);
    this.copier = settings.copier;
    this.events = settings.events;
    this.statistics = settings.statistics;
    this.executor = settings.executor;
    this.store = new Lru2Store<>(settings.capacity, settings.ticker, this::onRemoval);
    this.accessRule = expiry.accessRule();
    this.movesOnAccess = expiry.movesOnAccess();
    this.copies = new Copies<>(store,
        () -> new Lru2Store<>(settings.capacity, settings.ticker, (key, value, cause) -> { }), copier, () -> replication);
  }

  /** This group's entries as copies that move between members. */
  public Copies<K> copies() {
    return copies;
  }

  /** Keeps copies of every change elsewhere from now on. */
  public void replicateTo(Replication<K> replication) {
    this.replication = replication;
  }

  public String name() {
    return name;
  }

  /**
   * Whether a read runs only KamaCache's own code: no loader to call, nobody listening (an
   * expired entry's event could reach a listener), and an expiry policy of JSR-107's own, which
   * computes without blocking. Such a read can be answered on a transport thread.
   */
  public boolean readsWithoutBlocking() {
    return !integration.readsThrough() && events.isEmpty() && expiry.isBuiltIn();
  }

  public CacheStatistics statistics() {
    return statistics;
  }

  public EventDispatcher<K, V> events() {
    return events;
  }

  /** The local store; the TTL walker and tests reach it here. */
  public Lru2Store<K, Object> store() {
    return store;
  }

  private void onRemoval(K key, Object stored, RemovalCause cause) {
    if (cause == RemovalCause.EXPIRED) {
      events.publish(EventType.EXPIRED, key, null, stored);
    } else {
      statistics.recordEvictions(1);
    }
  }

  // ---- reads

  /** What {@link #tryGet} answers for a read that would have had to wait for a key's lock. */
  public static final Object BUSY = new Object();

  /**
   * A get for a Group whose reads never block ({@link #readsWithoutBlocking}) that also never
   * waits for a key's lock: returns {@link #BUSY}, having counted nothing, where it would have.
   */
  public Object tryGet(K key) {
    long start = statistics.start();
    Object stored = store.getWithoutWaiting(key, accessRule, BUSY);
    if (stored == BUSY) {
      return BUSY;
    }
    if (stored != null) {
      statistics.recordHits(1);
      accessedElsewhere(key);
    } else {
      statistics.recordMisses(1);
    }
    statistics.recordGetTime(start);
    return view(stored);
  }

  @Override
  public V get(K key) {
    long start = statistics.start();
    try {
      Object stored = store.get(key, accessRule);
      if (stored != null) {
        statistics.recordHits(1);
        accessedElsewhere(key);
        return view(stored);
      }
      statistics.recordMisses(1);
      return integration.readsThrough() ? view(loadThrough(key)) : null;
    } finally {
      statistics.recordGetTime(start);
      if (!events.isEmpty()) {
        // With nobody listening this get published nothing, so there is nothing to wait for.
        EventDispatcher.awaitSynchronous();
      }
    }
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    long start = statistics.start();
    try {
      Map<K, V> result = new LinkedHashMap<>();
      List<K> missing = new ArrayList<>();
      for (K key : keys) {
        Object stored = store.get(key, accessRule);
        if (stored != null) {
          result.put(key, view(stored));
          accessedElsewhere(key);
        } else {
          missing.add(key);
        }
      }
      statistics.recordHits(result.size());
      statistics.recordMisses(missing.size());
      if (integration.readsThrough() && !missing.isEmpty()) {
        Map<K, V> loaded = integration.loadAll(missing);
        if (loaded != null) {
          for (Map.Entry<K, V> entry : loaded.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
              Object stored = storeLoaded(entry.getKey(), entry.getValue(), false);
              result.put(entry.getKey(), view(stored));
            }
          }
        }
      }
      return result;
    } finally {
      statistics.recordGetTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public boolean containsKey(K key) {
    try {
      return store.containsKey(key);
    } finally {
      EventDispatcher.awaitSynchronous();
    }
  }

  /** Loads on a miss, once per key however many callers miss at the same time. */
  private Object loadThrough(K key) {
    return flights.load(key, k -> {
      V loaded = integration.load(k);
      return loaded == null ? null : storeLoaded(k, loaded, false);
    });
  }

  /**
   * Stores a loaded value and returns what the cache now holds for the key. Without
   * {@code replace}, a value written while the load ran wins over the loaded one.
   */
  private Object storeLoaded(K key, V value, boolean replace) {
    Object stored = copier.toStored(value);
    return store.compute(copyKey(key), (k, slot) -> {
      if (slot.isPresent() && !replace) {
        return slot.value();
      }
      putInSlot(k, slot, stored);
      return stored;
    });
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExisting) {
    if (!integration.hasLoader()) {
      return;
    }
    try {
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
            storeLoaded(entry.getKey(), entry.getValue(), replaceExisting);
          }
        }
      }
    } finally {
      EventDispatcher.awaitSynchronous();
    }
  }

  // ---- writes

  @Override
  public void put(K key, V value) {
    long start = statistics.start();
    try {
      Object stored = copier.toStored(value);
      boolean put = store.compute(copyKey(key), (k, slot) -> {
        integration.write(k, value);
        return putInSlot(k, slot, stored);
      });
      if (put) {
        statistics.recordPuts(1);
      }
    } finally {
      statistics.recordPutTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public V getAndPut(K key, V value) {
    long start = statistics.start();
    try {
      Object stored = copier.toStored(value);
      Object[] old = new Object[1];
      boolean put = store.compute(copyKey(key), (k, slot) -> {
        integration.write(k, value);
        old[0] = slot.value();
        return putInSlot(k, slot, stored);
      });
      recordHitOrMiss(old[0] != null);
      if (put) {
        statistics.recordPuts(1);
      }
      return view(old[0]);
    } finally {
      statistics.recordPutTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    long start = statistics.start();
    try {
      // Copy everything first: a key or value that cannot be copied must leave the cache unchanged.
      Map<K, Object> stored = new HashMap<>();
      for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
        stored.put(copyKey(entry.getKey()), copier.toStored(entry.getValue()));
      }
      Integration.Partial<K> written = integration.writeAll(entries);
      long puts = 0;
      for (Map.Entry<K, Object> entry : stored.entrySet()) {
        if (!written.failed.contains(entry.getKey())) {
          Object value = entry.getValue();
          if (store.compute(entry.getKey(), (k, slot) -> putInSlot(k, slot, value))) {
            puts++;
          }
        }
      }
      statistics.recordPuts(puts);
      written.rethrow();
    } finally {
      statistics.recordPutTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    long start = statistics.start();
    try {
      Object stored = copier.toStored(value);
      int outcome = store.compute(copyKey(key), (k, slot) -> {
        if (slot.isPresent()) {
          return 0;
        }
        integration.write(k, value);
        return putInSlot(k, slot, stored) ? 2 : 1;
      });
      recordHitOrMiss(outcome == 0);
      if (outcome == 2) {
        statistics.recordPuts(1);
      }
      return outcome != 0;
    } finally {
      statistics.recordPutTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public boolean replace(K key, V value) {
    return getAndReplace(key, value, false) != null;
  }

  @Override
  public V getAndReplace(K key, V value) {
    Object old = getAndReplace(key, value, true);
    return old == null ? null : view(old);
  }

  private Object getAndReplace(K key, V value, boolean timeAsGet) {
    long start = statistics.start();
    try {
      Object stored = copier.toStored(value);
      Object old = store.compute(key, (k, slot) -> {
        if (!slot.isPresent()) {
          return null;
        }
        integration.write(k, value);
        Object previous = slot.value();
        putInSlot(k, slot, stored);
        return previous;
      });
      recordHitOrMiss(old != null);
      if (old != null) {
        statistics.recordPuts(1);
      }
      return old;
    } finally {
      if (timeAsGet) {
        statistics.recordGetTime(start);
      }
      statistics.recordPutTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    long start = statistics.start();
    try {
      Object stored = copier.toStored(newValue);
      int outcome = store.compute(key, (k, slot) -> {
        if (!slot.isPresent()) {
          return 0;
        }
        if (!Objects.equals(view(slot.value()), oldValue)) {
          accessed(slot);
          accessedElsewhere(k);
          return 1;
        }
        integration.write(k, newValue);
        putInSlot(k, slot, stored);
        return 2;
      });
      recordHitOrMiss(outcome != 0);
      if (outcome == 2) {
        statistics.recordPuts(1);
      }
      return outcome == 2;
    } finally {
      statistics.recordPutTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  // ---- removals

  @Override
  public boolean remove(K key) {
    long start = statistics.start();
    try {
      boolean removed = store.compute(key, (k, slot) -> {
        integration.delete(k);
        return removeFromSlot(k, slot) != null;
      });
      if (removed) {
        statistics.recordRemovals(1);
      }
      return removed;
    } finally {
      statistics.recordRemoveTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public boolean remove(K key, V oldValue) {
    long start = statistics.start();
    try {
      int outcome = store.compute(key, (k, slot) -> {
        if (!slot.isPresent()) {
          return 0;
        }
        if (!Objects.equals(view(slot.value()), oldValue)) {
          accessed(slot);
          accessedElsewhere(k);
          return 1;
        }
        integration.delete(k);
        removeFromSlot(k, slot);
        return 2;
      });
      recordHitOrMiss(outcome != 0);
      if (outcome == 2) {
        statistics.recordRemovals(1);
      }
      return outcome == 2;
    } finally {
      statistics.recordRemoveTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public V getAndRemove(K key) {
    long start = statistics.start();
    try {
      Object old = store.compute(key, (k, slot) -> {
        integration.delete(k);
        return removeFromSlot(k, slot);
      });
      recordHitOrMiss(old != null);
      if (old != null) {
        statistics.recordRemovals(1);
      }
      return view(old);
    } finally {
      statistics.recordGetTime(start);
      statistics.recordRemoveTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    long start = statistics.start();
    try {
      Integration.Partial<K> deleted = integration.deleteAll(keys);
      long removals = 0;
      for (K key : keys) {
        if (!deleted.failed.contains(key) && store.compute(key, (k, slot) -> removeFromSlot(k, slot)) != null) {
          removals++;
        }
      }
      statistics.recordRemovals(removals);
      deleted.rethrow();
    } finally {
      statistics.recordRemoveTime(start);
      EventDispatcher.awaitSynchronous();
    }
  }

  @Override
  public void removeAll() {
    removeAll(new java.util.LinkedHashSet<>(store.keys()));
  }

  /**
   * Empties the cache without the writer, events or statistics, as the spec's clear does. Every
   * member runs it, so the backups held here go too: a failover must not bring cleared entries back.
   */
  @Override
  public void clear() {
    store.clear();
    copies.clearBackups();
  }

  // ---- entry processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    try {
      return store.compute(copyKey(key), (k, slot) -> {
        ProcessorEntry<K, V> entry = new ProcessorEntry<>(k, slot.isPresent() ? view(slot.value()) : null,
            integration.readsThrough() ? integration::load : null);
        T result;
        try {
          result = processor.process(entry, arguments);
        } catch (EntryProcessorException e) {
          throw e;
        } catch (Exception e) {
          throw new EntryProcessorException(e);
        }
        try {
          applyProcessed(k, slot, entry);
        } catch (Replication.Refused | Replication.Failed e) {
          throw e; // about who may change the key, not about the processor
        } catch (RuntimeException e) {
          throw new EntryProcessorException(e);
        }
        return result;
      });
    } finally {
      EventDispatcher.awaitSynchronous();
    }
  }

  private void applyProcessed(K key, Slot<Object> slot, ProcessorEntry<K, V> entry) {
    recordHitOrMiss(entry.existed());
    switch (entry.outcome()) {
      case NONE:
        break;
      case ACCESSED:
        accessed(slot);
        accessedElsewhere(key);
        break;
      case LOADED:
        putInSlot(key, slot, copier.toStored(entry.value()));
        break;
      case CREATED:
      case UPDATED: {
        Object stored = copier.toStored(entry.value());
        integration.write(key, entry.value());
        if (putInSlot(key, slot, stored)) {
          statistics.recordPuts(1);
        }
        break;
      }
      case REMOVED:
        integration.delete(key);
        if (removeFromSlot(key, slot) != null) {
          statistics.recordRemovals(1);
        }
        break;
      default:
        throw new AssertionError(entry.outcome());
    }
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    Map<K, EntryProcessorResult<T>> results = new LinkedHashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, processor, arguments);
        if (result != null) {
          results.put(key, () -> result);
        }
      } catch (EntryProcessorException e) {
        results.put(key, () -> {
          throw e;
        });
      }
    }
    return results;
  }

  // ---- iteration

  /** The keys at this moment; the iterator reads each one as it goes. */
  @Override
  public Collection<K> keys() {
    return store.keys();
  }

  @Override
  public V peek(K key) {
    Object stored = store.get(key, accessRule);
    EventDispatcher.awaitSynchronous();
    if (stored == null) {
      return null;
    }
    statistics.recordHits(1);
    return view(stored);
  }

  // ---- shared steps, all run under the key's lock

  /**
   * Creates or updates the entry in {@code slot}, applying the expiry policy and publishing the
   * event. Returns false when a new entry expires at once and so is not stored.
   */
  private boolean putInSlot(K key, Slot<Object> slot, Object stored) {
    long now = slot.now();
    if (slot.isPresent()) {
      Object old = slot.value();
      long expiresAt = expiry.onUpdate(slot.expiresAt(), now);
      long version = replicate(key, slot, stored, expiresAt);
      slot.set(stored, expiresAt);
      slot.setVersion(version);
      events.publish(EventType.UPDATED, key, stored, old);
      return true;
    }
    long expiresAt = expiry.onCreation(now);
    if (Expiry.isExpired(expiresAt, now)) {
      return false;
    }
    long version = replicate(key, slot, stored, expiresAt);
    slot.set(stored, expiresAt);
    slot.setVersion(version);
    events.publish(EventType.CREATED, key, stored, null);
    return true;
  }

  /** Removes the entry if present and returns its stored value, or null. */
  private Object removeFromSlot(K key, Slot<Object> slot) {
    if (!slot.isPresent()) {
      return null;
    }
    Object old = slot.value();
    Replication<K> replicating = replication;
    if (replicating != null) {
      copies.removed(key, replicating.changing(key, null, Expiry.NEVER, slot.now(), slot.version()));
    }
    slot.remove();
    events.publish(EventType.REMOVED, key, null, old);
    return old;
  }

  /**
   * Puts a change on the backups before it becomes visible here, so that no reader sees a state
   * that a failover could lose; returns the change's version (0 in embedded mode).
   */
  private long replicate(K key, Slot<Object> slot, Object stored, long expiresAt) {
    Replication<K> replicating = replication;
    if (replicating == null) {
      return 0;
    }
    long previous = slot.isPresent() ? slot.version() : copies.removedVersion(key);
    return replicating.changing(key, stored, expiresAt, slot.now(), previous);
  }

  /** Tells the backups of an entry whose expiry a read may have moved; nothing when none can have. */
  private void accessedElsewhere(K key) {
    Replication<K> replicating = replication;
    if (replicating != null && movesOnAccess) {
      replicating.accessed(key);
    }
  }

  private void accessed(Slot<Object> slot) {
    slot.touch();
    slot.setExpiresAt(expiry.onAccess(slot.expiresAt(), slot.now()));
  }

  private void recordHitOrMiss(boolean hit) {
    if (hit) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
  }

  @SuppressWarnings("unchecked")
  private V view(Object stored) {
    return stored == null ? null : (V) copier.fromStored(stored);
  }

  @SuppressWarnings("unchecked")
  private K copyKey(K key) {
    return (K) copier.copyKey(key);
  }

  /** Closes what the group created from the configuration's factories. */
  public void close() {
    events.close();
    closeQuietly(integration.loader());
    closeQuietly(integration.writer());
    closeQuietly(expiry.policy());
    store.clear();
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof AutoCloseable) {
      try {
        ((AutoCloseable) resource).close();
      } catch (Exception e) {
        System.getLogger(Group.class.getName())
            .log(System.Logger.Level.WARNING, "closing " + resource + " failed", e);
      }
    }
  }
}
