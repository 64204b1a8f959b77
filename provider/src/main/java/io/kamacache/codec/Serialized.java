package io.kamacache.codec;

/** A value kept in its encoded form; decoded afresh for every reader, so no reader shares it. */
final class Serialized {
  final byte[] bytes;

  Serialized(byte[] bytes) {
    this.bytes = bytes;
  }
}
