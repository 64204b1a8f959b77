package io.kamacache.benchmarks.embedded;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One process, every provider, the same keys. Each scenario's state checks before measuring
 * that every key it will read is present, since some providers silently bound what they keep.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// The heap is touched once at start: without it a fixed 2 GB heap's young generation is first-touch
// memory for seconds at a time, and allocating scenarios measured page faults (put at capacity
// 1.3 against 6.3 ops/µs with a small default heap).
@Fork(value = 3, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class EmbeddedBenchmark {

  /** Keys read in the bounded scenarios; the bound leaves room for all of them. */
  static final int KEYS = 1 << 16;
  static final int CAPACITY = KEYS;
  /** Fewer keys for the default profile: a plain configuration must keep them all everywhere. */
  static final int DEFAULT_KEYS = 1 << 12;
  /** The bound of the put-at-capacity scenario, full before the first measured put. */
  static final int FULL_CAPACITY = 1 << 14;

  @State(Scope.Benchmark)
  public static class Bounded {
    @Param({Providers.KAMACACHE, Providers.CAFFEINE, Providers.EHCACHE, Providers.HAZELCAST, Providers.CACHE2K, Providers.CHM})
    public String provider;

    CacheUnderTest<Integer> cache;
    ZipfKeys keys;

    Providers.Spec spec() {
      return Providers.Spec.bounded(CAPACITY);
    }

    ZipfKeys keys() {
      return new ZipfKeys(KEYS, 0.99, 42);
    }

    @Setup(Level.Trial)
    public void setUp() {
      cache = Providers.create(provider, spec(), Integer.class);
      for (int key = 0; key < KEYS; key++) {
        cache.put(key, key);
      }
      Checks.allPresent(provider, cache, KEYS);
      keys = keys();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
    }
  }

  /** The same cache, read with the Zipf ranks given to the keys in a fixed random order. */
  @State(Scope.Benchmark)
  public static class Scrambled extends Bounded {
    @Override ZipfKeys keys() {
      return new ZipfKeys(KEYS, 0.99, 42, true);
    }
  }

  /** The same keys without a bound: the default of a plain configuration. */
  @State(Scope.Benchmark)
  public static class Unbounded extends Bounded {
    @Override Providers.Spec spec() {
      return Providers.Spec.unbounded();
    }
  }

  @State(Scope.Benchmark)
  public static class Expiring extends Bounded {
    @Override Providers.Spec spec() {
      return Providers.Spec.expiring(CAPACITY);
    }
  }

  /** Each thread walks the shared key sequence from its own random start. */
  @State(Scope.Thread)
  public static class Cursor {
    int index = ThreadLocalRandom.current().nextInt(ZipfKeys.LENGTH);

    int next() {
      return index++;
    }
  }

  @Benchmark
  @Threads(1)
  public Integer getHit(Bounded state, Cursor cursor) {
    return state.cache.get(state.keys.at(cursor.next()));
  }

  @Benchmark
  @Threads(1)
  public Integer getHitScrambled(Scrambled state, Cursor cursor) {
    return state.cache.get(state.keys.at(cursor.next()));
  }

  @Benchmark
  @Threads(2)
  public Integer getHitTwoThreads(Bounded state, Cursor cursor) {
    return state.cache.get(state.keys.at(cursor.next()));
  }

  @Benchmark
  @Threads(1)
  public Integer getHitUnbounded(Unbounded state, Cursor cursor) {
    return state.cache.get(state.keys.at(cursor.next()));
  }

  @Benchmark
  @Threads(2)
  public Integer getHitUnboundedTwoThreads(Unbounded state, Cursor cursor) {
    return state.cache.get(state.keys.at(cursor.next()));
  }

  @Benchmark
  @Threads(1)
  public Integer getHitWithExpiry(Expiring state, Cursor cursor) {
    return state.cache.get(state.keys.at(cursor.next()));
  }

  /** Three gets for every put, on the same Zipf keys. */
  @Benchmark
  @Threads(2)
  public Integer getPut75to25(Bounded state, Cursor cursor) {
    int i = cursor.next();
    Integer key = state.keys.at(i);
    if ((i & 3) == 0) {
      state.cache.put(key, key);
      return key;
    }
    return state.cache.get(key);
  }

  @State(Scope.Benchmark)
  public static class Full {
    @Param({Providers.KAMACACHE, Providers.CAFFEINE, Providers.EHCACHE, Providers.HAZELCAST, Providers.CACHE2K})
    public String provider;

    CacheUnderTest<Integer> cache;
    final AtomicInteger nextKey = new AtomicInteger(FULL_CAPACITY);

    @Setup(Level.Trial)
    public void setUp() {
      cache = Providers.create(provider, Providers.Spec.bounded(FULL_CAPACITY), Integer.class);
      for (int key = 0; key < FULL_CAPACITY; key++) {
        cache.put(key, key);
      }
    }

    /** The bound must hold after every iteration of puts, each of which evicted one entry. */
    @TearDown(Level.Iteration)
    public void checkBound() {
      Checks.recordBound(provider, cache.size(), FULL_CAPACITY);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
    }
  }

  @Benchmark
  @Threads(1)
  public void putAtCapacity(Full state) {
    int key = state.nextKey.getAndIncrement();
    state.cache.put(key, key);
  }

  @State(Scope.Benchmark)
  public static class Defaults {
    // Not cache2k: a plain MutableConfiguration there keeps about 1,800 entries (its default bound), so
    // Checks refuses to time its misses; its numbers come from the scenarios bounded through its builder.
    @Param({Providers.KAMACACHE, Providers.CAFFEINE, Providers.EHCACHE, Providers.HAZELCAST, Providers.CHM})
    public String provider;

    CacheUnderTest<Profile> cache;
    ZipfKeys keys;
    Profile[] values;

    @Setup(Level.Trial)
    public void setUp() {
      cache = Providers.create(provider, Providers.Spec.defaults(), Profile.class);
      values = new Profile[DEFAULT_KEYS];
      for (int key = 0; key < DEFAULT_KEYS; key++) {
        values[key] = new Profile(key);
        cache.put(key, values[key]);
      }
      Checks.allPresent(provider, cache, DEFAULT_KEYS);
      keys = new ZipfKeys(DEFAULT_KEYS, 0.99, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
    }
  }

  /** Store-by-value, the JSR-107 default: every get hands out a copy of a mutable value. */
  @Benchmark
  @Threads(1)
  public Profile defaultProfileGet(Defaults state, Cursor cursor) {
    return state.cache.get(state.keys.at(cursor.next()));
  }

  @Benchmark
  @Threads(1)
  public void defaultProfilePut(Defaults state, Cursor cursor) {
    Integer key = state.keys.at(cursor.next());
    state.cache.put(key, state.values[key]);
  }
}
