package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.orders.Order;
import java.io.Closeable;
import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An array is allowed by default exactly when its element type is, interfaces included. */
class WireCodecArraysTest {

  private final ClassLoader loader = getClass().getClassLoader();
  private final WireCodec codec = new WireCodec(List.of());

  private Object roundTrip(Object value) {
    return codec.decode(codec.encode(value), loader);
  }

  @Test
  void arraysOfSerializableAndObjectOfAllowedElementsDecode() {
    Serializable[] state = {42L, "title", null, new Serializable[] {7, 8}};
    assertThat((Object[]) roundTrip(state)).isInstanceOf(Serializable[].class).isEqualTo(state);
    Object[] row = {1L, "x", new Object[] {2.5}};
    assertThat((Object[]) roundTrip(row)).isInstanceOf(Object[].class).isEqualTo(row);
    Comparable<?>[][] grid = {{1, "a"}, {2L}};
    assertThat((Object[]) roundTrip(grid)).isInstanceOf(Comparable[][].class).isEqualTo(grid);
  }

  @Test
  void anArrayOfARefusedClassStaysRefusedHoweverDeep() {
    byte[] orders = codec.encode(new Order[][] {{new Order("o-1", 1)}});
    assertThatThrownBy(() -> codec.decode(orders, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("class com.acme.orders.Order is not allowed");
  }

  @Test
  void aSerializableArrayHoldingARefusedObjectIsRefusedAtThatObject() {
    byte[] state = codec.encode(new Serializable[] {1L, new Order("o-1", 1)});
    assertThatThrownBy(() -> codec.decode(state, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("class com.acme.orders.Order is not allowed");
  }

  @Test
  void anArrayOfAnInterfaceOutsideTheListIsRefused() {
    // java.io.Serializable is allowed as an element type; the rest of java.io is not.
    byte[] closeables = codec.encode(new Closeable[0]);
    assertThatThrownBy(() -> codec.decode(closeables, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("class java.io.Closeable is not allowed");
  }
}
