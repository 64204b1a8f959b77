package io.kamacache.event;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/** One listener configuration registered on a cache, with the listener and filter it created. */
final class Registration<K, V> {

  /** Set while a thread runs a listener, so a cache call from inside it does not wait on itself. */
  static final ThreadLocal<Boolean> IN_LISTENER = ThreadLocal.withInitial(() -> Boolean.FALSE);

  final CacheEntryListenerConfiguration<K, V> configuration;
  private final CacheEntryListener<? super K, ? super V> listener;
  private final CacheEntryEventFilter<? super K, ? super V> filter;
  private final SerialQueue queue;
  /** Set for the registrations that forward events to listeners on other members. */
  final boolean forwarder;

  Registration(CacheEntryListenerConfiguration<K, V> configuration, Executor executor, boolean forwarder) {
    this.configuration = configuration;
    this.forwarder = forwarder;
    this.listener = configuration.getCacheEntryListenerFactory().create();
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    this.filter = filterFactory == null ? null : filterFactory.create();
    this.queue = new SerialQueue(executor);
  }

  boolean isSynchronous() {
    return configuration.isSynchronous();
  }

  boolean wants(EventType type) {
    switch (type) {
      case CREATED: return listener instanceof CacheEntryCreatedListener;
      case UPDATED: return listener instanceof CacheEntryUpdatedListener;
      case REMOVED: return listener instanceof CacheEntryRemovedListener;
      case EXPIRED: return listener instanceof CacheEntryExpiredListener;
      default: return false;
    }
  }

  /** Queues the event; the future completes when the listener has seen (or skipped) it. */
  CompletableFuture<Void> submit(Cache<K, V> source, EventType type, EventData data) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.submit(() -> {
      IN_LISTENER.set(Boolean.TRUE);
      try {
        deliver(source, type, data);
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      } finally {
        IN_LISTENER.set(Boolean.FALSE);
      }
    });
    return done;
  }

  @SuppressWarnings("unchecked")
  private void deliver(Cache<K, V> source, EventType type, EventData data) {
    boolean oldRequired = configuration.isOldValueRequired();
    K key = (K) data.key();
    V value;
    V oldValue;
    boolean oldAvailable;
    if (type == EventType.CREATED) {
      value = (V) data.value();
      oldValue = null;
      oldAvailable = false;
    } else if (type == EventType.UPDATED) {
      value = (V) data.value();
      oldValue = oldRequired ? (V) data.oldValue() : null;
      oldAvailable = oldRequired;
    } else {
      // REMOVED and EXPIRED carry the old value as both value and old value, when required.
      oldValue = oldRequired ? (V) data.oldValue() : null;
      value = oldValue;
      oldAvailable = oldRequired;
    }
    CacheEntryEvent<K, V> event = new KamaCacheEntryEvent<>(source, type, key, value, oldValue, oldAvailable);
    if (filter != null && !filter.evaluate(event)) {
      return;
    }
    List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
    switch (type) {
      case CREATED:
        ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
        break;
      case UPDATED:
        ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
        break;
      case REMOVED:
        ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
        break;
      case EXPIRED:
        ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
        break;
      default:
        throw new AssertionError(type);
    }
  }

  void close() {
    closeQuietly(listener);
    closeQuietly(filter);
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof AutoCloseable) {
      try {
        ((AutoCloseable) resource).close();
      } catch (Exception e) {
        System.getLogger(Registration.class.getName())
            .log(System.Logger.Level.WARNING, "closing a cache entry listener failed", e);
      }
    }
  }
}
