package io.kamacache.group;

import io.kamacache.event.EventDispatcher;
import io.kamacache.expiry.ExpiryRules;
import io.kamacache.integration.Integration;
import io.kamacache.management.CacheStatistics;
import io.kamacache.processor.ProcessorEntry;
import io.kamacache.replication.Copies;
import io.kamacache.replication.Replication;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.RemovalCause;
import io.kamacache.store.Slot;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import javax.cache.event.EventType;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;

/**
 * The one place where JSR-107's rules live: expiry, read- and write-through, events, statistics
 * and the atomicity of every single-key operation. Each single-key operation runs as one
 * {@link Lru2Store#compute} on the owner of the key, so it is atomic with respect to every other
 * operation on that key. Arguments are validated by the caller (the cache facade); this class
 * assumes non-null keys and values of the right types.
 *
 * <p>Each operation below is a short list of steps: what the writer is told, what the entry
 * becomes ({@link EntrySteps}), what is counted; the frame around it is {@link Timing}. Values
 * cross into the store through the cache's {@link io.kamacache.codec.Copier}, which is where
 * store-by-value happens; everything kept in the store is in stored form.
 */
public final class Group<K, V> implements CacheOperations<K, V> {

  /** What {@link #tryGet} answers for a read that would have had to wait for a key's lock. */
  public static final Object BUSY = new Object();

  private final String name;
  private final Lru2Store<K, Object> store;
  private final ExpiryRules expiry;
  private final Integration<K, V> integration;
  private final EventDispatcher<K, V> events;
  private final CacheStatistics statistics;
  private final Lru2Store.AccessRule<Object> accessRule;
  /** Backups this member holds for other owners are kept apart, so they never count as owned. */
  private final Copies<K> copies;
  private final EntrySteps<K, V> steps;
  private final Loading<K, V> loading;
  private final Processing<K, V> processing;
  private final BulkWrites<K> bulk;

  public Group(String name, GroupSettings<K, V> settings) {
    this.name = name;
    this.expiry = new ExpiryRules(settings.expiryPolicy);
    this.integration = new Integration<>(settings.loader, settings.readThrough, settings.writer, GroupEntry::new);
    this.events = settings.events;
    this.statistics = settings.statistics;
    this.store = new Lru2Store<>(settings.capacity, settings.ticker, this::onRemoval);
    this.accessRule = expiry.accessRule();
    this.copies = new Copies<>(store,
        () -> new Lru2Store<>(settings.capacity, settings.ticker, (key, value, cause) -> { }), settings.copier);
    this.steps = new EntrySteps<>(expiry, copies, events, settings.copier);
    this.loading = new Loading<>(store, accessRule, integration, steps, copies);
    this.processing = new Processing<>(store, integration, steps, statistics);
    this.bulk = new BulkWrites<>(store, copies, steps);
  }

  /** This group's entries as copies that move between members. */
  public Copies<K> copies() {
    return copies;
  }

  /** Keeps copies of every change elsewhere from now on. */
  public void replicateTo(Replication<K> replication) {
    copies.replicateTo(replication);
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
      statistics.recordExpirations(1);
      events.publish(EventType.EXPIRED, key, null, stored);
    } else {
      statistics.recordEvictions(1);
    }
  }

  // ---- reads

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
    recordHitOrMiss(stored != null);
    if (stored != null) {
      steps.accessedElsewhere(key);
    }
    statistics.recordGetTime(start);
    return steps.view(stored);
  }

  /** Outside {@link Timing}'s frame: the hottest path skips the wait when nobody listens. */
  @Override
  public V get(K key) {
    long start = statistics.start();
    try {
      Object stored = store.get(key, accessRule);
      if (stored != null) {
        statistics.recordHits(1);
        steps.accessedElsewhere(key);
        return steps.view(stored);
      }
      statistics.recordMisses(1);
      return integration.readsThrough() ? steps.view(loading.loadThrough(key)) : null;
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
    return Timing.GET.call(statistics, () -> {
      Map<K, V> result = new LinkedHashMap<>();
      List<K> missing = new ArrayList<>();
      for (K key : keys) {
        Object stored = store.get(key, accessRule);
        if (stored != null) {
          result.put(key, steps.view(stored));
          steps.accessedElsewhere(key);
        } else {
          missing.add(key);
        }
      }
      statistics.recordHits(result.size());
      statistics.recordMisses(missing.size());
      if (integration.readsThrough() && !missing.isEmpty()) {
        loading.loadMissing(missing, result);
      }
      return result;
    });
  }

  @Override
  public boolean containsKey(K key) {
    return Timing.UNTIMED.call(statistics, () -> store.containsKey(key));
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExisting) {
    if (integration.hasLoader()) {
      Timing.UNTIMED.run(statistics, () -> loading.loadAll(keys, replaceExisting));
    }
  }

  /** A read for iteration: an access and a hit, but never a load. */
  @Override
  public V peek(K key) {
    Object stored = store.get(key, accessRule);
    EventDispatcher.awaitSynchronous();
    if (stored == null) {
      return null;
    }
    statistics.recordHits(1);
    return steps.view(stored);
  }

  /** The keys at this moment; the iterator reads each one as it goes. */
  @Override
  public Collection<K> keys() {
    return store.keys();
  }

  @Override
  public long size() {
    return store.size();
  }

  // ---- writes

  @Override
  public void put(K key, V value) {
    Timing.PUT.run(statistics, () -> {
      Object stored = steps.toStored(value);
      boolean put = store.change(steps.copyKey(key), (k, slot) -> {
        integration.write(k, value, slot);
        return steps.put(k, slot, stored);
      });
      if (put) {
        statistics.recordPuts(1);
      }
    });
  }

  @Override
  public V getAndPut(K key, V value) {
    return Timing.PUT.call(statistics, () -> {
      Object stored = steps.toStored(value);
      Object[] old = new Object[1];
      boolean put = store.change(steps.copyKey(key), (k, slot) -> {
        integration.write(k, value, slot);
        old[0] = slot.value();
        return steps.put(k, slot, stored);
      });
      recordHitOrMiss(old[0] != null);
      if (put) {
        statistics.recordPuts(1);
      }
      return steps.view(old[0]);
    });
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    Timing.PUT.run(statistics, () -> {
      // Copy everything first: a key or value that cannot be copied must leave the cache unchanged.
      Map<K, Object> stored = new HashMap<>();
      for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
        stored.put(steps.copyKey(entry.getKey()), steps.toStored(entry.getValue()));
      }
      Integration.Partial<K> written = integration.writeAll(entries);
      bulk.putAll(stored, written, statistics::recordPuts);
      written.rethrow();
    });
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    Outcome outcome = Timing.PUT.call(statistics, () -> {
      Object stored = steps.toStored(value);
      return record(store.change(steps.copyKey(key), (k, slot) -> {
        if (slot.isPresent()) {
          return Outcome.KEPT;
        }
        integration.write(k, value, slot);
        return steps.put(k, slot, stored) ? Outcome.CREATED : Outcome.CREATED_EXPIRED;
      }));
    });
    return outcome != Outcome.KEPT;
  }

  @Override
  public boolean replace(K key, V value) {
    return Timing.PUT.call(statistics, () -> replaced(key, value)) != null;
  }

  @Override
  public V getAndReplace(K key, V value) {
    return steps.view(Timing.GET_AND_PUT.call(statistics, () -> replaced(key, value)));
  }

  /** Replaces the value of a present key and returns the old one (stored form), or null. */
  private Object replaced(K key, V value) {
    Object stored = steps.toStored(value);
    Object old = store.change(key, (k, slot) -> {
      if (!slot.isPresent()) {
        return null;
      }
      integration.write(k, value, slot);
      Object previous = slot.value();
      steps.put(k, slot, stored);
      return previous;
    });
    record(old == null ? Outcome.ABSENT : Outcome.REPLACED);
    return old;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    Outcome outcome = Timing.PUT.call(statistics, () -> {
      Object stored = steps.toStored(newValue);
      return ifHolds(key, oldValue, Outcome.REPLACED, (k, slot) -> {
        integration.write(k, newValue, slot);
        steps.put(k, slot, stored);
      });
    });
    return outcome == Outcome.REPLACED;
  }

  // ---- removals

  @Override
  public boolean remove(K key) {
    return Timing.REMOVE.call(statistics, () -> {
      boolean removed = store.change(key, (k, slot) -> {
        integration.delete(k, slot);
        return steps.remove(k, slot) != null;
      });
      if (removed) {
        statistics.recordRemovals(1);
      }
      return removed;
    });
  }

  @Override
  public boolean remove(K key, V oldValue) {
    Outcome outcome = Timing.REMOVE.call(statistics, () -> ifHolds(key, oldValue, Outcome.REMOVED, (k, slot) -> {
      integration.delete(k, slot);
      steps.remove(k, slot);
    }));
    return outcome == Outcome.REMOVED;
  }

  @Override
  public V getAndRemove(K key) {
    return Timing.GET_AND_REMOVE.call(statistics, () -> {
      Object old = store.change(key, (k, slot) -> {
        integration.delete(k, slot);
        return steps.remove(k, slot);
      });
      record(old == null ? Outcome.ABSENT : Outcome.REMOVED);
      return steps.view(old);
    });
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    Timing.REMOVE.run(statistics, () -> {
      Integration.Partial<K> deleted = integration.deleteAll(keys);
      bulk.removeAll(keys, deleted, statistics::recordRemovals);
      deleted.rethrow();
    });
  }

  @Override
  public void removeAll() {
    removeAll(new LinkedHashSet<>(store.keys()));
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
    return processing.invoke(key, processor, arguments);
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    return processing.invokeAll(keys, processor, arguments);
  }

  // ---- entry processors that ran elsewhere (cluster mode: see io.kamacache.cluster.KeyLocks)

  /**
   * Runs {@code then} on the key's live value (null if it has none) under the key's lock, once no
   * one else holds the key: it counts, changes and loads nothing. A key lock is granted here.
   */
  public <R> R holding(K key, BiFunction<K, V, R> then) {
    return store.change(steps.copyKey(key), (k, slot) -> then.apply(k, slot.isPresent() ? steps.view(slot.value()) : null));
  }

  /**
   * What the cache loader returns for a key, without storing it (null without read-through): a
   * processor running on another member may read it, and its outcome says whether it is kept.
   */
  public V loadWithoutStoring(K key) {
    return integration.readsThrough() ? integration.load(key) : null;
  }

  /**
   * Applies what a processor did on another member to the key, exactly as {@link #invoke} would
   * have applied it here. {@code stillHeld} runs first under the key's lock and throws if the
   * processor's lock has ended, and then nothing changes.
   */
  public void applyProcessed(K key, boolean existed, ProcessorEntry.Outcome outcome, V value, Runnable stillHeld) {
    processing.applyProcessed(key, ProcessorEntry.ranElsewhere(key, existed, outcome, value), stillHeld);
  }

  // ---- shared steps

  /**
   * replace(k, old, new) and remove(k, old): under the key's lock, makes {@code change} only if
   * the entry holds {@code expected}, and counts the outcome. A failed comparison is an access.
   */
  private Outcome ifHolds(K key, V expected, Outcome changed, BiConsumer<K, Slot<Object>> change) {
    return record(store.change(key, (k, slot) -> {
      if (!slot.isPresent()) {
        return Outcome.ABSENT;
      }
      if (!Objects.equals(steps.view(slot.value()), expected)) {
        steps.accessed(k, slot);
        return Outcome.KEPT;
      }
      change.accept(k, slot);
      return changed;
    }));
  }

  /** Counts a compare-then-act operation: a hit if the key was there, and what it stored or removed. */
  private Outcome record(Outcome outcome) {
    recordHitOrMiss(outcome.found);
    if (outcome.stored()) {
      statistics.recordPuts(1);
    } else if (outcome == Outcome.REMOVED) {
      statistics.recordRemovals(1);
    }
    return outcome;
  }

  private void recordHitOrMiss(boolean hit) {
    if (hit) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
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
        System.getLogger(Group.class.getName()).log(Level.WARNING, "closing " + resource + " failed", e);
      }
    }
  }
}
