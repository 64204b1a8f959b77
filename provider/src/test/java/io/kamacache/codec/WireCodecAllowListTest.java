package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.orders.Order;
import io.kamacache.cluster.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecAllowListTest {

  private final ClassLoader loader = getClass().getClassLoader();
  private final byte[] order = new WireCodec(List.of()).encode(new Order("o-1", 1999));

  @Test
  void aClassOutsideTheDefaultsIsRefusedWithTheSettingThatWouldAllowIt() {
    assertThatThrownBy(() -> new WireCodec(List.of()).decode(order, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("com.acme.orders.Order")
        .hasMessageContaining(ClusterConfig.SERIALIZATION_ALLOW)
        .hasMessageContaining("com.acme.orders.**")
        .hasMessageContaining("REJECTED");
  }

  @Test
  void anArrayOfARefusedClassNamesTheElementClass() {
    byte[] orders = new WireCodec(List.of()).encode(new Order[] {new Order("o-1", 1)});
    assertThatThrownBy(() -> new WireCodec(List.of()).decode(orders, loader))
        .hasMessageContaining("class com.acme.orders.Order is not allowed")
        .hasMessageContaining(ClusterConfig.SERIALIZATION_ALLOW);
  }

  @Test
  void thePackagePatternAllowsTheClass() {
    assertThat(new WireCodec(List.of("com.acme.orders.**")).decode(order, loader)).isEqualTo(new Order("o-1", 1999));
    assertThat(new WireCodec(List.of("com.acme.orders.Order")).decode(order, loader)).isEqualTo(new Order("o-1", 1999));
  }

  @Test
  void tooDeepAValueIsBlamedOnTheLimitsNotOnTheAllowList() {
    List<Object> nested = new ArrayList<>();
    List<Object> innermost = nested;
    for (int i = 0; i < 100; i++) {
      List<Object> next = new ArrayList<>();
      innermost.add(next);
      innermost = next;
    }
    byte[] deep = new WireCodec(List.of()).encode(nested);
    assertThatThrownBy(() -> new WireCodec(List.of()).decode(deep, loader))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("limits")
        .hasMessageNotContaining(ClusterConfig.SERIALIZATION_ALLOW);
  }
}
