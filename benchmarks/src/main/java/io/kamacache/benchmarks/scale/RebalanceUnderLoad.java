package io.kamacache.benchmarks.scale;

import io.kamacache.cluster.ClusterNode;
import io.kamacache.cluster.HashRing;
import io.kamacache.codec.WireCodec;
import io.kamacache.jcache.KamaConfiguration;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheException;

/**
 * A member joins a loaded cluster while readers read: two member JVMs hold {@code entries} String
 * keys to byte arrays with one synchronous backup, four threads of this JVM (a client, so that it
 * owns nothing and does no rebalancing itself) make synchronous gets of random keys, and a third
 * member JVM starts. It prints when each step happened, how long the entries took to move and at
 * what rate, the read latency before, during and after, and whether every key still reads its
 * value afterwards.
 *
 * <p>Rebalancing is over when the newcomer owns exactly the keys the new ring gives it, the three
 * members together own each key once, a read of a key the newcomer gained has been answered (it
 * serves them only once its view has settled), the sweep after the join has sent backup copies, and
 * for {@link #QUIET} after that read and the last copy, whichever came later, no member has been sent
 * one (the sweep copies every owned entry to its backups again, and nothing else sends backups while
 * only reads run).
 *
 * <pre>java -Xmx3g -cp benchmarks/target/benchmarks.jar io.kamacache.benchmarks.scale.RebalanceUnderLoad [entries] [value-bytes] [seconds-per-phase]</pre>
 *
 * The member JVMs' heap is {@code -Dscale.member.heap} (default 2g).
 */
public final class RebalanceUnderLoad {

  static final String CACHE = "rebalance";
  static final String NEWCOMER = "member-3";
  /** Entries per putAll when loading, as in the remote benchmark. */
  static final int BATCH = 500;
  static final int READERS = 4;
  /** How often the members' figures are read: each scrape renders every meter of three members. */
  static final Duration POLL = Duration.ofSeconds(1);
  /** No backup copies sent for this long means the sweeps are over; a sweep that failed retries after 1 s. */
  static final Duration QUIET = Duration.ofSeconds(3);
  static final Duration TIMEOUT = Duration.ofMinutes(10);

  /** What a run found; times are nanoseconds since the readers started. */
  public record Result(int entries, int expectedOnNewcomer, double loadSeconds, long launched, long serving,
      long ringSeen, long firstMoved, long owned, long newcomerServes, long backupsQuiet, boolean settled, long end,
      long moved, long backupCalls, long notOwnerRetries, Reads.Window before, Reads.Window starting, Reads.Window moving,
      Reads.Window backingUp, Reads.Window after, int missing, int wrong, int unreadable, String firstError) {

    double movedPerSecond() {
      long from = Math.min(serving, ringSeen);
      return owned > from ? moved * 1e9 / (owned - from) : Double.NaN;
    }
  }

  private RebalanceUnderLoad() {}

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    String heap = System.getProperty("scale.member.heap", "2g");
    Result result = run(entries, valueBytes, Duration.ofSeconds(seconds), heap, System.out);
    print(result, valueBytes, System.out);
  }

  static String key(int i) {
    return "key-" + i;
  }

  /** The value of key i: its bytes depend on i, so a value read under the wrong key shows. */
  static byte[] value(int i, int size) {
    byte[] value = new byte[size];
    for (int j = 0; j < size; j++) {
      value[j] = (byte) (i * 31 + j);
    }
    return value;
  }

  static boolean matches(byte[] value, int i, int size) {
    if (value == null || value.length != size) {
      return false;
    }
    for (int j = 0; j < size; j++) {
      if (value[j] != (byte) (i * 31 + j)) {
        return false;
      }
    }
    return true;
  }

  /** Runs the measurement, telling {@code log} each step as it happens. */
  public static Result run(int entries, int valueBytes, Duration phase, String memberHeap, PrintStream log)
      throws Exception {
    try (LocalCluster cluster = new LocalCluster(List.of("-Xmx" + memberHeap))) {
      cluster.startMembers("member-1", "member-2");
      cluster.awaitRing(2, Duration.ofSeconds(30));
      Cache<String, byte[]> cache = cluster.client().createCache(CACHE,
          new KamaConfiguration<String, byte[]>().setBackups(1).setTypes(String.class, byte[].class));
      long loadStart = System.nanoTime();
      load(cache, entries, valueBytes);
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      log.printf(Locale.ROOT, "loaded %,d entries in %.1f s%n", entries, loadSeconds);
      boolean[] moves = ownedBy(NEWCOMER, entries, cluster.clientNode().codec());
      int expected = 0;
      for (boolean m : moves) {
        expected += m ? 1 : 0;
      }
      ClusterNode client = cluster.clientNode();

      long t0 = System.nanoTime();
      Reads[] reads = new Reads[READERS];
      List<Thread> readers = new ArrayList<>();
      AtomicReference<String> firstError = new AtomicReference<>();
      // When the client first saw the newcomer (Long.MAX_VALUE until then), and when a read sent after
      // that got an answer for a key the newcomer gained: it serves them only once its view has settled.
      AtomicLong ringSeenAt = new AtomicLong(Long.MAX_VALUE);
      AtomicLong newcomerAnswered = new AtomicLong(Long.MAX_VALUE);
      AtomicBoolean stop = new AtomicBoolean();
      for (int r = 0; r < READERS; r++) {
        Reads mine = reads[r] = new Reads();
        SplittableRandom random = new SplittableRandom(r);
        Thread reader = new Thread(() -> {
          while (!stop.get()) {
            int i = random.nextInt(entries);
            long start = System.nanoTime();
            boolean ok;
            try {
              ok = matches(cache.get(key(i)), i, valueBytes);
            } catch (RuntimeException e) {
              ok = false;
              firstError.compareAndSet(null, e.toString());
            }
            long startedAt = start - t0;
            mine.record(startedAt, System.nanoTime() - start, !ok);
            if (ok && moves[i] && startedAt > ringSeenAt.get()) {
              newcomerAnswered.accumulateAndGet(startedAt, Math::min);
            }
          }
        }, "reader-" + r);
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
      }
      // Warm-up: the readers' first seconds (class loading, JIT, streams opening) are not counted.
      Thread.sleep(phase.toMillis());
      long beforeFrom = System.nanoTime() - t0;
      Thread.sleep(phase.toMillis());
      Totals baseline = totals(cluster);
      long retriesBefore = client.mxbean().getNotOwnerRetries();

      long launched = System.nanoTime() - t0;
      log.println("starting " + NEWCOMER);
      cluster.startMember(NEWCOMER);
      long serving = System.nanoTime() - t0;
      long ringSeen = -1;
      long firstMoved = -1;
      long owned = -1;
      long lastBackup = launched;
      long lastBackupCalls = baseline.backupCalls;
      boolean settled = false;
      Totals now = baseline;
      while (true) {
        Thread.sleep(POLL.toMillis());
        long at = System.nanoTime() - t0;
        if (ringSeen < 0 && client.ring().members().containsKey(NEWCOMER)) {
          ringSeen = at;
          ringSeenAt.set(at);
        }
        try {
          now = totals(cluster);
        } catch (IOException e) {
          continue; // a member busy moving entries may answer late: ask again at the next poll
        }
        if (firstMoved < 0 && now.moved > baseline.moved) {
          firstMoved = at;
        }
        if (now.backupCalls != lastBackupCalls) {
          lastBackupCalls = now.backupCalls;
          lastBackup = at;
        }
        if (owned < 0 && now.newcomerOwned == expected && now.owned == entries) {
          owned = at;
          log.printf(Locale.ROOT, "%s owns its %,d entries after %.1f s%n", NEWCOMER, expected, (at - launched) / 1e9);
        }
        long serves = newcomerAnswered.get();
        // Done: the newcomer owns its share and serves it, the sweeps have sent backups, and none for a while.
        // Handovers go in batches, so every backup call may come before the first served read: the quiet time
        // counts from whichever came last.
        if (owned >= 0 && serves != Long.MAX_VALUE && lastBackupCalls != baseline.backupCalls
            && at - Math.max(lastBackup, serves) >= QUIET.toNanos()) {
          settled = true;
          break;
        }
        if (at - launched > TIMEOUT.toNanos()) {
          log.printf(Locale.ROOT, "rebalancing did not end within %s: %s owns %,d of %,d, the members %,d of %,d,"
              + " it served %s%n", TIMEOUT, NEWCOMER, now.newcomerOwned, expected, now.owned, entries,
              serves == Long.MAX_VALUE ? "none of them" : "them");
          break;
        }
      }
      long newcomerServes = newcomerAnswered.get() == Long.MAX_VALUE ? -1 : newcomerAnswered.get();
      long backupsQuiet = Math.max(owned, lastBackup);
      long retries = client.mxbean().getNotOwnerRetries() - retriesBefore;
      Thread.sleep(phase.toMillis());
      long end = System.nanoTime() - t0;
      stop.set(true);
      for (Thread reader : readers) {
        reader.join();
      }
      int[] check = verify(cache, entries, valueBytes);
      long served = newcomerServes < 0 ? end : newcomerServes;
      long quietFrom = Math.max(served, backupsQuiet);
      return new Result(entries, expected, loadSeconds, launched, serving, ringSeen, firstMoved, owned, newcomerServes,
          backupsQuiet, settled, end, now.moved - baseline.moved, now.backupCalls - baseline.backupCalls, retries,
          Reads.window(reads, beforeFrom, launched), Reads.window(reads, launched, serving),
          Reads.window(reads, serving, served), Reads.window(reads, served, quietFrom),
          Reads.window(reads, quietFrom, end), check[0], check[1], check[2], firstError.get());
    }
  }

  private static void load(Cache<String, byte[]> cache, int entries, int valueBytes) {
    Map<String, byte[]> batch = new HashMap<>();
    for (int i = 0; i < entries; i++) {
      batch.put(key(i), value(i, valueBytes));
      if (batch.size() == BATCH || i == entries - 1) {
        cache.putAll(batch);
        batch = new HashMap<>();
      }
    }
  }

  /** Which keys {@code member} owns once the newcomer has joined, on the ring the members build. */
  private static boolean[] ownedBy(String member, int entries, WireCodec codec) {
    List<HashRing.Member> members = new ArrayList<>();
    for (String id : List.of("member-1", "member-2", NEWCOMER)) {
      members.add(new HashRing.Member(id, "unused:0"));
    }
    HashRing ring = new HashRing(0, members, LocalCluster.VIRTUAL_NODES);
    boolean[] owned = new boolean[entries];
    for (int i = 0; i < entries; i++) {
      owned[i] = ring.owner(codec.encode(key(i))).id().equals(member);
    }
    return owned;
  }

  /** {missing, wrong, unreadable}: every key read back with getAll, in batches; a batch that fails is unreadable. */
  private static int[] verify(Cache<String, byte[]> cache, int entries, int valueBytes) {
    int missing = 0;
    int wrong = 0;
    int unreadable = 0;
    for (int from = 0; from < entries; from += BATCH) {
      Set<String> keys = new HashSet<>();
      for (int i = from; i < Math.min(entries, from + BATCH); i++) {
        keys.add(key(i));
      }
      Map<String, byte[]> found;
      try {
        found = cache.getAll(keys);
      } catch (CacheException e) {
        unreadable += keys.size();
        continue;
      }
      for (int i = from; i < Math.min(entries, from + BATCH); i++) {
        byte[] value = found.get(key(i));
        if (value == null) {
          missing++;
        } else if (!matches(value, i, valueBytes)) {
          wrong++;
        }
      }
    }
    return new int[] {missing, wrong, unreadable};
  }

  /** The members' figures summed: entries owned, entries handed over, backup calls served. */
  private record Totals(long owned, long newcomerOwned, long moved, long backupCalls) {}

  private static Totals totals(LocalCluster cluster) throws IOException, InterruptedException {
    long owned = 0;
    long newcomer = 0;
    long moved = 0;
    long backups = 0;
    for (String member : cluster.memberIds()) {
      LocalCluster.Metrics metrics = cluster.metrics(member);
      long size = (long) metrics.sum("cache_size", "cache=\"" + CACHE + "\"");
      owned += size;
      newcomer += member.equals(NEWCOMER) ? size : 0;
      moved += (long) metrics.sum("kamacache_cluster_moved_entries_total");
      backups += (long) metrics.sum("kamacache_cluster_calls_served_total", "method=\"Backup\"");
    }
    return new Totals(owned, newcomer, moved, backups);
  }

  static void print(Result r, int valueBytes, PrintStream out) {
    out.printf(Locale.ROOT, "%n%,d String keys to %d-byte values, one synchronous backup; %d reader threads"
        + " making synchronous gets from a client JVM; loaded with putAll in batches of %d in %.1f s%n%n",
        r.entries(), valueBytes, READERS, BATCH, r.loadSeconds());
    out.println("| event | seconds after the 3rd member's JVM was launched |");
    out.println("|---|---:|");
    row(out, "the 3rd member serves (its JVM started, registered)", r.serving() - r.launched());
    row(out, "the client's view shows it", r.ringSeen() - r.launched());
    row(out, "the old members report their first entries handed over", r.firstMoved() - r.launched());
    row(out, String.format(Locale.ROOT, "it owns its share (%,d entries) and each key has one owner",
        r.expectedOnNewcomer()), r.owned() - r.launched());
    row(out, "a read of a key it gained is answered (its view settled)", r.newcomerServes() - r.launched());
    row(out, "the last backup copy was sent (sweeps over)", r.backupsQuiet() - r.launched());
    out.printf(Locale.ROOT, "%nentries handed over: %,d, %,.0f per second (from the newcomer serving or being seen,"
        + " whichever came first, to its owning its share); backup calls during the sweeps: %,d;"
        + " the client's NOT_OWNER retries: %,d%n%n", r.moved(), r.movedPerSecond(), r.backupCalls(),
        r.notOwnerRetries());
    out.println("| window | seconds | reads | reads/s | p50 µs | p99 µs | p99.9 µs | max µs | failed |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    window(out, "before", r.before());
    window(out, "3rd member's JVM starting", r.starting());
    window(out, "entries moving to it, until it serves them", r.moving());
    window(out, "backups copied again", r.backingUp());
    window(out, "after", r.after());
    out.printf(Locale.ROOT, "%nafter: %,d of %,d keys missing, %,d with a wrong value, %,d unreadable (their getAll"
        + " failed)%s%n", r.missing(), r.entries(), r.wrong(), r.unreadable(),
        r.firstError() == null ? "" : "; first failed read: " + r.firstError());
  }

  private static void row(PrintStream out, String event, long nanos) {
    out.printf(Locale.ROOT, "| %s | %.1f |%n", event, nanos / 1e9);
  }

  private static void window(PrintStream out, String name, Reads.Window w) {
    out.printf(Locale.ROOT, "| %s | %.1f | %,d | %,.0f | %.0f | %.0f | %.0f | %.0f | %,d |%n", name, w.nanos() / 1e9,
        w.reads(), w.perSecond(), w.micros(0.5), w.micros(0.99), w.micros(0.999), w.maxMicros(), w.failures());
  }
}
