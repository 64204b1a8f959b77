package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading a stream's bytes for the scan: big-endian, within its bounds, refusing what runs past them. */
class StreamInputTest {

  @Test
  void readsBigEndianNumbersWithinItsWindowOfTheArray() {
    byte[] bytes = ByteBuffer.allocate(1 + 2 + 2 + 4 + 8 + 1).put((byte) 99)
        .putShort((short) 0xfffe).putShort((short) -3).putInt(-123456).putLong(Long.MIN_VALUE + 7).put((byte) 98)
        .array();
    StreamInput in = new StreamInput(bytes, 1, bytes.length - 2);
    assertThat(in.length()).isEqualTo(bytes.length - 2);
    assertThat(in.readUnsignedShort()).isEqualTo(0xfffe);
    assertThat(in.readShort()).isEqualTo(-3);
    assertThat(in.peekIntAhead(0)).isEqualTo(-123456);
    assertThat(in.readInt()).isEqualTo(-123456);
    assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE + 7);
    assertThat(in.remaining()).isZero();
    assertThatThrownBy(in::readByte).isInstanceOf(CodecException.class) // the byte after its window
        .hasMessageContaining("it ends in the middle of an object");
  }

  @Test
  void peekDoesNotConsume() {
    StreamInput in = new StreamInput(new byte[] {5, 6}, 0, 2);
    assertThat(in.peek()).isEqualTo((byte) 5);
    assertThat(in.readByte()).isEqualTo((byte) 5);
    assertThat(in.peek()).isEqualTo((byte) 6);
  }

  @Test
  void namesAreReadAsLatin1AndMatchedWithoutMakingStrings() {
    byte[] bytes = "java.util.HashSettagtog".getBytes(StandardCharsets.ISO_8859_1);
    StreamInput in = new StreamInput(bytes, 0, bytes.length);
    assertThat(in.readName(17)).isEqualTo("java.util.HashSet");
    assertThat(in.skipNameMatching(3, "tag")).isTrue();
    assertThat(in.skipNameMatching(3, "tag")).isFalse();
    assertThat(in.remaining()).isZero();
  }

  @Test
  void aNameOfAnotherLengthDoesNotMatchButIsSkipped() {
    byte[] bytes = "tags!".getBytes(StandardCharsets.ISO_8859_1);
    StreamInput in = new StreamInput(bytes, 0, bytes.length);
    assertThat(in.skipNameMatching(4, "tag")).isFalse();
    assertThat(in.readByte()).isEqualTo((byte) '!');
  }

  @Test
  void lengthsPastTheEndOrNegativeAreRefusedAsTruncation() {
    StreamInput in = new StreamInput(new byte[8], 0, 4);
    assertThatThrownBy(() -> in.skip(5)).isInstanceOf(CodecException.class).hasMessageContaining("malformed");
    assertThatThrownBy(() -> in.skip(-1)).isInstanceOf(CodecException.class).hasMessageContaining("malformed");
    assertThatThrownBy(() -> in.readName(5)).isInstanceOf(CodecException.class).hasMessageContaining("malformed");
    assertThatThrownBy(() -> in.skipNameMatching(5, "tag")).isInstanceOf(CodecException.class);
    in.skip(4); // exactly what is left
    assertThat(in.remaining()).isZero();
    assertThatThrownBy(() -> new StreamInput(new byte[8], 0, 7).readLong()).isInstanceOf(CodecException.class);
  }
}
