package io.kamacache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.management.CacheStatisticsMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TCK checks end states; this checks the exact events and statistics of every operation,
 * from a cache that holds {@code 1=one} and {@code 2=two} and nothing else.
 */
class EventAndStatisticsSequenceTest {

  private final List<String> events = new CopyOnWriteArrayList<>();
  private CacheManager manager;
  private Cache<Integer, String> cache;
  private CacheStatisticsMXBean statistics;

  /** Records every event as "TYPE key value old". */
  private final class Recorder implements CacheEntryCreatedListener<Integer, String>,
      CacheEntryUpdatedListener<Integer, String>, CacheEntryRemovedListener<Integer, String> {
    @Override public void onCreated(Iterable<CacheEntryEvent<? extends Integer, ? extends String>> batch) {
      record(batch);
    }

    @Override public void onUpdated(Iterable<CacheEntryEvent<? extends Integer, ? extends String>> batch) {
      record(batch);
    }

    @Override public void onRemoved(Iterable<CacheEntryEvent<? extends Integer, ? extends String>> batch) {
      record(batch);
    }

    private void record(Iterable<CacheEntryEvent<? extends Integer, ? extends String>> batch) {
      for (CacheEntryEvent<? extends Integer, ? extends String> event : batch) {
        events.add(event.getEventType() + " " + event.getKey() + " " + event.getValue() + " " + event.getOldValue());
      }
    }
  }

  @BeforeEach
  void createCache() {
    manager = Caching.getCachingProvider().getCacheManager(URI.create("sequence-test"), getClass().getClassLoader());
    MutableConfiguration<Integer, String> configuration = new MutableConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)
        .setStatisticsEnabled(true);
    Recorder recorder = new Recorder();
    Factory<CacheEntryListener<? super Integer, ? super String>> factory = () -> recorder;
    configuration.addCacheEntryListenerConfiguration(
        new MutableCacheEntryListenerConfiguration<>(factory, null, true, true));
    cache = manager.createCache("sequence", configuration);
    statistics = cache.unwrap(KamaCache.class).statistics();
    cache.put(1, "one");
    cache.put(2, "two");
    events.clear();
    statistics.clear();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private void check(Consumer<Cache<Integer, String>> operation, List<String> expectedEvents,
      long hits, long misses, long puts, long removals) {
    operation.accept(cache);
    assertThat(events).as("events").containsExactlyElementsOf(expectedEvents);
    assertThat(List.of(statistics.getCacheHits(), statistics.getCacheMisses(),
        statistics.getCachePuts(), statistics.getCacheRemovals()))
        .as("hits, misses, puts, removals")
        .containsExactly(hits, misses, puts, removals);
    assertThat(statistics.getCacheGets()).isEqualTo(hits + misses);
  }

  @Test void getOfAPresentKey() {
    check(c -> assertThat(c.get(1)).isEqualTo("one"), List.of(), 1, 0, 0, 0);
  }

  @Test void getOfAnAbsentKey() {
    check(c -> assertThat(c.get(3)).isNull(), List.of(), 0, 1, 0, 0);
  }

  @Test void getAllCountsEachKey() {
    check(c -> assertThat(c.getAll(Set.of(1, 2, 3))).containsOnlyKeys(1, 2), List.of(), 2, 1, 0, 0);
  }

  @Test void containsKeyIsNeitherHitNorMiss() {
    check(c -> assertThat(c.containsKey(1)).isTrue(), List.of(), 0, 0, 0, 0);
  }

  @Test void putOfANewKey() {
    check(c -> c.put(3, "three"), List.of("CREATED 3 three null"), 0, 0, 1, 0);
  }

  @Test void putOverAnExistingKey() {
    check(c -> c.put(1, "uno"), List.of("UPDATED 1 uno one"), 0, 0, 1, 0);
  }

  @Test void getAndPutOverAnExistingKey() {
    check(c -> assertThat(c.getAndPut(1, "uno")).isEqualTo("one"), List.of("UPDATED 1 uno one"), 1, 0, 1, 0);
  }

  @Test void getAndPutOfANewKey() {
    check(c -> assertThat(c.getAndPut(3, "three")).isNull(), List.of("CREATED 3 three null"), 0, 1, 1, 0);
  }

  @Test void putAllMixesCreatesAndUpdates() {
    check(c -> c.putAll(new java.util.TreeMap<>(Map.of(1, "uno", 3, "three"))),
        List.of("UPDATED 1 uno one", "CREATED 3 three null"), 0, 0, 2, 0);
  }

  @Test void putIfAbsentOfANewKey() {
    check(c -> assertThat(c.putIfAbsent(3, "three")).isTrue(), List.of("CREATED 3 three null"), 0, 1, 1, 0);
  }

  @Test void putIfAbsentOfAPresentKey() {
    check(c -> assertThat(c.putIfAbsent(1, "uno")).isFalse(), List.of(), 1, 0, 0, 0);
  }

  @Test void removeOfAPresentKey() {
    check(c -> assertThat(c.remove(1)).isTrue(), List.of("REMOVED 1 one one"), 0, 0, 0, 1);
  }

  @Test void removeOfAnAbsentKey() {
    check(c -> assertThat(c.remove(3)).isFalse(), List.of(), 0, 0, 0, 0);
  }

  @Test void conditionalRemoveThatMatches() {
    check(c -> assertThat(c.remove(1, "one")).isTrue(), List.of("REMOVED 1 one one"), 1, 0, 0, 1);
  }

  @Test void conditionalRemoveThatDoesNotMatch() {
    check(c -> assertThat(c.remove(1, "uno")).isFalse(), List.of(), 1, 0, 0, 0);
  }

  @Test void conditionalRemoveOfAnAbsentKey() {
    check(c -> assertThat(c.remove(3, "three")).isFalse(), List.of(), 0, 1, 0, 0);
  }

  @Test void getAndRemoveOfAPresentKey() {
    check(c -> assertThat(c.getAndRemove(1)).isEqualTo("one"), List.of("REMOVED 1 one one"), 1, 0, 0, 1);
  }

  @Test void getAndRemoveOfAnAbsentKey() {
    check(c -> assertThat(c.getAndRemove(3)).isNull(), List.of(), 0, 1, 0, 0);
  }

  @Test void replaceOfAPresentKey() {
    check(c -> assertThat(c.replace(1, "uno")).isTrue(), List.of("UPDATED 1 uno one"), 1, 0, 1, 0);
  }

  @Test void replaceOfAnAbsentKey() {
    check(c -> assertThat(c.replace(3, "three")).isFalse(), List.of(), 0, 1, 0, 0);
  }

  @Test void conditionalReplaceThatMatches() {
    check(c -> assertThat(c.replace(1, "one", "uno")).isTrue(), List.of("UPDATED 1 uno one"), 1, 0, 1, 0);
  }

  @Test void conditionalReplaceThatDoesNotMatch() {
    check(c -> assertThat(c.replace(1, "eins", "uno")).isFalse(), List.of(), 1, 0, 0, 0);
  }

  @Test void getAndReplaceOfAPresentKey() {
    check(c -> assertThat(c.getAndReplace(1, "uno")).isEqualTo("one"), List.of("UPDATED 1 uno one"), 1, 0, 1, 0);
  }

  @Test void removeAllOfSomeKeys() {
    check(c -> c.removeAll(Set.of(1, 3)), List.of("REMOVED 1 one one"), 0, 0, 0, 1);
  }

  @Test void removeAllOfEverything() {
    check(Cache::removeAll, List.of("REMOVED 1 one one", "REMOVED 2 two two"), 0, 0, 0, 2);
  }

  @Test void clearIsSilent() {
    check(Cache::clear, List.of(), 0, 0, 0, 0);
    assertThat(cache.iterator().hasNext()).isFalse();
  }

  @Test void iterationCountsHitsAndIteratorRemoveCountsRemovals() {
    check(c -> {
      Iterator<Cache.Entry<Integer, String>> iterator = c.iterator();
      List<Integer> seen = new ArrayList<>();
      while (iterator.hasNext()) {
        seen.add(iterator.next().getKey());
        iterator.remove();
      }
      assertThat(seen).containsExactlyInAnyOrder(1, 2);
    }, List.of("REMOVED 1 one one", "REMOVED 2 two two"), 2, 0, 0, 2);
  }

  @Test void invokeThatOnlyLooks() {
    check(c -> assertThat(c.<String>invoke(1, (entry, args) -> entry.getValue())).isEqualTo("one"),
        List.of(), 1, 0, 0, 0);
  }

  @Test void invokeThatCreates() {
    check(c -> c.invoke(3, (entry, args) -> {
      entry.setValue("three");
      return null;
    }), List.of("CREATED 3 three null"), 0, 1, 1, 0);
  }

  @Test void invokeThatUpdates() {
    check(c -> c.invoke(1, (entry, args) -> {
      entry.setValue(entry.getValue() + "!");
      return null;
    }), List.of("UPDATED 1 one! one"), 1, 0, 1, 0);
  }

  @Test void invokeThatRemoves() {
    check(c -> c.invoke(1, (entry, args) -> {
      entry.remove();
      return null;
    }), List.of("REMOVED 1 one one"), 1, 0, 0, 1);
  }

  @Test void invokeThatCreatesThenRemovesLeavesNoTrace() {
    check(c -> c.invoke(3, (entry, args) -> {
      entry.setValue("three");
      entry.remove();
      return null;
    }), List.of(), 0, 1, 0, 0);
  }

  @Test void invokeThatThrowsChangesNothing() {
    check(c -> {
      try {
        c.invoke(1, (entry, args) -> {
          entry.setValue("changed");
          throw new IllegalStateException("boom");
        });
      } catch (javax.cache.processor.EntryProcessorException e) {
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
      }
      assertThat(c.containsKey(1)).isTrue();
    }, List.of(), 0, 0, 0, 0);
    assertThat(cache.get(1)).isEqualTo("one");
  }
}
