package io.kamacache.codec;

/**
 * Turns keys and values into bytes and back. Used for store-by-value copies and, in cluster mode,
 * for everything that crosses the wire. Implementations must be thread-safe.
 */
public interface Codec {

  /** The bytes of {@code value}; throws {@link CodecException} when it cannot be encoded. */
  byte[] encode(Object value);

  /** The object in {@code bytes}, resolving classes through {@code classLoader}. */
  Object decode(byte[] bytes, ClassLoader classLoader);
}
