package io.kamacache.integration;

import io.kamacache.store.Slot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * The cache's loader and writer, with the spec's exception rules: whatever they throw reaches the
 * caller as a {@link CacheLoaderException} or {@link CacheWriterException}. The writer is absent
 * (null) when the cache does not write through.
 */
public final class Integration<K, V> {

  private final CacheLoader<K, V> loader;
  private final boolean readThrough;
  private final CacheWriter<K, V> writer;
  /** Makes the entries handed to the writer: the cache's own entry type, defined by its caller. */
  private final BiFunction<K, V, Cache.Entry<K, V>> entryOf;

  /** {@code loader} serves loadAll even when the cache does not read through on a miss. */
  public Integration(CacheLoader<K, V> loader, boolean readThrough, CacheWriter<? super K, ? super V> writer,
      BiFunction<K, V, Cache.Entry<K, V>> entryOf) {
    this.loader = loader;
    this.entryOf = entryOf;
    this.readThrough = readThrough && loader != null;
    // A writer of supertypes accepts our entries; the narrower type lets batches pass as they are.
    @SuppressWarnings("unchecked")
    CacheWriter<K, V> narrowed = (CacheWriter<K, V>) writer;
    this.writer = narrowed;
  }

  /** Whether a miss loads. */
  public boolean readsThrough() {
    return readThrough;
  }

  public boolean hasLoader() {
    return loader != null;
  }

  public CacheLoader<K, V> loader() {
    return loader;
  }

  public CacheWriter<K, V> writer() {
    return writer;
  }

  public V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException(e);
    }
  }

  public Map<K, V> loadAll(Iterable<? extends K> keys) {
    try {
      return loader.loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException(e);
    }
  }

  /**
   * Writes the entry through, from inside a change of the key: the writer is user code that may
   * be slow (a database), so it runs with the key's bucket unlocked ({@link Slot#unlocked}).
   */
  public void write(K key, V value, Slot<?> slot) {
    if (writer == null) {
      return;
    }
    slot.unlocked(() -> {
      try {
        writer.write(entryOf.apply(key, value));
      } catch (CacheWriterException e) {
        throw e;
      } catch (Exception e) {
        throw new CacheWriterException(e);
      }
      return null;
    });
  }

  /** Deletes the key through, from inside a change of it, as {@link #write} does. */
  public void delete(K key, Slot<?> slot) {
    if (writer == null) {
      return;
    }
    slot.unlocked(() -> {
      try {
        writer.delete(key);
      } catch (CacheWriterException e) {
        throw e;
      } catch (Exception e) {
        throw new CacheWriterException(e);
      }
      return null;
    });
  }

  /**
   * Writes a batch. A writer that fails part-way leaves in the collection the entries it did not
   * write; those come back in the result, with the failure, so the caller applies only the rest.
   */
  public Partial<K> writeAll(Map<? extends K, ? extends V> entries) {
    if (writer == null || entries.isEmpty()) {
      return Partial.none();
    }
    Collection<Cache.Entry<? extends K, ? extends V>> batch = new ArrayList<>();
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      batch.add(entryOf.apply(entry.getKey(), entry.getValue()));
    }
    try {
      writer.writeAll(batch);
      return Partial.none();
    } catch (Exception e) {
      Set<K> failed = new HashSet<>();
      for (Cache.Entry<? extends K, ? extends V> entry : batch) {
        failed.add(entry.getKey());
      }
      return new Partial<>(failed, wrap(e));
    }
  }

  /** Deletes a batch, with the same partial-failure rule as {@link #writeAll}. */
  public Partial<K> deleteAll(Collection<? extends K> keys) {
    if (writer == null || keys.isEmpty()) {
      return Partial.none();
    }
    List<K> batch = new ArrayList<>(keys);
    try {
      writer.deleteAll(batch);
      return Partial.none();
    } catch (Exception e) {
      return new Partial<>(new LinkedHashSet<>(batch), wrap(e));
    }
  }

  private static CacheWriterException wrap(Exception e) {
    return e instanceof CacheWriterException ? (CacheWriterException) e : new CacheWriterException(e);
  }

  /** The keys a batch writer did not get to, and why; empty when it finished. */
  public static final class Partial<K> {
    private static final Partial<?> NONE = new Partial<>(Set.of(), null);

    private final Set<K> failed;
    private final CacheWriterException failure;

    Partial(Set<K> failed, CacheWriterException failure) {
      this.failed = failed;
      this.failure = failure;
    }

    @SuppressWarnings("unchecked")
    static <K> Partial<K> none() {
      return (Partial<K>) NONE;
    }

    /** Whether the writer did not get to {@code key}, which must then stay as it is. */
    public boolean failed(Object key) {
      return failed.contains(key);
    }

    /** Throws the writer's failure, if it had one. */
    public void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
