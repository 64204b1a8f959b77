package io.kamacache.codec;

import java.io.ObjectInputFilter;

/**
 * What one serialized value may make the decoder do: how deep its objects nest, how many objects
 * and references it holds, how long it is, and how much array memory it may have allocated. The
 * checks run in an {@link ObjectInputFilter} made for each stream, around the allow-list, so that
 * every refusal can say which limit was hit.
 *
 * <p>Arrays are bounded by the value itself: every element of an array in the stream takes stream
 * bytes of its own (a primitive its width, an object at least one tag byte, such as TC_NULL), so
 * the arrays of one value together can never declare more elements than its bytes can hold.
 * Collections that size a table before reading their entries (HashMap, ArrayList, ...) ask the
 * same filter, and are charged the same way: at their default load factors a table has fewer
 * slots than its entries take bytes. Charging the sum rather than each array alone matters: an
 * array whose first element is another array has its own elements still to come, so nested
 * headers could otherwise each declare the whole value's length. Array memory thus stays under
 * eight times the value's length (eight-byte references, one stream byte each), and a 28-byte
 * header can no longer ask for gigabytes. The one legitimate casualty is
 * {@code Collections.nCopies(n, x)} with {@code n} beyond the value's length, which the JDK
 * also checks as an array of {@code n}, because copying it allocates one.
 *
 * <p>The CPU that hash collections spend hashing their elements while they are read is bounded
 * by {@link #maxHashWork}, which {@link StreamScan} checks before the stream is read: a filter
 * sees one object at a time, and cannot tell that a small stream shares its sets so that hashing
 * them visits exponentially many objects (SerialDOS, and its wider forms: {@code k} sets a level
 * cost {@code k^depth}, so the depth limit alone bounded only two a level). The scan counts, for
 * every element a HashSet, HashMap, Hashtable, ConcurrentHashMap, {@code Set.of} or
 * {@code Map.of} (or a subclass) hashes, the objects below it once per path to them, which is
 * what a hashCode that hashes everything it holds visits; {@code SerialDosCostTest} measured 4 to
 * 6 ns of decoding per object counted. {@code StreamScan} says how cycles are counted.
 *
 * <p>Still not bounded:
 * <ul>
 *   <li>keys with one hash code: a set of distinct keys that collide costs the square of their
 *       number in {@code equals} calls (30,000 two-element lists took 15 s), and nothing short of
 *       computing the hash codes would show it;
 *   <li>hashing, or other work, in an application class's own {@code readObject},
 *       {@code readResolve} or record constructor (an application class that builds a HashSet
 *       from an array it read is charged nothing), and comparisons in sorted collections;
 *   <li>an application class whose hashCode follows a reference cycle: the scan counts the cycle
 *       once, and decoding hashes round it until the stack overflows, which it then refuses, after
 *       up to a few thousand times the budget;
 *   <li>an application class whose {@code readObject} does not read the fields its stream
 *       descriptor declares, which the scan reads as the grammar says; an attacker can then hide
 *       objects from the scan behind that class's declared primitive fields.
 * </ul>
 */
final class DecodeLimits {

  final int maxDepth;
  final long maxReferences;
  final long maxBytes;
  /** How much hashing decoding may cause, as {@link StreamScan} counts it. */
  final long maxHashWork;
  /** The setting that changes {@link #maxDepth}, named in its refusal; may be null. */
  private final String depthSetting;
  /** The setting that changes {@link #maxHashWork}, named in its refusal; may be null. */
  private final String hashWorkSetting;

  DecodeLimits(int maxDepth, long maxReferences, long maxBytes, String depthSetting, long maxHashWork,
      String hashWorkSetting) {
    this.maxDepth = maxDepth;
    this.maxReferences = maxReferences;
    this.maxBytes = maxBytes;
    this.depthSetting = depthSetting;
    this.maxHashWork = maxHashWork;
    this.hashWorkSetting = hashWorkSetting;
  }

  /** Why a value that nests deeper than {@link #maxDepth} is refused. */
  String depthRefusal() {
    return "its objects nest more than " + maxDepth + " deep"
        + (depthSetting == null ? "" : " (the limit " + depthSetting + " sets)");
  }

  /** Why a value whose hash collections would do more than {@link #maxHashWork} is refused. */
  String hashWorkRefusal() {
    return "hashing its set elements and map keys would visit more than " + maxHashWork
        + " objects, counting each object once per path to it from an element"
        + (hashWorkSetting == null ? "" : " (the limit " + hashWorkSetting + " sets)");
  }

  /** A filter for one stream of {@code streamLength} bytes; it keeps count, so never share it. */
  StreamFilter forStream(ObjectInputFilter allowList, long streamLength) {
    return new StreamFilter(allowList, streamLength);
  }

  /** Why a value of {@code length} bytes is refused before it is read, or null. */
  String checkLength(long length) {
    return length > maxBytes ? "it is " + length + " bytes long, over the limit of " + maxBytes + " bytes" : null;
  }

  /** The limits, then the allow-list, for one stream. */
  final class StreamFilter implements ObjectInputFilter {
    private final ObjectInputFilter allowList;
    private final long streamLength;
    /** Stream bytes that the elements of the arrays declared so far take at the least. */
    private long arrayBytes;
    /** Which limit refused, once one has. */
    private String refusal;

    private StreamFilter(ObjectInputFilter allowList, long streamLength) {
      this.allowList = allowList;
      this.streamLength = streamLength;
    }

    /** Why a limit refused the stream, or null if none did (the allow-list may have). */
    String refusal() {
      return refusal;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > maxDepth) {
        return refuse(depthRefusal());
      }
      if (info.references() > maxReferences) {
        return refuse("it holds more than " + maxReferences + " objects and references");
      }
      if (info.streamBytes() > maxBytes) {
        return refuse("it is longer than the limit of " + maxBytes + " bytes");
      }
      long length = info.arrayLength();
      if (length >= 0) {
        long elementBytes = length * minimumElementBytes(info.serialClass());
        if (elementBytes > streamLength - arrayBytes) {
          Class<?> element = info.serialClass() == null ? null : info.serialClass().getComponentType();
          return refuse(arrayRefusal(element == null ? null : element.getTypeName(), length, arrayBytes, streamLength));
        }
        arrayBytes += elementBytes;
      }
      return allowList == null ? Status.UNDECIDED : allowList.checkInput(info);
    }

    private Status refuse(String why) {
      if (refusal == null) {
        refusal = why;
      }
      return Status.REJECTED;
    }
  }

  /** The fewest stream bytes one element of an array of {@code type} can take. */
  static int minimumElementBytes(Class<?> type) {
    Class<?> element = type == null ? null : type.getComponentType();
    if (element == long.class || element == double.class) {
      return 8;
    } else if (element == int.class || element == float.class) {
      return 4;
    } else if (element == short.class || element == char.class) {
      return 2;
    }
    return 1; // byte, boolean, and any object: a reference is at least its tag byte
  }

  /**
   * Why an array of {@code length} elements of {@code elementType} (null if unknown) is refused
   * when the arrays before it already take {@code arrayBytes} of the {@code streamLength} bytes.
   */
  static String arrayRefusal(String elementType, long length, long arrayBytes, long streamLength) {
    return "it declares an array of " + length + (elementType == null ? "" : " " + elementType) + " elements, whose elements"
        + (arrayBytes == 0 ? "" : ", with those of the arrays before it,")
        + " cannot fit in the " + streamLength + " bytes of the stream";
  }
}
