package io.kamacache.configuration;

import java.util.Map;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/** Classes the test files name: loaders, writers, listeners and their factories. */
public final class Fixtures {

  private Fixtures() {}

  public static final class Loader implements CacheLoader<Object, Object> {
    @Override public Object load(Object key) {
      return "loaded " + key;
    }

    @Override public Map<Object, Object> loadAll(Iterable<?> keys) {
      return Map.of();
    }
  }

  public static final class LoaderFactory implements Factory<CacheLoader<Object, Object>> {
    private static final long serialVersionUID = 1L;

    @Override public CacheLoader<Object, Object> create() {
      return new Loader();
    }
  }

  public static final class Writer implements CacheWriter<Object, Object> {
    @Override public void write(javax.cache.Cache.Entry<?, ?> entry) {}

    @Override public void writeAll(java.util.Collection<javax.cache.Cache.Entry<?, ?>> entries) {}

    @Override public void delete(Object key) {}

    @Override public void deleteAll(java.util.Collection<?> keys) {}
  }

  public static final class WriterFactory implements Factory<CacheWriter<Object, Object>> {
    private static final long serialVersionUID = 1L;

    @Override public CacheWriter<Object, Object> create() {
      return new Writer();
    }
  }

  public static final class TenMinutes implements ExpiryPolicy {
    @Override public Duration getExpiryForCreation() {
      return new Duration(java.util.concurrent.TimeUnit.MINUTES, 10);
    }

    @Override public Duration getExpiryForAccess() {
      return null;
    }

    @Override public Duration getExpiryForUpdate() {
      return null;
    }
  }

  public static final class TenMinutesFactory implements Factory<ExpiryPolicy> {
    private static final long serialVersionUID = 1L;

    @Override public ExpiryPolicy create() {
      return new TenMinutes();
    }
  }

  public static final class Listener implements CacheEntryCreatedListener<Object, Object> {
    @Override public void onCreated(Iterable<CacheEntryEvent<?, ?>> events) {}
  }

  public static final class OnlyVip implements CacheEntryEventFilter<Object, Object> {
    @Override public boolean evaluate(CacheEntryEvent<?, ?> event) {
      return String.valueOf(event.getKey()).startsWith("vip");
    }
  }

  /** A Factory whose declaration says it makes loaders, named where a writer belongs. */
  public static final class NotAWriter {}

  /** A loader without a no-argument constructor. */
  public static final class NeedsArgument implements CacheLoader<Object, Object> {
    public NeedsArgument(String unused) {}

    @Override public Object load(Object key) {
      return null;
    }

    @Override public Map<Object, Object> loadAll(Iterable<?> keys) {
      return Map.of();
    }
  }
}
