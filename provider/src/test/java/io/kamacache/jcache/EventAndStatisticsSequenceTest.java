package io.kamacache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListenerFuture;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TCK checks end states; this checks the exact events and statistics of every operation,
 * from a cache that holds {@code 1=one} and {@code 2=two} and nothing else. Loads and writes
 * use {@link #readAndWriteThrough()}, whose loader knows keys 1 to 4 and whose writer logs.
 */
class EventAndStatisticsSequenceTest {

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<String> writes = new CopyOnWriteArrayList<>();
  private final List<String> loads = new CopyOnWriteArrayList<>();
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
    use("sequence", new MutableConfiguration<Integer, String>());
  }

  /** Makes {@code cache} a new cache of {@code configuration}, recorded, holding 1=one and 2=two. */
  private void use(String name, MutableConfiguration<Integer, String> configuration) {
    configuration.setTypes(Integer.class, String.class).setStatisticsEnabled(true);
    Recorder recorder = new Recorder();
    Factory<CacheEntryListener<? super Integer, ? super String>> factory = () -> recorder;
    configuration.addCacheEntryListenerConfiguration(
        new MutableCacheEntryListenerConfiguration<>(factory, null, true, true));
    cache = manager.createCache(name, configuration);
    statistics = cache.unwrap(KamaCache.class).statistics();
    cache.put(1, "one");
    cache.put(2, "two");
    events.clear();
    writes.clear();
    loads.clear();
    statistics.clear();
  }

  /** Knows keys 1 to 4 as "L1" to "L4"; logs what it is asked. */
  private final class Loader implements CacheLoader<Integer, String> {
    @Override public String load(Integer key) {
      loads.add("load " + key);
      return key <= 4 ? "L" + key : null;
    }

    @Override public Map<Integer, String> loadAll(Iterable<? extends Integer> keys) {
      loads.add("loadAll " + keys);
      Map<Integer, String> found = new LinkedHashMap<>();
      for (Integer key : keys) {
        if (key <= 4) {
          found.put(key, "L" + key);
        }
      }
      return found;
    }
  }

  /** Logs every call as "write k v" or "delete k". */
  private final class Writer implements CacheWriter<Integer, String> {
    @Override public void write(Cache.Entry<? extends Integer, ? extends String> entry) {
      writes.add("write " + entry.getKey() + " " + entry.getValue());
    }

    @Override public void writeAll(Collection<Cache.Entry<? extends Integer, ? extends String>> entries) {
      for (Cache.Entry<? extends Integer, ? extends String> entry : List.copyOf(entries)) {
        write(entry);
        entries.remove(entry);
      }
    }

    @Override public void delete(Object key) {
      writes.add("delete " + key);
    }

    @Override public void deleteAll(Collection<?> keys) {
      for (Object key : List.copyOf(keys)) {
        delete(key);
        keys.remove(key);
      }
    }
  }

  private void readAndWriteThrough() {
    Loader loader = new Loader();
    Writer writer = new Writer();
    use("read-write-through", new MutableConfiguration<Integer, String>()
        .setReadThrough(true).setCacheLoaderFactory(() -> loader)
        .setWriteThrough(true).setCacheWriterFactory(() -> writer));
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
      assertThatThrownBy(() -> c.invoke(1, (entry, args) -> {
        entry.setValue("changed");
        throw new IllegalStateException("boom");
      })).isInstanceOf(EntryProcessorException.class)
          .cause().isInstanceOf(IllegalStateException.class).hasMessage("boom");
      assertThat(c.containsKey(1)).isTrue();
    }, List.of(), 0, 0, 0, 0);
    assertThat(cache.get(1)).isEqualTo("one");
  }

  /** Appends "!" to a present value, creates "new" for an absent one, and returns what it saw. */
  static final class Touch implements EntryProcessor<Integer, String, String> {
    @Override public String process(MutableEntry<Integer, String> entry, Object... arguments) {
      String seen = entry.getValue();
      entry.setValue(seen == null ? "new" : seen + "!");
      return seen;
    }
  }

  @Test void invokeAllUpdatesAndCreatesInKeyOrder() {
    check(c -> {
      Map<Integer, EntryProcessorResult<String>> results = c.invokeAll(new TreeSet<>(Set.of(1, 3)), new Touch());
      assertThat(results).containsOnlyKeys(1);
      assertThat(results.get(1).get()).isEqualTo("one");
    }, List.of("UPDATED 1 one! one", "CREATED 3 new null"), 1, 1, 2, 0);
  }

  @Test void getAndReplaceOfAnAbsentKey() {
    check(c -> assertThat(c.getAndReplace(3, "three")).isNull(), List.of(), 0, 1, 0, 0);
    assertThat(cache.containsKey(3)).isFalse();
  }

  @Test void conditionalReplaceOfAnAbsentKey() {
    check(c -> assertThat(c.replace(3, "old", "new")).isFalse(), List.of(), 0, 1, 0, 0);
    assertThat(cache.containsKey(3)).isFalse();
  }

  // ---- read-through and write-through: loads are neither puts nor writes

  @Test void readThroughGetOfAnAbsentKeyLoadsAndCreates() {
    readAndWriteThrough();
    check(c -> assertThat(c.get(3)).isEqualTo("L3"), List.of("CREATED 3 L3 null"), 0, 1, 0, 0);
    assertThat(loads).containsExactly("load 3");
    assertThat(writes).isEmpty();
  }

  @Test void readThroughGetOfAPresentKeyDoesNotLoad() {
    readAndWriteThrough();
    check(c -> assertThat(c.get(1)).isEqualTo("one"), List.of(), 1, 0, 0, 0);
    assertThat(loads).isEmpty();
  }

  @Test void readThroughGetOfAKeyTheLoaderDoesNotKnowIsAMissWithoutEvents() {
    readAndWriteThrough();
    check(c -> assertThat(c.get(9)).isNull(), List.of(), 0, 1, 0, 0);
    assertThat(loads).containsExactly("load 9");
    assertThat(cache.containsKey(9)).isFalse();
  }

  @Test void readThroughGetAllLoadsOnlyTheMissingKeysInOneCall() {
    readAndWriteThrough();
    check(c -> assertThat(c.getAll(new TreeSet<>(Set.of(1, 3, 4, 9))))
            .containsExactlyInAnyOrderEntriesOf(Map.of(1, "one", 3, "L3", 4, "L4")),
        List.of("CREATED 3 L3 null", "CREATED 4 L4 null"), 1, 3, 0, 0);
    assertThat(loads).containsExactly("loadAll [3, 4, 9]");
    assertThat(writes).isEmpty();
  }

  private void loadAll(Cache<Integer, String> c, Set<Integer> keys, boolean replaceExisting) {
    CompletionListenerFuture done = new CompletionListenerFuture();
    c.loadAll(new TreeSet<>(keys), replaceExisting, done);
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("loadAll did not complete", e);
    }
  }

  @Test void loadAllSkipsPresentKeysAndCountsNothing() {
    readAndWriteThrough();
    check(c -> loadAll(c, Set.of(2, 3, 9), false), List.of("CREATED 3 L3 null"), 0, 0, 0, 0);
    assertThat(loads).containsExactly("loadAll [3, 9]");
    assertThat(writes).isEmpty();
  }

  @Test void loadAllReplacingExistingUpdatesPresentKeys() {
    readAndWriteThrough();
    check(c -> loadAll(c, Set.of(2, 3), true), List.of("UPDATED 2 L2 two", "CREATED 3 L3 null"), 0, 0, 0, 0);
    assertThat(loads).containsExactly("loadAll [2, 3]");
    assertThat(cache.get(2)).isEqualTo("L2");
  }

  @Test void writeThroughPutWritesThenCreates() {
    readAndWriteThrough();
    check(c -> c.put(3, "three"), List.of("CREATED 3 three null"), 0, 0, 1, 0);
    assertThat(writes).containsExactly("write 3 three");
    assertThat(loads).as("a put never loads").isEmpty();
  }

  @Test void writeThroughPutOverAnExistingKey() {
    readAndWriteThrough();
    check(c -> c.put(1, "uno"), List.of("UPDATED 1 uno one"), 0, 0, 1, 0);
    assertThat(writes).containsExactly("write 1 uno");
  }

  @Test void writeThroughRemoveDeletes() {
    readAndWriteThrough();
    check(c -> assertThat(c.remove(1)).isTrue(), List.of("REMOVED 1 one one"), 0, 0, 0, 1);
    assertThat(writes).containsExactly("delete 1");
  }

  @Test void writeThroughRemoveOfAnAbsentKeyStillDeletes() {
    // The store behind the cache may hold what the cache does not.
    readAndWriteThrough();
    check(c -> assertThat(c.remove(9)).isFalse(), List.of(), 0, 0, 0, 0);
    assertThat(writes).containsExactly("delete 9");
  }

  // ---- asynchronous listeners

  @Test void anAsynchronousListenerHearsOneKeysEventsInOrder() throws InterruptedException {
    int updates = 2_000;
    String last = "v" + (updates - 1);
    List<String> heard = new CopyOnWriteArrayList<>();
    CountDownLatch lastHeard = new CountDownLatch(1);
    CacheEntryUpdatedListener<Integer, String> listener = batch -> {
      for (CacheEntryEvent<? extends Integer, ? extends String> event : batch) {
        heard.add(event.getValue());
        if (event.getValue().equals(last)) {
          lastHeard.countDown();
        }
      }
    };
    Factory<CacheEntryListener<? super Integer, ? super String>> factory = () -> listener;
    Cache<Integer, String> async = manager.createCache("async", new MutableConfiguration<Integer, String>()
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(factory, null, false, false)));
    async.put(1, "created");
    for (int i = 0; i < updates; i++) {
      async.put(1, "v" + i);
    }
    assertThat(lastHeard.await(30, TimeUnit.SECONDS)).as("the last update was heard").isTrue();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < updates; i++) {
      expected.add("v" + i);
    }
    assertThat(heard).containsExactlyElementsOf(expected);
  }
}
