package io.kamacache.codec;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of one serialization stream, read big-endian from the front as {@link StreamScan}
 * walks its grammar; a read past the end refuses the stream as malformed rather than throwing
 * an index exception.
 */
final class StreamInput {

  private final byte[] in;
  private final int start;
  private final int end;
  private int pos;

  StreamInput(byte[] bytes, int offset, int length) {
    this.in = bytes;
    this.start = offset;
    this.pos = offset;
    this.end = offset + length;
  }

  /** The stream's length in bytes. */
  int length() {
    return end - start;
  }

  /** Bytes not read yet. */
  int remaining() {
    return end - pos;
  }

  byte peek() {
    require(1);
    return in[pos];
  }

  byte readByte() {
    require(1);
    return in[pos++];
  }

  int readUnsignedShort() {
    require(2);
    int value = ((in[pos] & 0xff) << 8) | (in[pos + 1] & 0xff);
    pos += 2;
    return value;
  }

  int readShort() {
    return (short) readUnsignedShort();
  }

  int readInt() {
    require(4);
    int value = intAt(pos);
    pos += 4;
    return value;
  }

  long readLong() {
    long high = readInt() & 0xffffffffL;
    return (high << 32) | (readInt() & 0xffffffffL);
  }

  /** The int {@code ahead} bytes past what is read next, without reading it; the caller checked it is there. */
  int peekIntAhead(int ahead) {
    return intAt(pos + ahead);
  }

  /**
   * A name of {@code length} bytes. ISO-8859-1 keeps ASCII names as they are and cannot make a
   * non-ASCII name equal to one.
   */
  String readName(int length) {
    require(length);
    String name = new String(in, pos, length, StandardCharsets.ISO_8859_1);
    pos += length;
    return name;
  }

  /** Skips a name of {@code length} bytes; whether it is {@code ascii}, compared without making a string. */
  boolean skipNameMatching(int length, String ascii) {
    require(length);
    boolean matches = length == ascii.length();
    for (int i = 0; matches && i < length; i++) {
      matches = in[pos + i] == ascii.charAt(i);
    }
    pos += length;
    return matches;
  }

  void skip(long length) {
    if (length < 0 || length > end - pos) {
      throw truncated();
    }
    pos += (int) length;
  }

  private int intAt(int at) {
    return ((in[at] & 0xff) << 24) | ((in[at + 1] & 0xff) << 16) | ((in[at + 2] & 0xff) << 8) | (in[at + 3] & 0xff);
  }

  private void require(int length) {
    if (length > end - pos) {
      throw truncated();
    }
  }

  private static CodecException truncated() {
    return malformed("it ends in the middle of an object");
  }

  /** The refusal of a stream that breaks the grammar, naming what broke it but none of its content. */
  static CodecException malformed(String what) {
    return new CodecException("cannot deserialize a value: it is malformed (" + what + ")", null);
  }
}
