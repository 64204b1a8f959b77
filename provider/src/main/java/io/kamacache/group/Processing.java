package io.kamacache.group;

import io.kamacache.integration.Integration;
import io.kamacache.management.CacheStatistics;
import io.kamacache.processor.ProcessorEntry;
import io.kamacache.replication.Replication;
import io.kamacache.store.Lru2Store;
import io.kamacache.store.Slot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * Entry processors on a Group's entries. A processor runs under its key's lock on a
 * {@link ProcessorEntry} that only records what it asked for; its net effect is then applied with
 * the same steps, writer calls and counts as the operation it amounts to, or not at all if it threw.
 */
final class Processing<K, V> {

  private final Lru2Store<K, Object> store;
  private final Integration<K, V> integration;
  private final EntrySteps<K, V> steps;
  private final CacheStatistics statistics;

  Processing(Lru2Store<K, Object> store, Integration<K, V> integration, EntrySteps<K, V> steps,
      CacheStatistics statistics) {
    this.store = store;
    this.integration = integration;
    this.steps = steps;
    this.statistics = statistics;
  }

  <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    return Timing.UNTIMED.call(statistics, () -> store.change(steps.copyKey(key), (k, slot) -> {
      ProcessorEntry<K, V> entry = new ProcessorEntry<>(k, slot.isPresent() ? steps.view(slot.value()) : null,
          integration.readsThrough() ? integration::load : null);
      // User code, which may load through or be slow: the key stays held, its bucket does not.
      T result = slot.unlocked(() -> entry.process(processor, arguments));
      try {
        apply(k, slot, entry);
      } catch (Replication.Refused | Replication.Failed e) {
        throw e; // about who may change the key, not about the processor
      } catch (RuntimeException e) {
        throw new EntryProcessorException(e);
      }
      return result;
    }));
  }

  /** Applies a processor's net effect recorded on another member, as {@link #invoke} applies its own. */
  void applyProcessed(K key, ProcessorEntry<K, V> entry, Runnable stillHeld) {
    Timing.UNTIMED.run(statistics, () -> store.change(steps.copyKey(key), (k, slot) -> {
      stillHeld.run();
      try {
        apply(k, slot, entry);
      } catch (Replication.Refused | Replication.Failed e) {
        throw e;
      } catch (RuntimeException e) {
        throw new EntryProcessorException(e);
      }
      return null;
    }));
  }

  /** Results for the keys whose processor returned a value or threw. */
  <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
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

  /** Applies a processor's net effect, as the matching operation would have. */
  private void apply(K key, Slot<Object> slot, ProcessorEntry<K, V> entry) {
    if (entry.existed()) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
    switch (entry.outcome()) {
      case NONE:
        break;
      case ACCESSED:
        steps.accessed(key, slot);
        break;
      case LOADED:
        steps.put(key, slot, steps.toStored(entry.value()));
        break;
      case CREATED:
      case UPDATED: {
        Object stored = steps.toStored(entry.value());
        integration.write(key, entry.value(), slot);
        if (steps.put(key, slot, stored)) {
          statistics.recordPuts(1);
        }
        break;
      }
      case REMOVED:
        integration.delete(key, slot);
        if (steps.remove(key, slot) != null) {
          statistics.recordRemovals(1);
        }
        break;
      default:
        throw new AssertionError(entry.outcome());
    }
  }
}
