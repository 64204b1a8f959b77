package io.kamacache.codec;

import java.io.ObjectInputFilter;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The bytes of keys and values between members: a one-byte tag, then the encoding. Common
 * immutable types have compact tagged forms, which are also stable across JVMs (the ring hashes
 * a key's bytes); everything else is Java serialization, decoded only through an allow-list.
 */
public final class WireCodec implements Codec {

  /** The tags are wire format: members of different versions exchange them, so never renumber one. */
  private static final byte STRING = 1;
  private static final byte LONG = 2;
  private static final byte INTEGER = 3;
  private static final byte BYTES = 4;
  private static final byte BOOLEAN = 5;
  private static final byte DOUBLE = 6;
  private static final byte UUID_TAG = 7;
  private static final byte SERIALIZED = 9;

  /**
   * Classes every cluster may exchange, whatever the application allows besides: common JDK
   * types, JCache's and KamaCache's own, serializable lambdas, and the exact classes that
   * Hibernate's second-level cache and Bucket4j's JCache proxy send. An array is allowed when its
   * element type is, so {@code Object[]} and {@code Serializable[]} are, and {@code Foo[]} is not
   * unless {@code Foo} is.
   */
  public static final List<String> DEFAULT_ALLOWED = defaultAllowed();

  private static List<String> defaultAllowed() {
    List<String> allowed = new ArrayList<>(List.of(
        "java.lang.*", "java.util.*", "java.util.concurrent.*", "java.time.*", "java.math.*", "java.net.URI",
        // An interface, so only ever an array's element type: Hibernate caches entities as Serializable[].
        "java.io.Serializable",
        // A serializable lambda's serial form, and nothing else from java.lang.invoke. It holds its
        // capturing class, which the filter checks like any other (so a lambda of a class outside
        // the list is refused), and its captured arguments, each checked too; reading it back
        // calls only that class's own $deserializeLambda$.
        "java.lang.invoke.SerializedLambda",
        "javax.cache.**", "io.kamacache.**"));
    allowed.addAll(LibraryClasses.HIBERNATE);
    allowed.addAll(LibraryClasses.BUCKET4J);
    return List.copyOf(allowed);
  }

  /** The cluster setting that extends {@link #DEFAULT_ALLOWED}. */
  public static final String ALLOW_SETTING = "kamacache.serialization.allow";

  /** The cluster setting that changes {@link #DEFAULT_MAX_DEPTH}. */
  public static final String MAX_DEPTH_SETTING = "kamacache.serialization.max-depth";

  /** Nesting a value may have: a SerialDOS value this deep (19 levels) decoded in 26 to 37 ms on a 2-core VM, and each level doubles it. */
  public static final int DEFAULT_MAX_DEPTH = 20;

  /** The cluster setting that changes {@link #DEFAULT_MAX_HASH_WORK}. */
  public static final String MAX_HASH_WORK_SETTING = "kamacache.serialization.max-hash-work";

  /**
   * Hashing a value may cause, as objects visited ({@link StreamScan}): tens of milliseconds of
   * decoding at most, and above the 2 million that a value without shared objects can reach
   * within the other default limits (measured in docs/performance.md).
   */
  public static final long DEFAULT_MAX_HASH_WORK = 5_000_000;

  /** The largest {@link #MAX_HASH_WORK_SETTING} accepted, far beyond any use, so that counting it cannot overflow. */
  public static final long MAX_MAX_HASH_WORK = 1L << 60;

  /** The deepest {@link #MAX_DEPTH_SETTING} accepted: decoding takes up to about 2 KiB of stack a level, and this fits a 512 KiB stack. */
  public static final int MAX_MAX_DEPTH = 200;

  /** Bytes a value may have: the default message limit, which a value cannot exceed anyway. */
  public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

  /** Objects and references one value may hold: bounds the handle table a stream can fill. */
  public static final int MAX_REFERENCES = 100_000;

  private final JavaSerializationCodec serialization;

  /**
   * A codec with the default limits ({@link #DEFAULT_MAX_DEPTH}, {@link #DEFAULT_MAX_BYTES}).
   *
   * @param allowed class-name patterns ({@code pkg.*}, {@code pkg.**}, {@code pkg.Class}) that
   *     may be deserialized in addition to {@link #DEFAULT_ALLOWED}
   */
  public WireCodec(List<String> allowed) {
    this(allowed, DEFAULT_MAX_DEPTH, DEFAULT_MAX_BYTES);
  }

  /** A codec with the default {@link #DEFAULT_MAX_HASH_WORK}; see {@link #WireCodec(List, int, int, long)}. */
  public WireCodec(List<String> allowed, int maxDepth, int maxBytes) {
    this(allowed, maxDepth, maxBytes, DEFAULT_MAX_HASH_WORK);
  }

  /**
   * @param allowed class-name patterns ({@code pkg.*}, {@code pkg.**}, {@code pkg.Class}) that
   *     may be deserialized in addition to {@link #DEFAULT_ALLOWED}
   * @param maxDepth how deep the objects of a serialized value may nest ({@link #MAX_DEPTH_SETTING}),
   *     from 1 to {@link #MAX_MAX_DEPTH}
   * @param maxBytes the longest serialized value decoded, normally the message limit
   * @param maxHashWork how much hashing a serialized value may make its hash collections do while
   *     it is decoded ({@link #MAX_HASH_WORK_SETTING}), from 1 to {@link #MAX_MAX_HASH_WORK}: the
   *     objects reachable from each set element and map key, counted once per path
   */
  public WireCodec(List<String> allowed, int maxDepth, int maxBytes, long maxHashWork) {
    if (maxDepth < 1 || maxDepth > MAX_MAX_DEPTH) {
      throw new IllegalArgumentException(MAX_DEPTH_SETTING + " must be from 1 to " + MAX_MAX_DEPTH + ", not " + maxDepth);
    }
    if (maxHashWork < 1 || maxHashWork > MAX_MAX_HASH_WORK) {
      throw new IllegalArgumentException(MAX_HASH_WORK_SETTING + " must be from 1 to " + MAX_MAX_HASH_WORK + ", not " + maxHashWork);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("the byte limit of serialized values must be positive, not " + maxBytes);
    }
    this.serialization = new JavaSerializationCodec(
        new LambdaCapturerFilter(ObjectInputFilter.Config.createFilter(filterPattern(allowed, maxDepth, maxBytes))),
        ALLOW_SETTING,
        new DecodeLimits(maxDepth, MAX_REFERENCES, maxBytes, MAX_DEPTH_SETTING, maxHashWork, MAX_HASH_WORK_SETTING));
  }

  /**
   * The deserialization filter's pattern: the limits, then {@link #DEFAULT_ALLOWED} and
   * {@code allowed}, then a refusal of everything else.
   */
  static String filterPattern(List<String> allowed, int maxDepth, int maxBytes) {
    // The limits are checked first, and named, by DecodeLimits; the pattern repeats them so that
    // it is a complete filter on its own. No array can have more elements than the value has bytes.
    StringBuilder pattern = new StringBuilder()
        .append("maxdepth=").append(maxDepth).append(';')
        .append("maxrefs=").append(MAX_REFERENCES).append(';')
        .append("maxbytes=").append(maxBytes).append(';')
        .append("maxarray=").append(maxBytes).append(';');
    for (String allow : DEFAULT_ALLOWED) {
      pattern.append(allow).append(';');
    }
    for (String allow : allowed) {
      if (allow.isBlank() || allow.contains(";") || allow.startsWith("!")) {
        throw new IllegalArgumentException(ALLOW_SETTING + ": not a class-name pattern: '" + allow + "'");
      }
      pattern.append(allow.trim()).append(';');
    }
    pattern.append("!*");
    return pattern.toString();
  }

  @Override
  public byte[] encode(Object value) {
    if (value instanceof String && isWellFormed((String) value)) {
      return tagged(STRING, ((String) value).getBytes(StandardCharsets.UTF_8));
    }
    if (value instanceof Long) {
      return ByteBuffer.allocate(9).put(LONG).putLong((Long) value).array();
    }
    if (value instanceof Integer) {
      return ByteBuffer.allocate(5).put(INTEGER).putInt((Integer) value).array();
    }
    if (value instanceof byte[]) {
      return tagged(BYTES, (byte[]) value);
    }
    if (value instanceof Boolean) {
      return new byte[] {BOOLEAN, (byte) (((Boolean) value) ? 1 : 0)};
    }
    if (value instanceof Double) {
      return ByteBuffer.allocate(9).put(DOUBLE).putDouble((Double) value).array();
    }
    if (value instanceof UUID) {
      UUID uuid = (UUID) value;
      return ByteBuffer.allocate(17).put(UUID_TAG).putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits()).array();
    }
    return tagged(SERIALIZED, serialization.encode(value));
  }

  @Override
  public Object decode(byte[] bytes, ClassLoader classLoader) {
    if (bytes == null || bytes.length == 0) {
      throw new CodecException("cannot decode an empty value", null);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    try {
      switch (bytes[0]) {
        case STRING:
          return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
        case LONG:
          return exactly(buffer, 8).getLong();
        case INTEGER:
          return exactly(buffer, 4).getInt();
        case BYTES:
          return Arrays.copyOfRange(bytes, 1, bytes.length);
        case BOOLEAN:
          return exactly(buffer, 1).get() != 0;
        case DOUBLE:
          return exactly(buffer, 8).getDouble();
        case UUID_TAG:
          exactly(buffer, 16);
          return new UUID(buffer.getLong(), buffer.getLong());
        case SERIALIZED:
          return serialization.decode(bytes, 1, bytes.length - 1, classLoader);
        default:
          throw new CodecException("unknown value tag " + bytes[0], null);
      }
    } catch (BufferUnderflowException e) {
      throw new CodecException("truncated value with tag " + bytes[0], e);
    }
  }

  /**
   * Whether bytes with this first byte decode without Java serialization: in constant time per
   * byte, with nothing a sender can make expensive. Only these may be decoded on a transport thread.
   */
  public static boolean decodesPlainly(byte tag) {
    return tag >= STRING && tag <= UUID_TAG;
  }

  /**
   * Whether UTF-8 can carry {@code string}: an unpaired surrogate would turn into '?', so two
   * different keys would meet on the wire. Such strings are serialized instead, which keeps them.
   */
  private static boolean isWellFormed(String string) {
    for (int i = 0, length = string.length(); i < length; i++) {
      char c = string.charAt(i);
      if (Character.isSurrogate(c)
          && (Character.isLowSurrogate(c) || ++i == length || !Character.isLowSurrogate(string.charAt(i)))) {
        return false;
      }
    }
    return true;
  }

  private static ByteBuffer exactly(ByteBuffer buffer, int length) {
    if (buffer.remaining() != length) {
      throw new CodecException("a value of " + length + " bytes had " + buffer.remaining(), null);
    }
    return buffer;
  }

  private static byte[] tagged(byte tag, byte[] body) {
    byte[] bytes = new byte[body.length + 1];
    bytes[0] = tag;
    System.arraycopy(body, 0, bytes, 1, body.length);
    return bytes;
  }
}
