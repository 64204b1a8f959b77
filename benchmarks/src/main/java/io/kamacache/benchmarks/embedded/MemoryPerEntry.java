package io.kamacache.benchmarks.embedded;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Heap bytes per entry of one provider's cache, by reference and bounded well above what it holds:
 * the heap in use after a full collection, in the empty cache and after putting the entries, divided by their
 * number. The keys and values exist before the first measurement, so they are not counted. Run one
 * provider per JVM, so that nothing another left behind is counted:
 *
 * <p>Prints: provider, kind, entries, entries held, bytes per entry, and bytes per entry with the
 * empty cache counted.
 *
 * <pre>java -cp benchmarks.jar io.kamacache.benchmarks.embedded.MemoryPerEntry PROVIDER [entries] [int|bytes100]</pre>
 */
public final class MemoryPerEntry {

  private MemoryPerEntry() {}

  public static void main(String[] args) throws InterruptedException {
    String provider = args[0];
    int entries = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    boolean bytes = args.length > 2 && args[2].equals("bytes100");
    // Keys and values are made before the first measurement, so only what the cache adds is counted.
    Object[] values = new Object[entries];
    Integer[] keys = new Integer[entries];
    for (int i = 0; i < entries; i++) {
      keys[i] = i;
      values[i] = bytes ? new byte[100] : Integer.valueOf(i);
    }
    long beforeCache = usedAfterGc();
    // The empty cache apart: what it costs before any entry (tables sized for the bound, say) is shown on its own.
    CacheUnderTest<Object> cache = Providers.create(provider, Providers.Spec.bounded(2L * entries), Object.class);
    long before = usedAfterGc();
    for (int i = 0; i < entries; i++) {
      cache.put(keys[i], values[i]);
    }
    long after = usedAfterGc();
    long held = cache.size();
    System.out.printf(Locale.ROOT, "%s,%s,%d,%d,%.1f,%.1f%n", provider, bytes ? "Integer->byte[100]" : "Integer->Integer",
        entries, held, (after - before) / (double) entries, (after - beforeCache) / (double) entries);
    cache.close();
    // Keeps the keys and values reachable until after the measurement, so they are not counted.
    if (keys.length + values.length < 0) {
      System.out.println(keys[0] + " " + values[0]);
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // Several collections: the first may leave objects that finalization or reference queues free later.
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
