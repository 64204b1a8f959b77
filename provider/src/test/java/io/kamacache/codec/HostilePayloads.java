package io.kamacache.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectStreamConstants;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** Wire values an attacker would send, built the way the published attacks build them. */
final class HostilePayloads {

  private HostilePayloads() {}

  /**
   * The "SerialDOS" hash bomb: {@code levels} nested HashSets in which each level's two sets both
   * hold the next level's two sets. Decoding rehashes the shared sets once per path to them, so
   * the cost doubles with each level while the bytes grow by a constant.
   */
  static Set<Object> serialDos(int levels) {
    Set<Object> root = new HashSet<>();
    Set<Object> left = root;
    Set<Object> right = new HashSet<>();
    for (int i = 0; i < levels; i++) {
      Set<Object> nextLeft = new HashSet<>();
      Set<Object> nextRight = new HashSet<>();
      nextLeft.add("x"); // keeps the two sets of a level unequal, so both stay in their parents
      left.add(nextLeft);
      left.add(nextRight);
      right.add(nextLeft);
      right.add(nextRight);
      left = nextLeft;
      right = nextRight;
    }
    return root;
  }

  /**
   * SerialDOS made wider: each of {@code width} sets on a level holds all {@code width} sets of the
   * next, plus a marker that keeps it unequal to its siblings. Decoding costs about
   * {@code width^levels} hash steps.
   */
  static Set<Object> wideHashBomb(int levels, int width) {
    Set<Object> root = new HashSet<>();
    java.util.List<Set<Object>> level = java.util.List.of(root);
    for (int i = 0; i < levels; i++) {
      java.util.List<Set<Object>> next = new java.util.ArrayList<>();
      for (int j = 0; j < width; j++) {
        Set<Object> set = new HashSet<>();
        if (j > 0) {
          set.add("m" + j);
        }
        next.add(set);
      }
      for (Set<Object> parent : level) {
        parent.addAll(next);
      }
      level = next;
    }
    return root;
  }

  /**
   * The shape of {@link #wideHashBomb} made of any container: {@code container} makes the
   * {@code index}th container of a level from the containers of the next level (none on the
   * last), and must keep the containers of a level unequal.
   */
  static Object hashBomb(int levels, int width, BiFunction<List<Object>, Integer, Object> container) {
    List<Object> level = new ArrayList<>();
    for (int j = 0; j < width; j++) {
      level.add(container.apply(List.of(), j));
    }
    for (int i = 1; i < levels; i++) {
      List<Object> next = level;
      level = new ArrayList<>();
      for (int j = 0; j < width; j++) {
        level.add(container.apply(next, j));
      }
    }
    return container.apply(level, 0);
  }

  /** Containers for {@link #hashBomb}, by name: each kind of hash collection that decoding fills. */
  static Map<String, BiFunction<List<Object>, Integer, Object>> containers() {
    Map<String, BiFunction<List<Object>, Integer, Object>> containers = new LinkedHashMap<>();
    containers.put("HashSet", (next, j) -> withMarker(new HashSet<>(next), j));
    containers.put("LinkedHashSet", (next, j) -> withMarker(new java.util.LinkedHashSet<>(next), j));
    containers.put("a subclass of HashSet", (next, j) -> withMarker(new TagSet(next), j));
    containers.put("Set.of", (next, j) -> Set.copyOf(withMarker(new ArrayList<>(next), j)));
    containers.put("HashMap keys", (next, j) -> keysTo(new java.util.HashMap<>(), next, j));
    containers.put("LinkedHashMap keys", (next, j) -> keysTo(new java.util.LinkedHashMap<>(), next, j));
    containers.put("Hashtable keys", (next, j) -> keysTo(new java.util.Hashtable<>(), next, j));
    containers.put("Properties keys", (next, j) -> keysTo(new java.util.Properties(), next, j));
    containers.put("ConcurrentHashMap keys", (next, j) -> keysTo(new java.util.concurrent.ConcurrentHashMap<>(), next, j));
    containers.put("Map.of keys", (next, j) -> Map.copyOf(keysTo(new java.util.HashMap<>(), next, j)));
    return containers;
  }

  /** A set that is a HashSet by inheritance, as application classes are. */
  static final class TagSet extends HashSet<Object> {
    private static final long serialVersionUID = 1L;

    TagSet(java.util.Collection<Object> elements) {
      super(elements);
    }
  }

  private static <C extends java.util.Collection<Object>> C withMarker(C collection, int index) {
    collection.add("m" + index);
    return collection;
  }

  private static Map<Object, Object> keysTo(Map<Object, Object> map, List<Object> keys, int index) {
    for (Object key : keys) {
      map.put(key, index);
    }
    map.put("m", index);
    return map;
  }

  /** {@link #serialDos} as a WireCodec value. */
  static byte[] serialDosValue(int levels) {
    return new WireCodec(java.util.List.of()).encode(serialDos(levels));
  }

  /**
   * A WireCodec value holding only a Java serialization stream header for an array of the given
   * primitive or class descriptor name ({@code "[J"}, {@code "[Ljava.lang.Object;"}) and declared
   * length, with none of its elements: what a 28-byte attack on the allocator looks like.
   */
  static byte[] arrayHeader(String arrayClassName, long serialVersionUid, int declaredLength) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(9); // WireCodec's tag for Java serialization
      out.writeShort(ObjectStreamConstants.STREAM_MAGIC);
      out.writeShort(ObjectStreamConstants.STREAM_VERSION);
      out.writeByte(ObjectStreamConstants.TC_ARRAY);
      out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
      out.writeUTF(arrayClassName);
      out.writeLong(serialVersionUid);
      out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
      out.writeShort(0); // no fields
      out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
      out.writeByte(ObjectStreamConstants.TC_NULL); // no serializable superclass
      out.writeInt(declaredLength);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A WireCodec value of exactly {@code length} bytes: an {@code Object[declared]} whose first
   * element is another {@code Object[declared]}, then TC_NULL elements for as long as the value
   * lasts. When the value has room for both arrays' elements it is an ordinary nested array.
   */
  static byte[] nestedObjectArrays(int declared, int length) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      byte[] outer = objectArrayHeader(declared);
      out.write(outer);
      out.writeByte(ObjectStreamConstants.TC_ARRAY);
      out.writeByte(ObjectStreamConstants.TC_REFERENCE);
      out.writeInt(ObjectStreamConstants.baseWireHandle); // the class descriptor of the outer array
      out.writeInt(declared);
      while (out.size() < length) {
        out.writeByte(ObjectStreamConstants.TC_NULL);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The serialVersionUID that an array class has in every JDK's streams. */
  static long serialVersionUidOf(Class<?> type) {
    return java.io.ObjectStreamClass.lookup(type).getSerialVersionUID();
  }

  /** A {@code long[declaredLength]} header and nothing else. */
  static byte[] longArrayHeader(int declaredLength) {
    return arrayHeader("[J", serialVersionUidOf(long[].class), declaredLength);
  }

  /** An {@code Object[declaredLength]} header and nothing else. */
  static byte[] objectArrayHeader(int declaredLength) {
    return arrayHeader("[Ljava.lang.Object;", serialVersionUidOf(Object[].class), declaredLength);
  }
}
