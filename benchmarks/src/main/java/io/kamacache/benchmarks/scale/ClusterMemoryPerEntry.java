package io.kamacache.benchmarks.scale;

import io.kamacache.jcache.KamaConfiguration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.cache.Cache;

/**
 * Heap bytes per entry in cluster mode with one backup: two member JVMs, loaded from this JVM as a
 * client, each holding about half the entries as their owner and the other half as backups. Each
 * member's live heap is read from a class histogram ({@code jcmd PID GC.class_histogram}, which
 * collects first) before the cache exists, with it empty, and after the puts.
 *
 * <p>Unlike the embedded {@code MemoryPerEntry}, every key and value here arrived over the network,
 * so the members hold their own key and value objects and those are counted; the growth of the
 * classes they are made of ({@code Integer}, or {@code String} and {@code byte[]}) is printed
 * beside, so that what the cache adds can be told apart.
 *
 * <p>Prints, for each kind: entries, bytes per copy (owned or backup), bytes per entry (both its
 * copies), the key and value objects' own bytes, and per copy what the cache adds to them; then the
 * classes whose bytes grew most.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.kamacache.benchmarks.scale.ClusterMemoryPerEntry [entries] [int|bytes100]</pre>
 */
public final class ClusterMemoryPerEntry {

  static final int BATCH = 500;

  /** One kind's figures. */
  public record Result(String kind, int entries, long ownedAfter, long emptyCache, long loaded, double payloadPerCopy,
      Map<String, Long> grownClasses) {

    /** Bytes per copy, owned or backup: there are two copies of each entry. */
    double perCopy() {
      return loaded / (2.0 * entries);
    }

    double perEntry() {
      return loaded / (double) entries;
    }
  }

  private ClusterMemoryPerEntry() {}

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    List<String> kinds = args.length > 1 ? List.of(args[1]) : List.of("int", "bytes100");
    String heap = System.getProperty("scale.member.heap", "2g");
    List<Result> results = new ArrayList<>();
    for (String kind : kinds) {
      results.add(run(entries, kind.equals("bytes100"), heap));
    }
    System.out.println();
    System.out.println("| kind | entries | owned (sum of both members) | bytes per copy | bytes per entry (2 copies)"
        + " | key and value objects per copy | cache's own bytes per copy | empty cache, both members |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %,d |%n", r.kind(), r.entries(),
          r.ownedAfter(), r.perCopy(), r.perEntry(), r.payloadPerCopy(), r.perCopy() - r.payloadPerCopy(),
          r.emptyCache());
    }
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%n%s: bytes per copy by class (both members, loaded minus empty)%n", r.kind());
      r.grownClasses().forEach((name, bytes) -> System.out.printf(Locale.ROOT, "  %-60s %8.1f%n", name,
          bytes / (2.0 * r.entries())));
    }
  }

  static Object key(int i, boolean bytes) {
    return bytes ? "key-" + i : Integer.valueOf(i);
  }

  static Object value(int i, boolean bytes) {
    return bytes ? new byte[100] : Integer.valueOf(i);
  }

  /** Measures one kind in a cluster of its own, so that nothing from the other kind is counted. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Result run(int entries, boolean bytes, String memberHeap) throws Exception {
    String kind = bytes ? "String->byte[100]" : "Integer->Integer";
    try (LocalCluster cluster = new LocalCluster(List.of("-Xmx" + memberHeap))) {
      cluster.startMembers("member-1", "member-2");
      cluster.awaitRing(2, Duration.ofSeconds(30));
      // The members' own start-up (sweeps, etcd watches, thread pools) is over before the first reading.
      Thread.sleep(2_000);
      Map<String, long[]> none = histogram(cluster);
      // As the embedded figures: by reference, bounded at twice the entries through KamaCache's own setting.
      KamaConfiguration configuration = new KamaConfiguration<>().setCapacity(2L * entries).setBackups(1);
      configuration.setTypes(bytes ? String.class : Integer.class, bytes ? byte[].class : Integer.class)
          .setStoreByValue(false);
      Cache<Object, Object> cache = cluster.client().createCache("memory", configuration);
      // Warms the members' paths (and whatever buffers they keep) so the empty reading includes them.
      cache.put(key(-1, bytes), value(-1, bytes));
      cache.remove(key(-1, bytes));
      Map<String, long[]> empty = histogram(cluster);
      Map<Object, Object> batch = new HashMap<>();
      for (int i = 0; i < entries; i++) {
        batch.put(key(i, bytes), value(i, bytes));
        if (batch.size() == BATCH || i == entries - 1) {
          cache.putAll(batch);
          batch = new HashMap<>();
        }
      }
      Map<String, long[]> loaded = histogram(cluster);
      long owned = 0;
      for (String member : cluster.memberIds()) {
        cluster.metrics(member); // a member registers a new cache's meters when scraped, for the next scrape
        owned += (long) cluster.metrics(member).sum("cache_size", "cache=\"memory\"");
      }
      Map<String, Long> grown = new HashMap<>();
      loaded.forEach((name, v) -> grown.put(name, v[1] - empty.getOrDefault(name, new long[2])[1]));
      Map<String, Long> top = new LinkedHashMap<>();
      grown.entrySet().stream().filter(e -> !e.getKey().equals("Total"))
          .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
          .forEach(e -> top.put(e.getKey(), e.getValue()));
      // The classes the keys and values are made of: a String key is a String and its byte array.
      List<String> payloadClasses = bytes ? List.of("java.lang.String", "[B") : List.of("java.lang.Integer");
      long payload = payloadClasses.stream().mapToLong(name -> grown.getOrDefault(name, 0L)).sum();
      return new Result(kind, entries, owned, total(empty) - total(none), total(loaded) - total(empty),
          payload / (2.0 * entries), top);
    }
  }

  private static long total(Map<String, long[]> histogram) {
    return histogram.get("Total")[1];
  }

  /** Both members' live objects by class, {instances, bytes}, summed; "Total" holds the totals. */
  private static Map<String, long[]> histogram(LocalCluster cluster) throws IOException, InterruptedException {
    Map<String, long[]> sum = new HashMap<>();
    for (String member : cluster.memberIds()) {
      // Twice, the smaller total kept: the first collection may leave what reference processing frees later.
      Map<String, long[]> first = histogram(cluster.pid(member));
      Map<String, long[]> second = histogram(cluster.pid(member));
      Map<String, long[]> kept = first.get("Total")[1] < second.get("Total")[1] ? first : second;
      kept.forEach((name, v) -> sum.merge(name, v.clone(), (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}));
    }
    return sum;
  }

  private static Map<String, long[]> histogram(long pid) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process process = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true)
        .start();
    Map<String, long[]> classes = new HashMap<>();
    StringBuilder all = new StringBuilder();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        all.append(line).append('\n');
        String[] f = line.trim().split("\\s+");
        if (f.length >= 3 && f[0].equals("Total")) {
          classes.put("Total", new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        } else if (f.length >= 4 && f[0].endsWith(":")) {
          classes.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
              (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
      }
    }
    if (process.waitFor() != 0 || !classes.containsKey("Total")) {
      throw new IllegalStateException("jcmd " + pid + " GC.class_histogram failed:\n" + all);
    }
    return classes;
  }

}
