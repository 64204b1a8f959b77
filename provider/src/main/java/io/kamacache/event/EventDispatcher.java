package io.kamacache.event;

import io.kamacache.codec.Copier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;

/**
 * Delivers a cache's entry events to its registered listeners.
 *
 * <p>An operation publishes while it still holds the key's lock, which fixes the order of one
 * key's events; each registration then delivers them in that order on a shared executor. A
 * synchronous registration's deliveries are collected per thread and awaited by
 * {@link #awaitSynchronous()} once the operation has released its lock, so the caller returns
 * only after its synchronous listeners have run, and their exceptions reach the caller.
 */
public final class EventDispatcher<K, V> {

  private static final ThreadLocal<List<CompletableFuture<Void>>> PENDING =
      ThreadLocal.withInitial(ArrayList::new);

  private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
  private final Executor executor;
  private final Copier copier;
  private volatile Cache<K, V> source;

  public EventDispatcher(Executor executor, Copier copier) {
    this.executor = executor;
    this.copier = copier;
  }

  /** The cache named as every event's source. */
  public void setSource(Cache<K, V> source) {
    this.source = source;
  }

  /** @throws IllegalArgumentException if an equal configuration is already registered */
  public synchronized void register(CacheEntryListenerConfiguration<K, V> configuration) {
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        throw new IllegalArgumentException("this listener configuration is already registered");
      }
    }
    registrations.add(new Registration<>(configuration, executor, false));
  }

  /**
   * Registers a listener that forwards this owner's events to the listeners of another member.
   * Events that arrive from other owners are never forwarded again.
   */
  public synchronized void registerForwarder(CacheEntryListenerConfiguration<K, V> configuration) {
    registrations.add(new Registration<>(configuration, executor, true));
  }

  /** Whether any listener registered on this member (not a forwarder) wants synchronous events. */
  public boolean hasSynchronousListeners() {
    return registrations.stream().anyMatch(r -> !r.forwarder && r.isSynchronous());
  }

  /** The number of listeners registered on this member, forwarders aside. */
  public int localListeners() {
    return (int) registrations.stream().filter(r -> !r.forwarder).count();
  }

  public synchronized void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        registrations.remove(registration);
        registration.close();
        return;
      }
    }
  }

  /** The forwarders' configurations, to add and remove them as members come and go. */
  public List<CacheEntryListenerConfiguration<K, V>> forwarders() {
    List<CacheEntryListenerConfiguration<K, V>> configurations = new ArrayList<>();
    for (Registration<K, V> registration : registrations) {
      if (registration.forwarder) {
        configurations.add(registration.configuration);
      }
    }
    return configurations;
  }

  /** Whether anything listens; lets operations skip building events nobody will see. */
  public boolean isEmpty() {
    return registrations.isEmpty();
  }

  /**
   * Publishes one event. {@code value} and {@code oldValue} are stored forms; either may be null
   * where the event type has none.
   */
  public void publish(EventType type, Object key, Object value, Object oldValue) {
    publish(type, key, value, oldValue, true);
  }

  /** Publishes an event another owner forwarded here, to this member's own listeners only. */
  public void publishForwarded(EventType type, Object key, Object value, Object oldValue) {
    publish(type, key, value, oldValue, false);
  }

  private void publish(EventType type, Object key, Object value, Object oldValue, boolean forward) {
    if (registrations.isEmpty()) {
      return;
    }
    EventData data = new EventData(copier, key, value, oldValue);
    for (Registration<K, V> registration : registrations) {
      if (!registration.wants(type) || (registration.forwarder && !forward)) {
        continue;
      }
      CompletableFuture<Void> done = registration.submit(source, type, data);
      // A listener calling the cache must not wait for its own registration's queue.
      if (registration.isSynchronous() && !Registration.IN_LISTENER.get()) {
        PENDING.get().add(done);
      }
    }
  }

  /**
   * Waits for this thread's synchronous deliveries and rethrows the first failure: errors as they
   * are, anything else as a {@link CacheEntryListenerException}. Call it without holding a lock.
   */
  public static void awaitSynchronous() {
    List<CompletableFuture<Void>> pending = PENDING.get();
    if (pending.isEmpty()) {
      return;
    }
    List<CompletableFuture<Void>> waiting = new ArrayList<>(pending);
    pending.clear();
    Throwable failure = null;
    for (CompletableFuture<Void> done : waiting) {
      try {
        done.get();
      } catch (ExecutionException | CompletionException e) {
        if (failure == null) {
          failure = e.getCause();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CacheEntryListenerException("interrupted waiting for a synchronous listener", e);
      }
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure instanceof CacheEntryListenerException) {
      throw (CacheEntryListenerException) failure;
    }
    if (failure != null) {
      throw new CacheEntryListenerException(failure);
    }
  }

  /** Closes every listener and filter that is Closeable. */
  public synchronized void close() {
    for (Registration<K, V> registration : registrations) {
      registration.close();
    }
    registrations.clear();
  }
}
