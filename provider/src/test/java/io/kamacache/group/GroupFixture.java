package io.kamacache.group;

import io.kamacache.codec.Copier;
import io.kamacache.event.EventDispatcher;
import io.kamacache.management.CacheStatistics;
import io.kamacache.store.ManualTicker;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * A Group built directly, with statistics on, a manual clock and a synchronous listener that logs
 * every event as "TYPE key value old".
 */
final class GroupFixture implements AutoCloseable {

  final ManualTicker ticker = new ManualTicker();
  final CacheStatistics statistics = new CacheStatistics();
  final List<String> events = new CopyOnWriteArrayList<>();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  final Group<String, String> group;

  GroupFixture() {
    this(new EternalExpiryPolicy(), null);
  }

  GroupFixture(ExpiryPolicy expiry, CacheWriter<String, String> writer) {
    this(expiry, writer, null);
  }

  /** A read-through Group over {@code loader}. */
  GroupFixture(CacheLoader<String, String> loader) {
    this(new EternalExpiryPolicy(), null, loader);
  }

  private GroupFixture(ExpiryPolicy expiry, CacheWriter<String, String> writer, CacheLoader<String, String> loader) {
    statistics.setEnabled(true);
    EventDispatcher<String, String> dispatcher = new EventDispatcher<>(executor, Copier.BY_REFERENCE);
    dispatcher.setSource(nameOnly());
    Recorder recorder = new Recorder();
    Factory<CacheEntryListener<? super String, ? super String>> factory = () -> recorder;
    dispatcher.register(new MutableCacheEntryListenerConfiguration<>(factory, null, true, true));
    group = new Group<>("test", new GroupSettings<String, String>()
        .ticker(ticker)
        .expiryPolicy(expiry)
        .writer(writer)
        .loader(loader, loader != null)
        .events(dispatcher)
        .statistics(statistics));
  }

  /** hits, misses, puts, removals, as one string so a failure shows them all. */
  String counts() {
    return "hits=" + statistics.getCacheHits() + " misses=" + statistics.getCacheMisses()
        + " puts=" + statistics.getCachePuts() + " removals=" + statistics.getCacheRemovals();
  }

  /** The events' source: a cache that answers nothing, since the listener never asks it. */
  @SuppressWarnings("unchecked")
  private static Cache<String, String> nameOnly() {
    return (Cache<String, String>) Proxy.newProxyInstance(Cache.class.getClassLoader(), new Class<?>[] {Cache.class},
        (proxy, method, arguments) -> method.getName().equals("toString") ? "test" : null);
  }

  @Override
  public void close() {
    group.close();
    executor.shutdownNow();
  }

  private final class Recorder implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String> {
    @Override public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      record(batch);
    }

    @Override public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      record(batch);
    }

    @Override public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      record(batch);
    }

    private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      for (CacheEntryEvent<? extends String, ? extends String> event : batch) {
        events.add(event.getEventType() + " " + event.getKey() + " " + event.getValue() + " " + event.getOldValue());
      }
    }
  }
}
