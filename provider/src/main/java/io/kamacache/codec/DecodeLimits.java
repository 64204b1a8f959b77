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
 * <p>Not bounded by these limits: the CPU that hash collections whose elements are collections
 * spend hashing them. The depth limit bounds SerialDOS as published (two sets a level, twice the
 * cost a level), but {@code k} sets a level cost {@code k^depth}, and keys with one hash code
 * cost the square of their number; {@code SerialDosCostTest} measures both.
 */
final class DecodeLimits {

  final int maxDepth;
  final long maxReferences;
  final long maxBytes;
  /** The setting that changes {@link #maxDepth}, named in its refusal; may be null. */
  private final String depthSetting;

  DecodeLimits(int maxDepth, long maxReferences, long maxBytes, String depthSetting) {
    this.maxDepth = maxDepth;
    this.maxReferences = maxReferences;
    this.maxBytes = maxBytes;
    this.depthSetting = depthSetting;
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
        return refuse("its objects nest more than " + maxDepth + " deep"
            + (depthSetting == null ? "" : " (the limit " + depthSetting + " sets)"));
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
          return refuse("it declares " + describeArray(info.serialClass(), length) + ", whose elements"
              + (arrayBytes == 0 ? "" : ", with those of the arrays before it,")
              + " cannot fit in the " + streamLength + " bytes of the stream");
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

  private static String describeArray(Class<?> type, long length) {
    Class<?> element = type == null ? null : type.getComponentType();
    return "an array of " + length + (element == null ? "" : " " + element.getTypeName()) + " elements";
  }
}
