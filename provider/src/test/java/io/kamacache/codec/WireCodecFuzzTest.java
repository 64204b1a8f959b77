package io.kamacache.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Fuzz tests of the wire codec, the first code that bytes from the network reach.
 *
 * <p>{@code mvn test} replays the committed inputs in
 * {@code src/test/resources/io/kamacache/codec/WireCodecFuzzTestInputs/<method>/} (and the empty
 * input) as regression tests; {@code scripts/fuzz.sh} fuzzes, and adds what it finds there. The
 * seeds for {@link #decodeGivesAValueOrACodecException} include the attacks of issue 12: SerialDOS
 * values of 26 and 36 levels, the {@code long[Integer.MAX_VALUE-8]}, {@code long[1<<25]} and
 * {@code Object[1<<28]} headers, and hash bombs of 4, 6 and 16 sets a level within the depth limit,
 * which took seconds to decode before the hash work was bounded; {@code FuzzSeeds} writes them.
 */
class WireCodecFuzzTest {

  private static final WireCodec CODEC = new WireCodec(List.of());
  private static final ClassLoader LOADER = WireCodecFuzzTest.class.getClassLoader();

  /** Whatever the bytes, decoding returns a value or throws CodecException: nothing else escapes. */
  @FuzzTest
  void decodeGivesAValueOrACodecException(byte[] bytes) {
    try {
      CODEC.decode(bytes, LOADER);
    } catch (CodecException refused) {
      // The one way to fail.
    }
  }

  /**
   * Fast-path values decode to what was encoded, and encode again to the same bytes: the ring
   * places a key by its bytes, so a key that a member decoded and encoded again must land where
   * it did.
   */
  @FuzzTest
  void fastPathValuesSurviveARoundTrip(FuzzedDataProvider data) {
    Object value = switch (data.consumeInt(0, 6)) {
      case 0 -> data.consumeBoolean() ? data.consumeString(256) : anyChars(data, 64);
      case 1 -> data.consumeLong();
      case 2 -> data.consumeInt();
      case 3 -> data.consumeBytes(256);
      case 4 -> data.consumeBoolean();
      case 5 -> data.consumeDouble();
      default -> new UUID(data.consumeLong(), data.consumeLong());
    };
    byte[] bytes = CODEC.encode(value);
    Object decoded = CODEC.decode(bytes, LOADER);
    assertEquals(value.getClass(), decoded.getClass());
    if (value instanceof byte[]) {
      assertArrayEquals((byte[]) value, (byte[]) decoded);
    } else {
      assertEquals(value, decoded);
    }
    assertArrayEquals(bytes, CODEC.encode(decoded));
  }

  /**
   * Small graphs of serializable JDK values, with shared references, decode to equal graphs,
   * also as the elements of a {@code Serializable[]}, the way Hibernate caches entities.
   */
  @FuzzTest
  void serializableGraphsSurviveARoundTrip(FuzzedDataProvider data) {
    List<Object> built = new ArrayList<>();
    boolean inArray = data.consumeBoolean();
    Object value = inArray ? fill(new ArrayList<>(), data, 0, built).toArray(new Serializable[0]) : graph(data, 0, built);
    Object decoded = CODEC.decode(CODEC.encode(value), LOADER);
    if (inArray) {
      assertArrayEquals((Object[]) value, (Object[]) decoded);
    } else {
      assertEquals(value, decoded);
    }
  }

  /** A string of any chars, unpaired surrogates included, which consumeString never makes. */
  private static String anyChars(FuzzedDataProvider data, int maxLength) {
    StringBuilder chars = new StringBuilder();
    for (int i = data.consumeInt(0, maxLength); i > 0; i--) {
      chars.append(data.consumeChar());
    }
    return chars.toString();
  }

  private static Object graph(FuzzedDataProvider data, int depth, List<Object> built) {
    int kind = data.consumeInt(0, depth >= 4 ? 10 : 19);
    Object value = switch (kind) {
      case 0 -> null;
      case 1 -> data.consumeBoolean() ? data.consumeString(40) : anyChars(data, 20);
      case 2 -> data.consumeLong();
      case 3 -> data.consumeInt();
      case 4 -> data.consumeDouble();
      case 5 -> new BigDecimal(BigInteger.valueOf(data.consumeLong()), data.consumeInt(-20, 20));
      case 6 -> Instant.ofEpochSecond(data.consumeLong(-1_000_000_000_000L, 1_000_000_000_000L), data.consumeInt(0, 999_999_999));
      case 7 -> LocalDate.ofEpochDay(data.consumeLong(-1_000_000, 1_000_000));
      case 8 -> TimeUnit.values()[data.consumeInt(0, TimeUnit.values().length - 1)];
      case 9 -> BitSet.valueOf(data.consumeBytes(16));
      case 10 -> built.isEmpty() ? data.consumeBoolean() : built.get(data.consumeInt(0, built.size() - 1));
      case 11 -> fill(new ArrayList<>(), data, depth, built);
      case 12 -> fill(new LinkedList<>(), data, depth, built);
      case 13 -> fill(new HashSet<>(), data, depth, built);
      case 14 -> Collections.unmodifiableList(fill(new ArrayList<>(), data, depth, built));
      case 15 -> List.copyOf(withoutNulls(fill(new ArrayList<>(), data, depth, built)));
      case 16 -> fillMap(new HashMap<>(), data, depth, built);
      case 17 -> fillMap(new LinkedHashMap<>(), data, depth, built);
      case 18 -> {
        TreeMap<String, Object> map = new TreeMap<>();
        for (int i = data.consumeInt(0, 6); i > 0; i--) {
          map.put(data.consumeString(10), graph(data, depth + 1, built));
        }
        yield map;
      }
      default -> {
        EnumMap<TimeUnit, Object> map = new EnumMap<>(TimeUnit.class);
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
          map.put(TimeUnit.values()[data.consumeInt(0, TimeUnit.values().length - 1)], graph(data, depth + 1, built));
        }
        yield map;
      }
    };
    if (value != null && kind != 10) {
      built.add(value);
    }
    return value;
  }

  private static <C extends java.util.Collection<Object>> C fill(C collection, FuzzedDataProvider data, int depth,
      List<Object> built) {
    for (int i = data.consumeInt(0, 6); i > 0; i--) {
      collection.add(graph(data, depth + 1, built));
    }
    return collection;
  }

  private static Map<Object, Object> fillMap(Map<Object, Object> map, FuzzedDataProvider data, int depth, List<Object> built) {
    for (int i = data.consumeInt(0, 6); i > 0; i--) {
      map.put(graph(data, depth + 1, built), graph(data, depth + 1, built));
    }
    return map;
  }

  private static List<Object> withoutNulls(List<Object> list) {
    list.removeIf(Objects::isNull);
    return list;
  }
}
