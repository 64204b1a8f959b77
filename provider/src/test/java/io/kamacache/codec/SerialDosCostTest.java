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
  private final WireCodec unlimited = new WireCodec(List.of(), WireCodec.MAX_MAX_DEPTH, WireCodec.DEFAULT_MAX_BYTES);

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

  @Test
  void printHashBombsWithinTheDefaultLimits() {
    WireCodec defaults = new WireCodec(List.of());
    for (int[] widthAndLevels : new int[][] {{4, 12}, {6, 10}}) {
      byte[] value = defaults.encode(HostilePayloads.wideHashBomb(widthAndLevels[1], widthAndLevels[0]));
      long start = System.nanoTime();
      defaults.decode(value, LOADER);
      System.out.printf("width %d, %d levels, %d bytes: decoded with the default limits in %.0f ms%n",
          widthAndLevels[0], widthAndLevels[1], value.length, (System.nanoTime() - start) / 1e6);
    }
    for (int keys : new int[] {10_000, 30_000}) {
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
    }).decode(Arrays.copyOfRange(value, 1, value.length), LOADER);
    return max[0];
  }
}
