package io.kamacache.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
final class Integration<K, V> {

  private final CacheLoader<K, V> loader;
  private final boolean readThrough;
  private final CacheWriter<K, V> writer;

  /** {@code loader} serves loadAll even when the cache does not read through on a miss. */
  Integration(CacheLoader<K, V> loader, boolean readThrough, CacheWriter<? super K, ? super V> writer) {
    this.loader = loader;
    this.readThrough = readThrough && loader != null;
    // A writer of supertypes accepts our entries; the narrower type lets batches pass as they are.
    @SuppressWarnings("unchecked")
    CacheWriter<K, V> narrowed = (CacheWriter<K, V>) writer;
    this.writer = narrowed;
  }

  /** Whether a miss loads. */
  boolean readsThrough() {
    return readThrough;
  }

  boolean hasLoader() {
    return loader != null;
  }

  boolean writesThrough() {
    return writer != null;
  }

  CacheLoader<K, V> loader() {
    return loader;
  }

  CacheWriter<K, V> writer() {
    return writer;
  }

  V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException(e);
    }
  }

  Map<K, V> loadAll(Iterable<? extends K> keys) {
    try {
      return loader.loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException(e);
    }
  }

  void write(K key, V value) {
    if (writer == null) {
      return;
    }
    try {
      writer.write(new GroupEntry<>(key, value));
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException(e);
    }
  }

  void delete(K key) {
    if (writer == null) {
      return;
    }
    try {
      writer.delete(key);
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException(e);
    }
  }

  /**
   * Writes a batch. A writer that fails part-way leaves in the collection the entries it did not
   * write; those come back in the result, with the failure, so the caller applies only the rest.
   */
  Partial<K> writeAll(Map<? extends K, ? extends V> entries) {
    if (writer == null || entries.isEmpty()) {
      return Partial.none();
    }
    Collection<Cache.Entry<? extends K, ? extends V>> batch = new ArrayList<>();
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      batch.add(new GroupEntry<>(entry.getKey(), entry.getValue()));
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
  Partial<K> deleteAll(Collection<? extends K> keys) {
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
  static final class Partial<K> {
    private static final Partial<?> NONE = new Partial<>(Set.of(), null);

    final Set<K> failed;
    final CacheWriterException failure;

    Partial(Set<K> failed, CacheWriterException failure) {
      this.failed = failed;
      this.failure = failure;
    }

    @SuppressWarnings("unchecked")
    static <K> Partial<K> none() {
      return (Partial<K>) NONE;
    }

    void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
