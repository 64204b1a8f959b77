package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireCodecLimitsTest {

  private final ClassLoader loader = getClass().getClassLoader();
  private final WireCodec codec = new WireCodec(List.of());

  @ParameterizedTest
  @ValueSource(ints = {20, 26, 36})
  void aSerialDosBombBeyondTheDepthLimitIsRefusedByTheDepthLimitBeforeItIsHashed(int levels) {
    // With 36 levels hashing alone would take hours; being refused for depth means it never began.
    byte[] bomb = HostilePayloads.serialDosValue(levels);
    assertThatThrownBy(() -> codec.decode(bomb, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("limits")
        .hasMessageContaining("nest more than " + WireCodec.DEFAULT_MAX_DEPTH + " deep")
        .hasMessageContaining(WireCodec.MAX_DEPTH_SETTING);
  }

  @Test
  void theDepthLimitIsASetting() {
    List<Object> nested = nestedLists(WireCodec.DEFAULT_MAX_DEPTH + 5);
    byte[] value = codec.encode(nested);
    assertThatThrownBy(() -> codec.decode(value, loader)).hasMessageContaining(WireCodec.MAX_DEPTH_SETTING);
    assertThat(new WireCodec(List.of(), WireCodec.DEFAULT_MAX_DEPTH + 10, WireCodec.DEFAULT_MAX_BYTES).decode(value, loader))
        .isEqualTo(nested);
  }

  @Test
  void theDeepestDepthSettingDecodesOnHalfAnOrdinaryThreadStack() throws Exception {
    WireCodec deepest = new WireCodec(List.of(), WireCodec.MAX_MAX_DEPTH, WireCodec.DEFAULT_MAX_BYTES);
    byte[] value = deepest.encode(nestedLists(WireCodec.MAX_MAX_DEPTH));
    Object[] decoded = new Object[1];
    Throwable[] failure = new Throwable[1];
    Runnable decode = () -> {
      try {
        decoded[0] = deepest.decode(value, loader);
      } catch (Throwable t) {
        failure[0] = t;
      }
    };
    // 512 KiB, half of a Linux thread's default stack, and the decoder is not compiled yet, so its
    // frames are at their largest.
    Thread small = new Thread(null, decode, "small-stack", 512 * 1024);
    small.start();
    small.join();
    assertThat(failure[0]).isNull();
    int levels = 0;
    for (Object level = decoded[0]; level instanceof List<?> list; level = list.isEmpty() ? null : list.get(0)) {
      levels++;
    }
    assertThat(levels).isEqualTo(WireCodec.MAX_MAX_DEPTH);
  }

  @Test
  void depthSettingsOutsideTheRangeAreRefused() {
    assertThatThrownBy(() -> new WireCodec(List.of(), 0, WireCodec.DEFAULT_MAX_BYTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(WireCodec.MAX_DEPTH_SETTING);
    assertThatThrownBy(() -> new WireCodec(List.of(), WireCodec.MAX_MAX_DEPTH + 1, WireCodec.DEFAULT_MAX_BYTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(WireCodec.MAX_DEPTH_SETTING);
    assertThatThrownBy(() -> new WireCodec(List.of(), WireCodec.DEFAULT_MAX_DEPTH, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFilterPatternCarriesEveryLimit() {
    assertThat(WireCodec.filterPattern(List.of(), 12, 4096))
        .startsWith("maxdepth=12;maxrefs=" + WireCodec.MAX_REFERENCES + ";maxbytes=4096;maxarray=4096;");
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE - 8, 1 << 25, 1 << 10})
  void aLongArrayHeaderLongerThanTheValueIsRefusedWithoutAllocating(int declared) {
    byte[] header = HostilePayloads.longArrayHeader(declared);
    assertThat(header).hasSize(28); // WireCodec's tag, then a 27-byte stream
    long allocated = allocatedBy(() -> assertThatThrownBy(() -> codec.decode(header, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("limits")
        .hasMessageContaining("an array of " + declared + " long elements")
        .hasMessageContaining("cannot fit in the 27 bytes of the stream"));
    assertThat(allocated).isLessThan(4 << 20);
  }

  @Test
  void anObjectArrayHeaderLongerThanTheValueIsRefusedWithoutAllocating() {
    byte[] header = HostilePayloads.objectArrayHeader(1 << 28);
    long allocated = allocatedBy(() -> assertThatThrownBy(() -> codec.decode(header, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("an array of " + (1 << 28) + " java.lang.Object elements"));
    assertThat(allocated).isLessThan(4 << 20);
  }

  @Test
  void anArrayNestedInAnArrayCannotClaimTheBytesItsParentStillNeeds() {
    // Each array alone fits in the value, but not both: the outer one's other elements are still to come.
    byte[] value = HostilePayloads.nestedObjectArrays(600, 1000);
    assertThatThrownBy(() -> codec.decode(value, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("with those of the arrays before it");
    // With room for both arrays' elements, it is an ordinary pair of nested arrays.
    Object[] decoded = (Object[]) codec.decode(HostilePayloads.nestedObjectArrays(600, 1300), loader);
    assertThat(decoded).hasSize(600);
    assertThat((Object[]) decoded[0]).hasSize(600).containsOnlyNulls();
  }

  @Test
  void arraysThatFillTheirValueDecode() {
    Random random = new Random(7);
    long[] longs = random.longs(4096).toArray();
    byte[] bytes = new byte[100_000];
    random.nextBytes(bytes);
    Object[] nulls = new Object[50_000];
    Serializable[] mixed = {longs, bytes, nulls, new int[][] {{1, 2}, {3}}, new char[] {'a', 'b'}, new boolean[3]};
    Object[] decoded = (Object[]) codec.decode(codec.encode(mixed), loader);
    assertThat(java.util.Arrays.deepEquals(decoded, mixed)).isTrue();
    List<Long> list = new ArrayList<>();
    for (long i = 0; i < 10_000; i++) {
      list.add(i % 100);
    }
    assertThat(codec.decode(codec.encode(list), loader)).isEqualTo(list);
  }

  @Test
  void aValueLongerThanTheByteLimitIsRefusedUnread() {
    byte[] value = codec.encode(new ArrayList<>(List.of("x".repeat(3000))));
    assertThatThrownBy(() -> new WireCodec(List.of(), WireCodec.DEFAULT_MAX_DEPTH, 1024).decode(value, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("limits")
        .hasMessageContaining("over the limit of 1024 bytes");
  }

  @Test
  void aValueWithMoreReferencesThanTheLimitIsRefused() {
    List<Object> many = new ArrayList<>();
    for (int i = 0; i < WireCodec.MAX_REFERENCES; i++) {
      many.add(new java.util.Date(i));
    }
    byte[] value = codec.encode(many);
    assertThatThrownBy(() -> codec.decode(value, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("more than " + WireCodec.MAX_REFERENCES + " objects and references");
  }

  @Test
  void aDynamicProxyIsRefusedEvenWhenEverythingIsAllowed() {
    Object proxy = Proxy.newProxyInstance(loader, new Class<?>[] {Runnable.class, Serializable.class},
        (InvocationHandler & Serializable) (self, method, args) -> null);
    byte[] value = codec.encode(proxy);
    assertThatThrownBy(() -> new WireCodec(List.of("**")).decode(value, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("dynamic proxy");
  }

  @Test
  void aLimitRefusalNamesNoContentOfTheValue() {
    List<Object> nested = nestedLists(WireCodec.DEFAULT_MAX_DEPTH + 2);
    nested.add("secret-token-123");
    assertThatThrownBy(() -> codec.decode(codec.encode(nested), loader))
        .hasMessageNotContaining("secret-token-123");
  }

  static List<Object> nestedLists(int levels) {
    List<Object> outermost = new ArrayList<>();
    List<Object> innermost = outermost;
    for (int i = 1; i < levels; i++) {
      List<Object> next = new ArrayList<>();
      innermost.add(next);
      innermost = next;
    }
    return outermost;
  }

  /** Bytes the current thread allocates while running {@code action}. */
  private static long allocatedBy(Runnable action) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    action.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  @Test
  void theDepthOfAValueIsHowDeepItsObjectsNest() {
    assertThat(SerialDosCostTest.deepest(codec.encode(nestedLists(7)))).isEqualTo(7);
    assertThat(SerialDosCostTest.deepest(codec.encode(HostilePayloads.serialDos(9)))).isEqualTo(10);
  }
}
