package io.kamacache.codec;

import java.io.ObjectInputFilter;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a unit test: measures, on this machine and with no depth limit, what hash bombs cost to
 * decode at each nesting level, and how deep the filter sees real values nest, to choose
 * {@link WireCodec#DEFAULT_MAX_DEPTH}; and what hash-based attacks that stay within the default
 * limits still cost. Run with
 * {@code -Dtest=SerialDosCostTest -Dkamacache.measure=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "kamacache.measure", matches = "true")
class SerialDosCostTest {

  private static final ClassLoader LOADER = SerialDosCostTest.class.getClassLoader();
  // ConcurrentHashMap's serial form holds ReentrantLocks, which the default allow-list leaves out.
  private final WireCodec unlimited = new WireCodec(List.of("java.util.concurrent.locks.*"), WireCodec.MAX_MAX_DEPTH,
      WireCodec.DEFAULT_MAX_BYTES, WireCodec.MAX_MAX_HASH_WORK);
  private static final DecodeLimits UNCAPPED = new DecodeLimits(WireCodec.MAX_MAX_DEPTH, WireCodec.MAX_REFERENCES,
      WireCodec.DEFAULT_MAX_BYTES, null, WireCodec.MAX_MAX_HASH_WORK, null);

  @Test
  void printSerialDosCostPerLevel() {
    warmUp();
    System.out.println("SerialDOS: levels | bytes | deepest filter depth | decode ms (best of 3)");
    for (int levels = 10; levels <= 24; levels++) {
      print(levels, HostilePayloads.serialDosValue(levels));
    }
  }

  @Test
  void printWideHashBombCostPerLevel() {
    warmUp();
    for (int width = 3; width <= 4; width++) {
      System.out.println("width " + width + ": levels | bytes | deepest filter depth | decode ms (best of 3)");
      for (int levels = 6; levels <= (width == 3 ? 14 : 11); levels++) {
        print(levels, new WireCodec(List.of()).encode(HostilePayloads.wideHashBomb(levels, width)));
      }
    }
  }

  /**
   * What decoding costs per unit of hash work, as StreamScan counts it, for hash bombs of each
   * width: the default {@link WireCodec#DEFAULT_MAX_HASH_WORK} is chosen from it.
   */
  @Test
  void printDecodeCostPerUnitOfHashWork() {
    warmUp();
    System.out.println("width | levels | bytes | hash work | decode ms (best of 3) | ns per unit");
    for (int[] widthAndLevels : new int[][] {{2, 16}, {2, 18}, {2, 20}, {3, 11}, {3, 13}, {4, 9}, {4, 10}, {4, 11},
        {6, 7}, {6, 8}, {8, 7}, {16, 5}}) {
      byte[] value = new WireCodec(List.of()).encode(HostilePayloads.wideHashBomb(widthAndLevels[1], widthAndLevels[0]));
      long work = hashWork(value);
      long best = Long.MAX_VALUE;
      for (int run = 0; run < 3; run++) {
        long start = System.nanoTime();
        unlimited.decode(value, LOADER);
        best = Math.min(best, System.nanoTime() - start);
      }
      System.out.printf("%d | %d | %d | %d | %.1f | %.1f%n", widthAndLevels[0], widthAndLevels[1], value.length, work,
          best / 1e6, (double) best / work);
    }
    // Hashing a primitive array's contents, as a class's hashCode may: nanoseconds per element.
    byte[] bytes = new byte[1 << 20];
    long[] longs = new long[1 << 17];
    int sink = 0;
    for (int warm = 0; warm < 200; warm++) {
      sink += Arrays.hashCode(bytes) + Arrays.hashCode(longs);
    }
    long start = System.nanoTime();
    for (int run = 0; run < 100; run++) {
      sink += Arrays.hashCode(bytes);
    }
    double perByte = (System.nanoTime() - start) / 100.0 / bytes.length;
    start = System.nanoTime();
    for (int run = 0; run < 100; run++) {
      sink += Arrays.hashCode(longs);
    }
    double perLong = (System.nanoTime() - start) / 100.0 / longs.length;
    System.out.printf("Arrays.hashCode: %.2f ns per byte[] element, %.2f ns per long[] element (%d)%n", perByte, perLong,
        sink & 1);
  }

  /**
   * That each container StreamScan counts as a hash collection costs as much per unit as
   * HashSet does, and that ArrayList, which it does not count, costs nothing.
   */
  @Test
  void printDecodeCostOfEachHashCollection() {
    warmUp();
    // Twice: the second pass runs with every container's hashCode seen, as a server's would be.
    for (int pass = 1; pass <= 2; pass++) {
    System.out.println("pass " + pass + ": container | bytes | hash work | decode ms (best of 3), 4 wide, 9 levels | ns per unit");
    for (var container : HostilePayloads.containers().entrySet()) {
      byte[] value = new WireCodec(List.of()).encode(HostilePayloads.hashBomb(9, 4, container.getValue()));
      long best = Long.MAX_VALUE;
      for (int run = 0; run < 3; run++) {
        long start = System.nanoTime();
        unlimited.decode(value, LOADER);
        best = Math.min(best, System.nanoTime() - start);
      }
      System.out.printf("%s | %d | %d | %.1f | %.1f%n", container.getKey(), value.length, hashWork(value), best / 1e6,
          (double) best / hashWork(value));
    }
    }
    // And HashSet bombs again, after all of that.
    for (int run = 0; run < 2; run++) {
      byte[] value = new WireCodec(List.of()).encode(HostilePayloads.wideHashBomb(10, 4));
      long start = System.nanoTime();
      unlimited.decode(value, LOADER);
      long took = System.nanoTime() - start;
      System.out.printf("HashSet 4 wide, 10 levels, after the others: %.1f ms, %.1f ns per unit%n", took / 1e6,
          (double) took / hashWork(value));
    }
  }

  /** The hash work of real values, and what the scan costs on them. */
  @Test
  void printHashWorkAndScanCostOfRealValues() {
    WireCodec codec = new WireCodec(List.of());
    java.util.Map<String, Supplier<Object>> values = new java.util.LinkedHashMap<>();
    values.put("customer", LegitGraphs::customer);
    values.put("hibernate entry", LegitGraphs::hibernateEntry);
    values.put("document of 9 levels", () -> LegitGraphs.document(9));
    values.put("catalogue of shared products", () -> LegitGraphs.catalogue(200));
    values.put("hash set of 50,000 strings", () -> LegitGraphs.stringSet(50_000));
    values.put("hash map of 49,000 string keys", () -> LegitGraphs.stringKeys(49_000));
    values.put("set of 2,000 lines sharing products", () -> LegitGraphs.lineSet(2_000));
    values.put("attachment of 1 MiB", () -> LegitGraphs.attachment(1 << 20));
    values.put("typical 1 KB value", LegitGraphs::typicalValue);
    System.out.println("value | bytes | hash work | scan us (best of 200) | decode us (best of 200)");
    for (java.util.Map.Entry<String, Supplier<Object>> entry : values.entrySet()) {
      byte[] value = codec.encode(entry.getValue().get());
      long scan = Long.MAX_VALUE;
      long decode = Long.MAX_VALUE;
      for (int run = 0; run < 200; run++) {
        long start = System.nanoTime();
        hashWork(value);
        long scanned = System.nanoTime();
        codec.decode(value, LOADER);
        scan = Math.min(scan, scanned - start);
        decode = Math.min(decode, System.nanoTime() - scanned);
      }
      System.out.printf("%s | %d | %d | %.1f | %.1f%n", entry.getKey(), value.length, hashWork(value), scan / 1e3,
          decode / 1e3);
    }
  }

  /** The hash work StreamScan counts in a WireCodec value, with no budget. */
  static long hashWork(byte[] value) {
    return StreamScan.hashWork(value, 1, value.length - 1, UNCAPPED);
  }

  @Test
  void printHashBombsWithinTheDefaultLimits() {
    WireCodec defaults = new WireCodec(List.of());
    for (int[] widthAndLevels : new int[][] {{2, 19}, {4, 12}, {4, 13}, {6, 10}, {16, 6}}) {
      byte[] value = defaults.encode(HostilePayloads.wideHashBomb(widthAndLevels[1], widthAndLevels[0]));
      String outcome = "decoded";
      long best = Long.MAX_VALUE;
      for (int run = 0; run < 20; run++) {
        long start = System.nanoTime();
        try {
          defaults.decode(value, LOADER);
        } catch (CodecException refused) {
          outcome = "refused";
        }
        best = Math.min(best, System.nanoTime() - start);
      }
      System.out.printf("width %d, %d levels, %d bytes, hash work %d: %s with the default limits in %.3f ms (best of 20)%n",
          widthAndLevels[0], widthAndLevels[1], value.length, hashWork(value), outcome, best / 1e6);
    }
    for (int keys : new int[] {10_000}) {
      // Distinct lists [x, -31x], all with the hash code 961: each insert compares with the others.
      java.util.Set<Object> set = new java.util.HashSet<>();
      for (int x = 0; x < keys; x++) {
        set.add(List.of(x, -31 * x));
      }
      byte[] value = defaults.encode(set);
      long start = System.nanoTime();
      defaults.decode(value, LOADER);
      System.out.printf("%d keys with one hash code, %d bytes: decoded with the default limits in %.0f ms%n",
          keys, value.length, (System.nanoTime() - start) / 1e6);
    }
  }

  @Test
  void printDepthOfRealValues() {
    print("customer", () -> LegitGraphs.customer());
    print("hibernate entry", () -> LegitGraphs.hibernateEntry());
    print("lambda", () -> LegitGraphs.lambda("!"));
    print("document of 5 levels", () -> LegitGraphs.document(5));
    print("cache definition", () -> new io.kamacache.jcache.KamaConfiguration<String, Object>()
        .setExpiryPolicyFactory(javax.cache.expiry.CreatedExpiryPolicy.factoryOf(javax.cache.expiry.Duration.ONE_HOUR))
        .setTypes(String.class, Object.class));
  }

  private void print(String name, Supplier<Object> value) {
    byte[] bytes = new WireCodec(List.of()).encode(value.get());
    System.out.printf("%s: %d bytes, deepest filter depth %d%n", name, bytes.length, deepest(bytes));
  }

  private void warmUp() {
    for (int warm = 0; warm < 3; warm++) {
      unlimited.decode(HostilePayloads.serialDosValue(12), LOADER);
    }
  }

  private void print(int levels, byte[] value) {
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      long start = System.nanoTime();
      unlimited.decode(value, LOADER);
      best = Math.min(best, System.nanoTime() - start);
    }
    System.out.printf("%d | %d | %d | %.1f%n", levels, value.length, deepest(value), best / 1e6);
  }

  /** The deepest nesting the deserialization filter sees in {@code value}; decodes it with no limits. */
  static long deepest(byte[] value) {
    long[] max = {0};
    new JavaSerializationCodec(info -> {
      max[0] = Math.max(max[0], info.depth());
      return ObjectInputFilter.Status.ALLOWED;
    }, null, null).decode(Arrays.copyOfRange(value, 1, value.length), LOADER);
    return max[0];
  }
}
