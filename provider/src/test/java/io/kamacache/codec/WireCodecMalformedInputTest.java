package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ObjectStreamConstants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Whatever bytes arrive, decoding returns a value or throws CodecException, and nothing else. */
class WireCodecMalformedInputTest {

  private final ClassLoader loader = getClass().getClassLoader();
  private final WireCodec codec = new WireCodec(List.of());

  @Test
  void emptyAndNullValuesAreRefused() {
    assertThatThrownBy(() -> codec.decode(new byte[0], loader)).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.decode(null, loader)).isInstanceOf(CodecException.class);
  }

  @Test
  void unknownTagsAreRefused() {
    for (int tag : new int[] {0, 8, 10, 127, -1, -128}) {
      assertThatThrownBy(() -> codec.decode(new byte[] {(byte) tag, 1, 2, 3}, loader))
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("unknown value tag");
    }
  }

  @Test
  void fixedLengthValuesOfAnotherLengthAreRefused() {
    for (Object value : List.<Object>of(7L, 7, true, 7.5, java.util.UUID.randomUUID())) {
      byte[] bytes = codec.encode(value);
      assertThatThrownBy(() -> codec.decode(Arrays.copyOf(bytes, bytes.length - 1), loader))
          .isInstanceOf(CodecException.class);
      assertThatThrownBy(() -> codec.decode(Arrays.copyOf(bytes, bytes.length + 1), loader))
          .isInstanceOf(CodecException.class);
    }
  }

  @Test
  void everyTruncationOfASerializedValueIsRefused() {
    byte[] value = codec.encode(LegitGraphs.customer());
    for (int length = 1; length < value.length; length++) {
      byte[] truncated = Arrays.copyOf(value, length);
      assertThatThrownBy(() -> codec.decode(truncated, loader)).isInstanceOf(CodecException.class);
    }
  }

  @Test
  void everySingleByteCorruptionOfASerializedValueDecodesOrIsRefused() {
    byte[] value = codec.encode(LegitGraphs.hibernateEntry());
    for (int at = 1; at < value.length; at++) {
      for (int replacement : new int[] {0x00, 0x70, 0x71, 0x73, 0x75, 0x7b, 0x7f, 0xff}) {
        byte[] corrupt = value.clone();
        corrupt[at] = (byte) replacement;
        decodeOrRefuse(corrupt);
      }
    }
  }

  @Test
  void randomBytesUnderEveryTagDecodeOrAreRefused() {
    Random random = new Random(42);
    byte[] header = {9, (byte) 0xac, (byte) 0xed, 0, 5};
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      if (i % 2 == 0 && bytes.length >= header.length) {
        System.arraycopy(header, 0, bytes, 0, header.length); // past the magic, into the grammar
      } else if (bytes.length > 0) {
        bytes[0] = (byte) random.nextInt(11);
      }
      decodeOrRefuse(bytes);
    }
  }

  @Test
  void anArrayElementOfTheWrongClassIsRefusedAsMalformed() {
    // An Integer[] whose element is a String: the stream's own store would throw ArrayStoreException.
    byte[] header = HostilePayloads.arrayHeader("[Ljava.lang.Integer;", 0L, 1);
    byte[] value = Arrays.copyOf(header, header.length + 4);
    value[header.length] = ObjectStreamConstants.TC_STRING;
    value[header.length + 2] = 1; // length 1
    value[header.length + 3] = 'x';
    assertThatThrownBy(() -> codec.decode(value, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("malformed (java.lang.ArrayStoreException)");
  }

  @Test
  void aListThatContainsItselfInASetIsRefusedInsteadOfOverflowingTheStack() {
    List<Object> self = new ArrayList<>();
    Set<Object> set = new HashSet<>();
    set.add(self); // hashed while still empty
    self.add(self);
    byte[] value = codec.encode(set);
    assertThatThrownBy(() -> codec.decode(value, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("contains itself");
  }

  @Test
  void aStringWithAnUnpairedSurrogateSurvivesTheWireAndKeepsItsBytes() {
    // Found by WireCodecFuzzTest: UTF-8 turned each of these into "?", so they met one another.
    for (String key : List.of("\ud800", "a\udc00b", "\udbff\ud800", "x\ud83d", "\ud83d\ude00\ud83d")) {
      byte[] bytes = codec.encode(key);
      Object decoded = codec.decode(bytes, loader);
      assertThat(decoded).isEqualTo(key);
      assertThat(codec.encode(decoded)).isEqualTo(bytes);
      assertThat(bytes).isNotEqualTo(codec.encode("?".repeat(key.length())));
    }
    // Well-formed strings, surrogate pairs included, keep their compact UTF-8 form.
    assertThat(codec.encode("\ud83d\ude00")).isEqualTo(new byte[] {1, (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80});
  }

  @Test
  void aMapOfWithAnOddNumberOfKeysAndValuesIsRefusedAsMalformed() {
    // Found by WireCodecFuzzTest: Map.of's serial form (CollSer) with an odd length made
    // ImmutableCollections throw InternalError, which no catch for exceptions stopped.
    byte[] value = codec.encode(Map.of("k", "v"));
    byte[] lengthTwo = {ObjectStreamConstants.TC_BLOCKDATA, 4, 0, 0, 0, 2};
    int at = indexOf(value, lengthTwo);
    assertThat(at).isPositive();
    value[at + 5] = 1; // one key, no value; the stream skips the value it does not read
    assertThatThrownBy(() -> codec.decode(value, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("malformed (java.lang.InternalError)");
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }

  private void decodeOrRefuse(byte[] bytes) {
    try {
      codec.decode(bytes, loader);
    } catch (CodecException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }
}
