package io.kamacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A field-by-field copy gives what a serialization round trip gives, or steps aside. */
class GraphCopierTest {

  private static final JavaSerializationCodec SERIALIZATION = new JavaSerializationCodec();

  private static Object roundTrip(Object value) {
    return SERIALIZATION.decode(SERIALIZATION.encode(value), GraphCopierTest.class.getClassLoader());
  }

  static class Base {
    int initializedByConstructor;

    Base() {
      initializedByConstructor = 7;
    }
  }

  static final class Order extends Base implements Serializable {
    private static final long serialVersionUID = 1L;
    final String id;
    int quantity;
    long[] history = {1, 2, 3};
    List<String> tags = new ArrayList<>(List.of("a", "b"));
    Map<String, Integer> counts = new HashMap<>(Map.of("x", 1));
    Date placed = new Date(1_000);
    transient String cached = "derived";
    Order parent;

    Order(String id, int quantity) {
      this.id = id;
      this.quantity = quantity;
      this.initializedByConstructor = 99; // serialization does not keep it: Base is not Serializable
    }

    @Override public boolean equals(Object other) {
      if (!(other instanceof Order)) {
        return false;
      }
      Order that = (Order) other;
      return id.equals(that.id) && quantity == that.quantity && java.util.Arrays.equals(history, that.history)
          && tags.equals(that.tags) && counts.equals(that.counts) && placed.equals(that.placed)
          && Objects.equals(cached, that.cached) && initializedByConstructor == that.initializedByConstructor
          && (parent == null) == (that.parent == null);
    }

    @Override public int hashCode() {
      return id.hashCode();
    }
  }

  static final class Custom implements Serializable {
    private static final long serialVersionUID = 1L;
    int value = 1;

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      value = 42; // only real deserialization does this
    }
  }

  static final class Holder implements Serializable {
    private static final long serialVersionUID = 1L;
    Object content;

    Holder(Object content) {
      this.content = content;
    }
  }

  @Test
  void aPlainGraphComesOutAsASerializationRoundTripWouldMakeIt() throws Exception {
    Order order = new Order("o-1", 3);
    Object copy = GraphCopier.copy(order);
    assertThat(copy).isEqualTo(roundTrip(order)).isNotSameAs(order);
    Order copied = (Order) copy;
    assertThat(copied.cached).as("transient").isNull();
    assertThat(copied.initializedByConstructor).as("the non-Serializable superclass's constructor ran").isEqualTo(7);
    assertThat(copied.tags).isNotSameAs(order.tags);
    assertThat(copied.history).isNotSameAs(order.history);
    assertThat(copied.placed).isNotSameAs(order.placed);
    assertThat(copied.id).as("immutable parts are shared").isSameAs(order.id);
  }

  @Test
  void changingTheCopyLeavesTheOriginalAlone() throws Exception {
    Order order = new Order("o-1", 3);
    Order copy = (Order) GraphCopier.copy(order);
    copy.quantity = 9;
    copy.tags.add("c");
    copy.history[0] = 100;
    copy.counts.put("y", 2);
    copy.placed.setTime(5);
    assertThat(order.quantity).isEqualTo(3);
    assertThat(order.tags).containsExactly("a", "b");
    assertThat(order.history[0]).isEqualTo(1);
    assertThat(order.counts).containsOnlyKeys("x");
    assertThat(order.placed.getTime()).isEqualTo(1_000);
  }

  @Test
  void sharedReferencesStaySharedAndCyclesEnd() throws Exception {
    Order order = new Order("o-1", 3);
    order.parent = order;
    List<Object> shared = new ArrayList<>();
    shared.add(order.tags);
    shared.add(order.tags);
    Object[] graph = {order, shared, shared};
    Object[] copy = (Object[]) GraphCopier.copy(graph);
    Order copiedOrder = (Order) copy[0];
    assertThat(copiedOrder.parent).isSameAs(copiedOrder);
    assertThat(copy[1]).isSameAs(copy[2]);
    List<?> copiedShared = (List<?>) copy[1];
    assertThat(copiedShared.get(0)).isSameAs(copiedShared.get(1)).isSameAs(copiedOrder.tags);
  }

  @Test
  void theCommonCollectionsKeepTheirElementsAndOrder() throws Exception {
    TreeMap<String, Integer> sorted = new TreeMap<>();
    sorted.put("a", 1);
    sorted.put("b", 2);
    List<Object> all = List.of(new LinkedList<>(List.of(1, 2)), new ArrayDeque<>(List.of(3, 4)),
        new HashSet<>(List.of("s")), new TreeSet<>(List.of(5, 4)), sorted, new int[] {1, 2});
    for (Object collection : all) {
      Object copy = new Holder(collection);
      Object copied = ((Holder) GraphCopier.copy(copy)).content;
      Object viaSerialization = ((Holder) roundTrip(copy)).content;
      assertThat(copied).as(collection.getClass().getName()).isNotSameAs(collection);
      if (collection instanceof int[]) {
        assertThat((int[]) copied).isEqualTo((int[]) viaSerialization);
      } else if (collection instanceof ArrayDeque) {
        assertThat(new ArrayList<>((ArrayDeque<?>) copied)).isEqualTo(new ArrayList<>((ArrayDeque<?>) viaSerialization));
      } else {
        assertThat(copied).isEqualTo(viaSerialization);
        assertThat(String.valueOf(copied)).as("iteration order").isEqualTo(String.valueOf(viaSerialization));
      }
    }
  }

  @Test
  void classesWithTheirOwnSerializationAreLeftToSerialization() {
    assertThatThrownBy(() -> GraphCopier.copy(new Custom())).isInstanceOf(GraphCopier.Unsupported.class);
    assertThatThrownBy(() -> GraphCopier.copy(new Holder(new Custom()))).isInstanceOf(GraphCopier.Unsupported.class);
    assertThat(((Custom) roundTrip(new Custom())).value).isEqualTo(42);
  }

  @Test
  void theByValueCopierFallsBackToSerializationForThem() {
    ByValueCopier copier = new ByValueCopier(SERIALIZATION, getClass().getClassLoader());
    Object stored = copier.toStored(new Custom());
    assertThat(((Custom) copier.fromStored(stored)).value).as("readObject ran").isEqualTo(42);
    Order order = new Order("o-2", 1);
    Object storedOrder = copier.toStored(order);
    order.quantity = 50;
    Order first = (Order) copier.fromStored(storedOrder);
    first.quantity = 60;
    assertThat(((Order) copier.fromStored(storedOrder)).quantity).isEqualTo(1);
  }

  @Test
  void aValueThatIsNotSerializableAnywhereInTheGraphGetsTheCodecError() {
    Object notSerializable = new Object() { };
    assertThatThrownBy(() -> GraphCopier.copy(new Holder(new ArrayList<>(List.of(notSerializable)))))
        .isInstanceOf(CodecException.class).hasMessageContaining("not Serializable")
        .hasMessageContaining("setStoreByValue(false)");
  }

  @Test
  void jdkClassesItDoesNotKnowAreLeftToSerialization() {
    assertThatThrownBy(() -> GraphCopier.copy(new Holder(new java.util.concurrent.ConcurrentHashMap<>(Map.of(1, 2)))))
        .isInstanceOf(GraphCopier.Unsupported.class);
    assertThatThrownBy(() -> GraphCopier.copy(new Holder(List.of(1, 2))))
        .isInstanceOf(GraphCopier.Unsupported.class);
  }
}
