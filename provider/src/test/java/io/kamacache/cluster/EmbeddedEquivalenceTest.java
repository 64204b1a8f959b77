package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.jcache.KamaCache;
import io.kamacache.testsupport.EtcdExtension;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListenerFuture;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every Cache method through any member gives the result the embedded cache gives: the same
 * random script runs against an embedded cache and against a three-member cluster, calling a
 * different member each step, and every result, the writer's record and the statistics must agree.
 */
class EmbeddedEquivalenceTest {

  @RegisterExtension
  static final EtcdExtension etcd = new EtcdExtension();

  private static Members members;
  private static List<CacheManager> managers;
  private static CacheManager embedded;

  @BeforeAll
  static void start() {
    members = new Members(etcd.endpoint());
    managers = members.openAll("e1", "e2", "e3");
    embedded = Caching.getCachingProvider().getCacheManager(URI.create("equivalence-embedded"),
        EmbeddedEquivalenceTest.class.getClassLoader());
  }

  @AfterAll
  static void stop() {
    members.close();
    embedded.close();
  }

  /** Loads "loaded-k" for keys k below 30; nothing for the rest. */
  public static final class Loader implements CacheLoader<Integer, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override public String load(Integer key) {
      return key < 30 ? "loaded-" + key : null;
    }

    @Override public Map<Integer, String> loadAll(Iterable<? extends Integer> keys) {
      Map<Integer, String> loaded = new HashMap<>();
      for (Integer key : keys) {
        String value = load(key);
        if (value != null) {
          loaded.put(key, value);
        }
      }
      return loaded;
    }
  }

  /** Records what it is asked to write, per subclass, so the two caches keep separate records. */
  public abstract static class Recorder implements CacheWriter<Integer, String>, Serializable {
    private static final long serialVersionUID = 1L;
    static final Map<Class<?>, Map<Integer, String>> RECORDS = new ConcurrentHashMap<>();

    Map<Integer, String> record() {
      return RECORDS.computeIfAbsent(getClass(), c -> new ConcurrentHashMap<>());
    }

    @Override public void write(Cache.Entry<? extends Integer, ? extends String> entry) {
      record().put(entry.getKey(), entry.getValue());
    }

    @Override public void writeAll(Collection<Cache.Entry<? extends Integer, ? extends String>> entries) {
      for (var iterator = entries.iterator(); iterator.hasNext(); ) {
        write(iterator.next());
        iterator.remove();
      }
    }

    @Override public void delete(Object key) {
      record().remove(key);
    }

    @Override public void deleteAll(Collection<?> keys) {
      for (var iterator = keys.iterator(); iterator.hasNext(); ) {
        delete(iterator.next());
        iterator.remove();
      }
    }
  }

  public static final class EmbeddedRecorder extends Recorder {
    private static final long serialVersionUID = 1L;
  }

  public static final class ClusterRecorder extends Recorder {
    private static final long serialVersionUID = 1L;
  }

  /** Appends its argument, or creates the entry. */
  public static final class Append implements EntryProcessor<Integer, String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override public String process(MutableEntry<Integer, String> entry, Object... arguments) {
      if (arguments.length > 0 && "remove".equals(arguments[0])) {
        entry.remove();
        return "removed";
      }
      String next = (entry.exists() ? entry.getValue() : "") + arguments[0];
      entry.setValue(next);
      return next;
    }
  }

  private static MutableConfiguration<Integer, String> configuration(Class<? extends Recorder> recorder) {
    return new MutableConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)
        .setReadThrough(true)
        .setWriteThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(Loader.class))
        .setCacheWriterFactory(FactoryBuilder.factoryOf(recorder))
        .setStatisticsEnabled(true);
  }

  private static Object run(Cache<Integer, String> cache, int op, Random random) throws Exception {
    int key = random.nextInt(40);
    String value = "v" + random.nextInt(5);
    Set<Integer> keys = new LinkedHashSet<>();
    for (int i = 0; i < 4; i++) {
      keys.add(random.nextInt(40));
    }
    switch (op) {
      case 0: return cache.get(key);
      case 1: return new TreeMap<>(cache.getAll(keys));
      case 2: return cache.containsKey(key);
      case 3: cache.put(key, value); return null;
      case 4: return cache.getAndPut(key, value);
      case 5: {
        Map<Integer, String> batch = new TreeMap<>();
        for (Integer k : keys) {
          batch.put(k, value);
        }
        cache.putAll(batch);
        return null;
      }
      case 6: return cache.putIfAbsent(key, value);
      case 7: return cache.remove(key);
      case 8: return cache.remove(key, value);
      case 9: return cache.getAndRemove(key);
      case 10: return cache.replace(key, value);
      case 11: return cache.replace(key, value, "v" + random.nextInt(5));
      case 12: return cache.getAndReplace(key, value);
      case 13: return cache.invoke(key, new Append(), random.nextInt(4) == 0 ? "remove" : value);
      case 14: {
        Map<Integer, String> results = new TreeMap<>();
        for (Map.Entry<Integer, EntryProcessorResult<String>> entry : cache.invokeAll(keys, new Append(), value).entrySet()) {
          results.put(entry.getKey(), entry.getValue().get());
        }
        return results;
      }
      case 15: cache.removeAll(keys); return null;
      case 16: {
        CompletionListenerFuture done = new CompletionListenerFuture();
        cache.loadAll(keys, random.nextBoolean(), done);
        done.get();
        return null;
      }
      case 17: {
        Map<Integer, String> all = new TreeMap<>();
        cache.forEach(entry -> all.put(entry.getKey(), entry.getValue()));
        return all;
      }
      default: throw new AssertionError(op);
    }
  }

  @Test
  void aRandomScriptGivesTheSameResultsEmbeddedAndThroughEveryMember() throws Exception {
    Cache<Integer, String> reference = embedded.createCache("script", configuration(EmbeddedRecorder.class));
    managers.get(0).createCache("script", configuration(ClusterRecorder.class));
    List<Cache<Integer, String>> through = new ArrayList<>();
    for (CacheManager manager : managers) {
      through.add(Members.awaitCache(manager, "script"));
    }
    Random embeddedRandom = new Random(7);
    Random clusterRandom = new Random(7);
    for (int step = 0; step < 1_500; step++) {
      int op = embeddedRandom.nextInt(18);
      clusterRandom.nextInt(18);
      Object expected = run(reference, op, embeddedRandom);
      Object actual = run(through.get(step % 3), op, clusterRandom);
      assertThat(actual).as("step %d, operation %d", step, op).isEqualTo(expected);
    }
    assertThat(Recorder.RECORDS.get(ClusterRecorder.class)).isEqualTo(Recorder.RECORDS.get(EmbeddedRecorder.class));

    Function<Function<CacheStatisticsMXBean, Long>, Long> clusterTotal = counter -> through.stream()
        .mapToLong(cache -> counter.apply(cache.unwrap(KamaCache.class).statistics())).sum();
    CacheStatisticsMXBean expected = reference.unwrap(KamaCache.class).statistics();
    assertThat(clusterTotal.apply(CacheStatisticsMXBean::getCacheHits)).isEqualTo(expected.getCacheHits());
    assertThat(clusterTotal.apply(CacheStatisticsMXBean::getCacheMisses)).isEqualTo(expected.getCacheMisses());
    assertThat(clusterTotal.apply(CacheStatisticsMXBean::getCachePuts)).isEqualTo(expected.getCachePuts());
    assertThat(clusterTotal.apply(CacheStatisticsMXBean::getCacheRemovals)).isEqualTo(expected.getCacheRemovals());

    through.get(1).removeAll();
    assertThat(run(through.get(2), 17, new Random())).isEqualTo(Map.of());
  }
}
