package io.kamacache.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.store.Lru2Store;
import io.kamacache.store.Slot;
import io.kamacache.store.SystemTicker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.Test;

/**
 * Whatever a loader or writer throws reaches the caller as a CacheLoaderException or
 * CacheWriterException, the original kept as it is or as the cause; a batch writer that fails
 * part-way reports exactly the entries it did not get to.
 */
class LoaderAndWriterExceptionsTest {

  private static final CacheLoaderException LOADER_OWN = new CacheLoaderException("own");
  private static final CacheWriterException WRITER_OWN = new CacheWriterException("own");

  private static Cache.Entry<String, String> entry(String key, String value) {
    return new Cache.Entry<>() {
      @Override public String getKey() {
        return key;
      }

      @Override public String getValue() {
        return value;
      }

      @Override public <T> T unwrap(Class<T> clazz) {
        throw new IllegalArgumentException();
      }
    };
  }

  private static CacheLoader<String, String> loaderThrowing(RuntimeException e) {
    return new CacheLoader<>() {
      @Override public String load(String key) {
        throw e;
      }

      @Override public Map<String, String> loadAll(Iterable<? extends String> keys) {
        throw e;
      }
    };
  }

  /** Writes up to {@code accepted} entries or keys of a batch, then throws {@code e}. */
  private static CacheWriter<String, String> writerThrowing(RuntimeException e, int accepted) {
    return new CacheWriter<>() {
      @Override public void write(Cache.Entry<? extends String, ? extends String> entry) {
        throw e;
      }

      @Override public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
        takeThenThrow(entries);
      }

      @Override public void delete(Object key) {
        throw e;
      }

      @Override public void deleteAll(Collection<?> keys) {
        takeThenThrow(keys);
      }

      private void takeThenThrow(Collection<?> batch) {
        Iterator<?> it = batch.iterator();
        for (int i = 0; i < accepted && it.hasNext(); i++) {
          it.next();
          it.remove();
        }
        throw e;
      }
    };
  }

  private static Integration<String, String> with(CacheLoader<String, String> loader,
      CacheWriter<String, String> writer) {
    return new Integration<>(loader, true, writer, LoaderAndWriterExceptionsTest::entry);
  }

  @Test
  void aLoadersOwnExceptionPassesAsItIs() {
    Integration<String, String> integration = with(loaderThrowing(LOADER_OWN), null);
    assertThatThrownBy(() -> integration.load("k")).isSameAs(LOADER_OWN);
    assertThatThrownBy(() -> integration.loadAll(List.of("k"))).isSameAs(LOADER_OWN);
  }

  @Test
  void anyOtherLoaderExceptionIsWrapped() {
    IllegalStateException cause = new IllegalStateException("down");
    Integration<String, String> integration = with(loaderThrowing(cause), null);
    assertThatThrownBy(() -> integration.load("k")).isInstanceOf(CacheLoaderException.class).hasCause(cause);
    assertThatThrownBy(() -> integration.loadAll(List.of("k"))).isInstanceOf(CacheLoaderException.class)
        .hasCause(cause);
  }

  @Test
  void writerExceptionsAreWrappedUnlessTheyAreTheWritersOwn() {
    IllegalStateException cause = new IllegalStateException("down");
    Integration<String, String> wrapping = with(null, writerThrowing(cause, 0));
    assertThatThrownBy(() -> inChange(slot -> wrapping.write("k", "v", slot))).isInstanceOf(CacheWriterException.class).hasCause(cause);
    assertThatThrownBy(() -> inChange(slot -> wrapping.delete("k", slot))).isInstanceOf(CacheWriterException.class).hasCause(cause);

    Integration<String, String> passing = with(null, writerThrowing(WRITER_OWN, 0));
    assertThatThrownBy(() -> inChange(slot -> passing.write("k", "v", slot))).isSameAs(WRITER_OWN);
    assertThatThrownBy(() -> inChange(slot -> passing.delete("k", slot))).isSameAs(WRITER_OWN);
  }

  @Test
  void aBatchWriterThatFailsPartWayReportsWhatItDidNotWrite() {
    IllegalStateException cause = new IllegalStateException("down");
    Integration<String, String> integration = with(null, writerThrowing(cause, 1));
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("a", "1");
    entries.put("b", "2");
    entries.put("c", "3");

    Integration.Partial<String> written = integration.writeAll(entries);

    assertThat(written.failed("a")).isFalse();
    assertThat(written.failed("b")).isTrue();
    assertThat(written.failed("c")).isTrue();
    assertThatThrownBy(written::rethrow).isInstanceOf(CacheWriterException.class).hasCause(cause);
  }

  @Test
  void aBatchDeleteThatFailsPartWayReportsWhatItDidNotDelete() {
    Integration<String, String> integration = with(null, writerThrowing(WRITER_OWN, 2));

    Integration.Partial<String> deleted = integration.deleteAll(new ArrayList<>(List.of("a", "b", "c")));

    assertThat(deleted.failed("a")).isFalse();
    assertThat(deleted.failed("b")).isFalse();
    assertThat(deleted.failed("c")).isTrue();
    assertThatThrownBy(deleted::rethrow).isSameAs(WRITER_OWN);
  }

  @Test
  void withoutAWriterWritesAreNoOpsAndBatchesFinish() {
    Integration<String, String> integration = with(null, null);
    inChange(slot -> integration.write("k", "v", slot));
    inChange(slot -> integration.delete("k", slot));
    Integration.Partial<String> written = integration.writeAll(Map.of("k", "v"));
    written.rethrow();
    assertThat(written.failed("k")).isFalse();
    assertThat(integration.deleteAll(Set.of("k")).failed("k")).isFalse();
  }

  @Test
  void theWriterGetsTheEntriesTheFactoryMakes() {
    List<String> seen = new ArrayList<>();
    CacheWriter<String, String> writer = new CacheWriter<>() {
      @Override public void write(Cache.Entry<? extends String, ? extends String> entry) {
        seen.add(entry.getKey() + "=" + entry.getValue());
      }

      @Override public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
        entries.forEach(this::write);
        entries.clear();
      }

      @Override public void delete(Object key) { }

      @Override public void deleteAll(Collection<?> keys) { }
    };
    Integration<String, String> integration = new Integration<>(null, false, writer,
        (key, value) -> entry(key.toUpperCase(), value));

    inChange(slot -> integration.write("k", "v", slot));
    integration.writeAll(Map.of("m", "w")).rethrow();

    assertThat(seen).containsExactly("K=v", "M=w");
    assertThat(integration.readsThrough()).isFalse();
    assertThat(integration.hasLoader()).isFalse();
  }

  /** Runs {@code call} inside a change of a key of a real store, where the Group calls the writer. */
  private static void inChange(Consumer<Slot<?>> call) {
    new Lru2Store<String, Object>(16, SystemTicker.instance(), (k, v, cause) -> { })
        .compute("k", (k, slot) -> {
          call.accept(slot);
          return null;
        });
  }
}
