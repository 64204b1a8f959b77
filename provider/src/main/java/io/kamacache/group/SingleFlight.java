package io.kamacache.group;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * At most one load per key at a time. The first caller claims the key with a single
 * {@code putIfAbsent} and runs the load; everyone who arrives while it runs waits for, and shares,
 * its result or its failure. The key is freed whatever happens, so the next miss loads again.
 */
public final class SingleFlight<K, V> {

  private final ConcurrentMap<K, Flight<V>> flights = new ConcurrentHashMap<>();

  /**
   * Runs {@code load} for {@code key} unless a load for it is already running, in which case this
   * waits for that one. Runtime exceptions and errors of the load reach every caller as they are.
   */
  public V load(K key, Function<? super K, ? extends V> load) {
    Flight<V> mine = new Flight<>(Thread.currentThread());
    Flight<V> running = flights.putIfAbsent(key, mine);
    if (running != null) {
      return await(running);
    }
    try {
      V value = load.apply(key);
      mine.complete(value);
      return value;
    } catch (Throwable t) {
      mine.completeExceptionally(t);
      throw t;
    } finally {
      flights.remove(key, mine);
    }
  }

  private static <V> V await(Flight<V> flight) {
    if (flight.leader == Thread.currentThread()) {
      // A loader that reads its own key through the cache would otherwise wait for itself forever.
      throw new IllegalStateException("recursive load: the loader asked the cache for the key it is loading");
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return flight.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          if (cause instanceof Error) {
            throw (Error) cause;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final class Flight<V> extends CompletableFuture<V> {
    final Thread leader;

    Flight(Thread leader) {
      this.leader = leader;
    }
  }
}
