package io.kamacache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamacache.codec.CodecException;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets the spec's exception, and the cache is exactly as it was before. */
class BadInputTest {

  private CacheManager manager;
  private Cache<String, Object> cache;

  /** Not Serializable, so a store-by-value cache cannot copy it. */
  static final class Opaque {
    final String name;

    Opaque(String name) {
      this.name = name;
    }
  }

  @BeforeEach
  void createCache() {
    manager = Caching.getCachingProvider().getCacheManager(URI.create("bad-input-test"), getClass().getClassLoader());
    cache = manager.createCache("bad-input",
        new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
    cache.put("kept", "original");
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private void assertUnchanged() {
    Map<String, Object> contents = new HashMap<>();
    cache.forEach(entry -> contents.put(entry.getKey(), entry.getValue()));
    assertThat(contents).containsExactly(Map.entry("kept", "original"));
  }

  @Test
  void nullKeysAndValuesAreRefusedWithNullPointerException() {
    assertThatThrownBy(() -> cache.put(null, "v")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.put("kept", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.replace("kept", null, "v")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.getAll(null)).isInstanceOf(NullPointerException.class);
    Map<String, Object> withNullValue = new HashMap<>();
    withNullValue.put("a", "fine");
    withNullValue.put("b", null);
    assertThatThrownBy(() -> cache.putAll(withNullValue)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.invoke(null, (entry, args) -> null)).isInstanceOf(NullPointerException.class);
    assertUnchanged();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void keysOfTheWrongTypeAreRefusedWithClassCastException() {
    Cache raw = cache;
    assertThatThrownBy(() -> raw.put(42, "v"))
        .isInstanceOf(ClassCastException.class)
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> manager.getCache("bad-input", Integer.class, Object.class))
        .isInstanceOf(ClassCastException.class);
    assertUnchanged();
  }

  @Test
  void aValueThatCannotBeCopiedGetsAClearErrorAndChangesNothing() {
    assertThatThrownBy(() -> cache.put("kept", new Opaque("x")))
        .isInstanceOf(CodecException.class)
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(Opaque.class.getName())
        .hasMessageContaining("not Serializable")
        .hasMessageContaining("setStoreByValue(false)");
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("fine", "value");
    batch.put("bad", new Opaque("y"));
    assertThatThrownBy(() -> cache.putAll(batch)).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> cache.replace("kept", new Opaque("z"))).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> cache.invoke("kept", (entry, args) -> {
      entry.setValue(new Opaque("w"));
      return null;
    })).isInstanceOf(javax.cache.processor.EntryProcessorException.class)
        .hasCauseInstanceOf(CodecException.class);
    assertUnchanged();
  }

  /** A mutable key that is not Serializable, so a by-value cache cannot copy it. */
  static final class OpaqueKey {
    @Override public boolean equals(Object other) {
      return other instanceof OpaqueKey;
    }

    @Override public int hashCode() {
      return 1;
    }
  }

  @Test
  void putAllWithAKeyThatCannotBeCopiedChangesNothing() {
    Cache<Object, Object> untyped = manager.createCache("untyped", new MutableConfiguration<>());
    Map<Object, Object> batch = new LinkedHashMap<>();
    batch.put("fine", "value");
    batch.put(new OpaqueKey(), "value");
    assertThatThrownBy(() -> untyped.putAll(batch)).isInstanceOf(CodecException.class);
    assertThat(untyped.iterator().hasNext()).isFalse();
  }

  @Test
  void cacheNamesThatJmxCannotTakeUnquotedStillWorkWithManagementOn() {
    for (String name : new String[] {"with \"quotes\"", "star*and?question", "back\\slash", "a,b=c:d"}) {
      Cache<String, String> odd = manager.createCache(name,
          new MutableConfiguration<String, String>().setStatisticsEnabled(true).setManagementEnabled(true));
      odd.put("k", "v");
      assertThat(odd.get("k")).isEqualTo("v");
      manager.destroyCache(name);
    }
  }

  @Test
  void aHugeCapacityStillStoresEntries() {
    Cache<String, String> huge = manager.createCache("huge", new KamaConfiguration<String, String>().setCapacity(200_000_000_000L));
    huge.put("k", "v");
    assertThat(huge.get("k")).isEqualTo("v");
  }

  @Test
  void aStoreByReferenceCacheKeepsValuesThatCannotBeSerialized() {
    Cache<String, Opaque> byReference = manager.createCache("by-reference",
        new MutableConfiguration<String, Opaque>().setStoreByValue(false));
    Opaque value = new Opaque("x");
    byReference.put("k", value);
    assertThat(byReference.get("k")).isSameAs(value);
  }

  @Test
  void aClosedCacheRefusesEveryOperation() {
    cache.close();
    assertThatThrownBy(() -> cache.get("kept")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> cache.put("kept", "v")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cache.iterator()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cache.removeAll(Set.of("kept"))).isInstanceOf(IllegalStateException.class);
    assertThat(manager.getCache("bad-input")).isNull();
  }

  @Test
  void aClosedManagerRefusesEveryOperation() {
    manager.close();
    assertThatThrownBy(() -> manager.getCache("bad-input")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> manager.createCache("other", new MutableConfiguration<>()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cache.get("kept")).isInstanceOf(IllegalStateException.class);
    assertThat(Caching.getCachingProvider().getCacheManager(URI.create("bad-input-test"), getClass().getClassLoader()))
        .as("a new manager is handed out after close").isNotSameAs(manager);
  }

  @Test
  void aCapacityBelowOneIsRefusedByName() {
    assertThatThrownBy(() -> new KamaConfiguration<String, String>().setCapacity(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }

  @Test
  void creatingACacheTwiceIsRefused() {
    assertThatThrownBy(() -> manager.createCache("bad-input", new MutableConfiguration<>()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("already exists");
  }
}
