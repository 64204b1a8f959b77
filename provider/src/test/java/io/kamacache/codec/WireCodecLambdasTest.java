package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.orders.Discounts;
import com.acme.orders.Order;
import io.kamacache.cluster.ClusterConfig;
import java.io.Serializable;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Serializable lambdas are allowed by default, but only as far as the classes they involve are:
 * the filter checks the lambda's capturing class and each captured argument like any other object.
 */
class WireCodecLambdasTest {

  private final ClassLoader loader = getClass().getClassLoader();
  private final WireCodec codec = new WireCodec(List.of());

  /** A supplier that survives serialization. */
  interface SerializableSupplier<T> extends Supplier<T>, Serializable {}

  private static SerializableSupplier<Object> capturing(Object captured) {
    return () -> captured;
  }

  @Test
  void aLambdaCapturedInAnAllowedClassDecodesAndRuns() {
    Object decoded = codec.decode(codec.encode(capturing(List.of("a", 1L))), loader);
    assertThat(((Supplier<?>) decoded).get()).isEqualTo(List.of("a", 1L));
  }

  @Test
  void aLambdaCapturedInAClassOutsideTheListIsRefusedNamingThatClass() {
    byte[] bytes = codec.encode(Discounts.percentOff(10));
    assertThatThrownBy(() -> codec.decode(bytes, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("class com.acme.orders.Discounts is not allowed")
        .hasMessageContaining(ClusterConfig.SERIALIZATION_ALLOW)
        .hasMessageContaining("com.acme.orders.**");
  }

  @Test
  void aLambdaCapturedInAClassTheApplicationAllowsDecodes() {
    WireCodec allowing = new WireCodec(List.of("com.acme.orders.Discounts"));
    Discounts.Rule rule = (Discounts.Rule) allowing.decode(allowing.encode(Discounts.percentOff(10)), loader);
    assertThat(rule.applyAsLong(1000)).isEqualTo(900);
  }

  @Test
  void aLambdaOfAnAllowedClassThatCapturesARefusedObjectIsRefused() {
    byte[] bytes = codec.encode(capturing(new Order("o-1", 5)));
    assertThatThrownBy(() -> codec.decode(bytes, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("class com.acme.orders.Order is not allowed");
  }

  @Test
  void nothingElseFromJavaLangInvokeIsAllowed() {
    byte[] methodType = codec.encode(MethodType.methodType(String.class, int.class));
    assertThatThrownBy(() -> codec.decode(methodType, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("class java.lang.invoke.MethodType is not allowed");
  }
}
