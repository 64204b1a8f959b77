package io.kamacache.benchmarks.remote;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * Remote gets and puts through a four-member topology on loopback: latency percentiles from one
 * caller, and throughput with 8 and 32 calls in flight. Warm-up is long because JIT warm-up
 * doubles remote latency for the first several thousand calls.
 */
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 5)
public class RemoteBenchmark {

  @State(Scope.Benchmark)
  public static class Cluster {
    @Param({Topology.KAMACACHE, Topology.HAZELCAST, Topology.GRPC_ECHO})
    public String system;

    Topology topology;

    @Setup(Level.Trial)
    public void start() throws Exception {
      topology = Topology.start(system);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      topology.close();
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int index = ThreadLocalRandom.current().nextInt(1 << 20);

    String next(Topology topology) {
      String[] keys = topology.remoteKeys;
      return keys[(index++ & Integer.MAX_VALUE) % keys.length];
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public String remoteGetLatency(Cluster cluster, Cursor cursor) {
    return cluster.topology.get(cursor.next(cluster.topology));
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public void remotePutLatency(Cluster cluster, Cursor cursor) {
    cluster.topology.put(cursor.next(cluster.topology), Topology.VALUE);
  }

  /** 8 application threads, each making one synchronous get after another. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public String remoteGetThroughput8Threads(Cluster cluster, Cursor cursor) {
    return cluster.topology.get(cursor.next(cluster.topology));
  }

  /** 32 application threads, each making one synchronous get after another. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(32)
  public String remoteGetThroughput32Threads(Cluster cluster, Cursor cursor) {
    return cluster.topology.get(cursor.next(cluster.topology));
  }

  /** Keys loaded afresh in each iteration of {@link #loadWithPutAll}, removed after it. */
  @State(Scope.Benchmark)
  public static class Load {
    final List<String> keys = new ArrayList<>();
    int round;

    @Setup(Level.Iteration)
    public void newKeys() {
      keys.clear();
      round++;
      for (int i = 0; i < Topology.KEYS; i++) {
        keys.add("load-" + round + "-" + i);
      }
    }

    @TearDown(Level.Iteration)
    public void removeThem(Cluster cluster) {
      for (int from = 0; from < keys.size(); from += Topology.BATCH) {
        cluster.topology.removeAll(new HashSet<>(keys.subList(from, Math.min(keys.size(), from + Topology.BATCH))));
      }
    }
  }

  /** Loads 100,000 new entries from one thread with putAll in batches of 500: the time of the whole load. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Threads(1)
  public void loadWithPutAll(Cluster cluster, Load load) {
    cluster.topology.load(load.keys);
  }
}
