package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamConstants;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The bound on the hashing that decoding a value makes its hash collections do (StreamScan). */
class WireCodecHashWorkTest {

  private static final DecodeLimits UNCAPPED = new DecodeLimits(WireCodec.MAX_MAX_DEPTH, WireCodec.MAX_REFERENCES,
      WireCodec.DEFAULT_MAX_BYTES, null, WireCodec.MAX_MAX_HASH_WORK, null);

  private final ClassLoader loader = getClass().getClassLoader();
  private final WireCodec codec = new WireCodec(List.of());

  @ParameterizedTest
  @CsvSource({"4, 12", "4, 13", "6, 10", "3, 19", "16, 6"})
  void aWideHashBombWithinTheDepthLimitIsRefusedForItsHashWorkBeforeAnythingIsDecoded(int width, int levels) {
    // Measured without the bound: 4 wide at 12 levels took 0.4 s, at 13 levels 3.3 s; 6 wide at 10
    // levels 2.3 s. Refused, they take the scan's microseconds.
    byte[] bomb = codec.encode(HostilePayloads.wideHashBomb(levels, width));
    assertThatThrownBy(() -> codec.decode(bomb, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("limits")
        .hasMessageContaining("more than " + WireCodec.DEFAULT_MAX_HASH_WORK)
        .hasMessageContaining(WireCodec.MAX_HASH_WORK_SETTING);
  }

  static Stream<Arguments> hashCollections() {
    return HostilePayloads.containers().entrySet().stream().map(c -> Arguments.of(c.getKey(), c.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hashCollections")
  void aHashBombOfAnyHashCollectionIsRefused(String name, BiFunction<List<Object>, Integer, Object> container) {
    // Small enough to build here (building it bottom up hashes it), so measured against a small budget.
    byte[] bomb = codec.encode(HostilePayloads.hashBomb(8, 4, container));
    assertThat(hashWork(bomb)).isGreaterThan(100_000);
    assertThatThrownBy(() -> withBudget(100_000).decode(bomb, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("more than 100000 objects")
        .hasMessageContaining(WireCodec.MAX_HASH_WORK_SETTING);
  }

  static Stream<Arguments> sets() {
    return hashCollections().filter(arguments -> !((String) arguments.get()[0]).contains("keys"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void eachSetIsChargedForTheObjectsBelowEachOfItsElements(String name, BiFunction<List<Object>, Integer, Object> set) {
    // Two levels of two. A grandchild is itself and its marker: 2. A child is itself, two
    // grandchildren and its marker: 6. The root hashes two children and a marker (13), each child
    // two grandchildren and a marker (5), each grandchild its marker (1).
    long work = hashWork(codec.encode(HostilePayloads.hashBomb(2, 2, set)));
    assertThat(work).isEqualTo(13 + 2 * 5 + 2 * 1);
  }

  /** The shape of a hash bomb made of lists, which nothing hashes while they are decoded. */
  private static Object listBomb() {
    return HostilePayloads.hashBomb(12, 4, (next, j) -> {
      List<Object> list = new ArrayList<>(next);
      list.add(j);
      return list;
    });
  }

  @Test
  void listsOfSharedListsAreNotHashedAndDecode() {
    byte[] value = codec.encode(List.copyOf((List<?>) listBomb()));
    assertThat(hashWork(value)).isZero();
    assertThat(codec.decode(value, loader)).isInstanceOf(List.class); // never compare it: hashing would take hours
  }

  @Test
  void aSetOfStringsCostsOneUnitAStringAndTheBudgetIsASetting() {
    Set<String> strings = LegitGraphs.stringSet(1000);
    byte[] value = codec.encode(strings);
    assertThat(hashWork(value)).isEqualTo(1000);
    assertThat(withBudget(1000).decode(value, loader)).isEqualTo(strings);
    assertThatThrownBy(() -> withBudget(999).decode(value, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("more than 999 objects")
        .hasMessageContaining(WireCodec.MAX_HASH_WORK_SETTING);
  }

  @Test
  void mapValuesAreNotHashedButMapKeysAre() {
    Object bomb = listBomb();
    Map<String, Object> asValue = new HashMap<>(Map.of("bomb", bomb));
    assertThat(hashWork(codec.encode(asValue))).isEqualTo(1);
    Map<Object, String> asKey = new HashMap<>();
    asKey.put(new IdentityList(List.of(bomb)), "bomb"); // hashed here by identity, there as a list
    assertThatThrownBy(() -> codec.decode(codec.encode(asKey), loader)).hasMessageContaining(WireCodec.MAX_HASH_WORK_SETTING);
  }

  @Test
  void aSharedPrimitiveArrayCountsOnceForEachPathToItFromAHashedElement() {
    byte[] shared = new byte[1 << 20];
    Set<Object> set = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      set.add(new Holder(i, shared));
    }
    // Each holder: itself, its array and the array's elements a unit per four.
    long perHolder = 1 + 1 + (1 << 20) / StreamScan.ELEMENTS_PER_UNIT;
    assertThat(hashWork(codec.encode(set))).isEqualTo(40 * perHolder);
    assertThatThrownBy(() -> codec.decode(codec.encode(set), loader)).hasMessageContaining(WireCodec.MAX_HASH_WORK_SETTING);
  }

  @Test
  void aHashBombInAClassAnnotationIsCountedThoughNoFieldHoldsIt() throws IOException {
    // ObjectInputStream makes the objects of class annotations too, hash collections included.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(9);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
      @Override
      protected void annotateClass(Class<?> type) throws IOException {
        if (type == Holder.class) {
          writeObject(HostilePayloads.wideHashBomb(12, 4));
        }
      }
    }) {
      out.writeObject(new Holder(1, new byte[0]));
    }
    assertThatThrownBy(() -> codec.decode(bytes.toByteArray(), loader)).hasMessageContaining(WireCodec.MAX_HASH_WORK_SETTING);
  }

  @Test
  void aCycleThroughAnApplicationObjectUnderAHashedElementCountsOnceAndDecodes() {
    // An entity and its children, each pointing back: hashCode stops at the entity's id.
    Parent parent = new Parent("p-1");
    for (int i = 0; i < 3; i++) {
      parent.children.add(new Child("c-" + i, parent));
    }
    Set<Parent> set = new HashSet<>(Set.of(parent));
    byte[] value = codec.encode(set);
    assertThat(hashWork(value)).isBetween(1L, 100L);
    Set<?> decoded = (Set<?>) codec.decode(value, loader);
    assertThat(((Parent) decoded.iterator().next()).children).hasSize(3);
  }

  @Test
  void aCycleOfCollectionsIsRefusedOnlyUnderAHashedElement() {
    List<Object> self = new ArrayList<>();
    Set<Object> asElement = new HashSet<>();
    asElement.add(self); // hashed while still empty
    self.add("x");
    self.add(self);
    Map<String, Object> asValue = new HashMap<>(Map.of("self", self));
    Map<?, ?> decoded = (Map<?, ?>) codec.decode(codec.encode(asValue), loader);
    assertThat(((List<?>) decoded.get("self")).size()).isEqualTo(2);
    assertThatThrownBy(() -> codec.decode(codec.encode(asElement), loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("contains itself");
  }

  @Test
  void aChainOfBackReferencesLongerThanAnyStackIsWalkedWithoutRecursion() {
    // Each list holds the one before it, written before it, so the stream stays two deep.
    Object[] lists = new Object[100_001];
    List<Object> previous = new ArrayList<>();
    lists[0] = previous;
    for (int i = 1; i < 100_000; i++) {
      List<Object> next = new ArrayList<>(List.of(previous));
      lists[i] = next;
      previous = next;
    }
    lists[100_000] = new HashSet<>(Set.of(new IdentityList(List.of(previous))));
    byte[] stream = new JavaSerializationCodec().encode(lists);
    assertThat(StreamScan.hashWork(stream, 0, stream.length, UNCAPPED)).isEqualTo(1 + 100_000);
  }

  @Test
  void aLongChainOfSuperclassDescriptorsIsReadWithoutRecursion() throws IOException {
    // Classes that do not exist, each the superclass of the one before: ObjectInputStream would
    // refuse them, the scan must read them in a loop.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
    out.writeShort(ObjectStreamConstants.STREAM_MAGIC);
    out.writeShort(ObjectStreamConstants.STREAM_VERSION);
    out.writeByte(ObjectStreamConstants.TC_OBJECT);
    int classes = 200_000;
    for (int i = 0; i < classes; i++) {
      out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
      out.writeUTF("C" + i);
      out.writeLong(1);
      out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
      out.writeShort(0);
      out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
    }
    out.writeByte(ObjectStreamConstants.TC_NULL);
    byte[] stream = bytes.toByteArray();
    assertThat(StreamScan.hashWork(stream, 0, stream.length, UNCAPPED)).isZero();
  }

  @Test
  void aStreamTheScanCannotParseIsRefusedAsMalformed() {
    byte[] value = codec.encode(new ArrayList<>(List.of("a", "b")));
    byte[] unknownTag = value.clone();
    unknownTag[5] = 0x42; // where TC_OBJECT was
    assertThatThrownBy(() -> codec.decode(unknownTag, loader)).isInstanceOf(CodecException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void hashWorkSettingsOutsideTheRangeAreRefused() {
    for (long bad : new long[] {0, -1, WireCodec.MAX_MAX_HASH_WORK + 1}) {
      assertThatThrownBy(() -> new WireCodec(List.of(), WireCodec.DEFAULT_MAX_DEPTH, WireCodec.DEFAULT_MAX_BYTES, bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(WireCodec.MAX_HASH_WORK_SETTING);
    }
  }

  @Test
  void theWorkOfOrdinaryValuesStaysFarUnderTheDefault() {
    for (Object value : List.of(LegitGraphs.customer(), LegitGraphs.hibernateEntry(), LegitGraphs.document(9),
        LegitGraphs.catalogue(200), LegitGraphs.lineSet(2000), LegitGraphs.attachment(1 << 20))) {
      assertThat(hashWork(codec.encode(value))).isLessThan(WireCodec.DEFAULT_MAX_HASH_WORK / 50);
    }
  }

  private static WireCodec withBudget(long budget) {
    return new WireCodec(List.of(), WireCodec.DEFAULT_MAX_DEPTH, WireCodec.DEFAULT_MAX_BYTES, budget);
  }

  private static long hashWork(byte[] value) {
    return SerialDosCostTest.hashWork(value);
  }

  /** A list that this process hashes by identity, so that tests can build what others would send. */
  static final class IdentityList extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;

    IdentityList(java.util.Collection<?> elements) {
      super(elements);
    }

    @Override public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override public boolean equals(Object o) {
      return this == o;
    }
  }

  static final class Holder implements Serializable {
    private static final long serialVersionUID = 1L;
    final int id;
    final byte[] content;

    Holder(int id, byte[] content) {
      this.id = id;
      this.content = content;
    }

    @Override public boolean equals(Object o) {
      return o instanceof Holder h && h.id == id;
    }

    @Override public int hashCode() {
      return id;
    }
  }

  static final class Parent implements Serializable {
    private static final long serialVersionUID = 1L;
    final String id;
    final List<Child> children = new ArrayList<>();

    Parent(String id) {
      this.id = id;
    }

    @Override public boolean equals(Object o) {
      return o instanceof Parent p && p.id.equals(id);
    }

    @Override public int hashCode() {
      return id.hashCode();
    }
  }

  record Child(String id, Parent parent) implements Serializable {
    @Override public int hashCode() {
      return id.hashCode();
    }

    @Override public boolean equals(Object o) {
      return o instanceof Child c && c.id.equals(id);
    }
  }
}
