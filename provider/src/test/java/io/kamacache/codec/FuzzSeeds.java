package io.kamacache.codec;

import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the seed inputs of {@link WireCodecFuzzTest#decodeGivesAValueOrACodecException}: the
 * attacks of issue 12, hash bombs wider than SerialDOS, the other refusals, and one ordinary value
 * of each kind for the fuzzer to mutate. Run from the provider directory with the test class path:
 * {@code java -cp target/test-classes:target/classes:<dependencies> io.kamacache.codec.FuzzSeeds}.
 */
final class FuzzSeeds {

  private FuzzSeeds() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0]
        : "src/test/resources/io/kamacache/codec/WireCodecFuzzTestInputs/decodeGivesAValueOrACodecException");
    Files.createDirectories(dir);
    WireCodec codec = new WireCodec(List.of());
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("attack-serial-dos-26-levels", HostilePayloads.serialDosValue(26));
    seeds.put("attack-serial-dos-36-levels", HostilePayloads.serialDosValue(36));
    seeds.put("attack-hash-bomb-4-wide-12-levels", codec.encode(HostilePayloads.wideHashBomb(12, 4)));
    seeds.put("attack-hash-bomb-4-wide-13-levels", codec.encode(HostilePayloads.wideHashBomb(13, 4)));
    seeds.put("attack-hash-bomb-6-wide-10-levels", codec.encode(HostilePayloads.wideHashBomb(10, 6)));
    seeds.put("attack-hash-bomb-16-wide-6-levels", codec.encode(HostilePayloads.wideHashBomb(6, 16)));
    seeds.put("attack-long-array-max-header", HostilePayloads.longArrayHeader(Integer.MAX_VALUE - 8));
    seeds.put("attack-long-array-2pow25-header", HostilePayloads.longArrayHeader(1 << 25));
    seeds.put("attack-object-array-2pow28-header", HostilePayloads.objectArrayHeader(1 << 28));
    seeds.put("attack-nested-array-headers", HostilePayloads.nestedObjectArrays(600, 1000));
    List<Object> self = new ArrayList<>();
    Set<Object> set = new HashSet<>();
    set.add(self);
    self.add(self);
    seeds.put("refused-self-containing-list-in-set", codec.encode(set));
    seeds.put("refused-class-not-allowed", codec.encode(new com.acme.orders.Order("o-1", 1999)));
    seeds.put("refused-dynamic-proxy", codec.encode(Proxy.newProxyInstance(FuzzSeeds.class.getClassLoader(),
        new Class<?>[] {Runnable.class, Serializable.class}, (InvocationHandler & Serializable) (p, m, a) -> null)));
    seeds.put("refused-too-deep", codec.encode(WireCodecLimitsTest.nestedLists(WireCodec.DEFAULT_MAX_DEPTH + 1)));
    seeds.put("value-string", codec.encode("kamacache"));
    seeds.put("value-long", codec.encode(-42L));
    seeds.put("value-integer", codec.encode(42));
    seeds.put("value-bytes", codec.encode(new byte[] {0, 1, 2, (byte) 0xff}));
    seeds.put("value-boolean", codec.encode(true));
    seeds.put("value-double", codec.encode(Math.PI));
    seeds.put("value-uuid", codec.encode(new UUID(1, 2)));
    Map<Object, Object> map = new HashMap<>();
    map.put("k", List.of(1L, "two", 3.0));
    map.put(7, new java.math.BigDecimal("1.50"));
    seeds.put("value-hash-map", codec.encode(map));
    seeds.put("value-customer", codec.encode(LegitGraphs.customer()));
    seeds.put("value-hibernate-entry", codec.encode(LegitGraphs.hibernateEntry()));
    seeds.put("value-long-array", codec.encode(new long[] {1, 2, 3}));
    for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
      Files.write(dir.resolve(seed.getKey()), seed.getValue());
    }
    System.out.println(seeds.size() + " seeds in " + dir);
  }
}
