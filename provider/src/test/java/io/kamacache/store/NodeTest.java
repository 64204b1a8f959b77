package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeTest {

  @Test
  void aNodeGivesBackItsKeysHashCodeWithoutTheKey() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      Object key = i % 2 == 0 ? (Object) random.nextInt() : "key-" + random.nextLong();
      Node<Object, String> node = new Node<>(key, "value", Expiry.NEVER);
      assertThat(node.keyHash()).isEqualTo(key.hashCode());
    }
    for (int edge : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertThat(new Node<>(edge, "value", Expiry.NEVER).keyHash()).isEqualTo(edge);
    }
  }
}
