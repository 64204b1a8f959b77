package io.kamacache.codec;

import static io.kamacache.codec.HashWorkGraph.LEAF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The cost model of {@link StreamScan}: objects reachable from each hashed element, once per path. */
class HashWorkGraphTest {

  private static final long BUDGET = 1_000_000;

  private final HashWorkGraph graph = new HashWorkGraph();

  @Test
  void nothingHashedIsNoWork() {
    int set = graph.newNode(false);
    graph.edge(set, graph.newNode(false));
    assertThat(graph.work(BUDGET)).isZero();
  }

  @Test
  void aHashedLeafCountsOne() {
    graph.hashed(LEAF);
    graph.hashed(LEAF);
    assertThat(graph.work(BUDGET)).isEqualTo(2);
  }

  @Test
  void aHashedObjectCountsItselfItsLeavesAndWhatItAddsAndEverythingBelowIt() {
    int element = graph.newNode(false);
    int child = graph.newNode(false);
    graph.edge(element, child);
    graph.edge(element, LEAF);
    graph.edge(child, LEAF);
    graph.addWeight(child, 5);
    graph.hashed(element);
    // element: 1 + 1 leaf; child: 1 + 1 leaf + 5
    assertThat(graph.work(BUDGET)).isEqualTo(2 + 7);
  }

  @Test
  void aSharedObjectCountsOncePerPathToIt() {
    // Each level holds both nodes of the next: 2^levels paths to the bottom.
    int levels = 10;
    int[] below = {graph.newNode(false), graph.newNode(false)};
    for (int level = 1; level < levels; level++) {
      int[] here = {graph.newNode(false), graph.newNode(false)};
      for (int node : here) {
        graph.edge(node, below[0]);
        graph.edge(node, below[1]);
      }
      below = here;
    }
    graph.hashed(below[0]);
    // U(level 1) = 1; U(level n) = 1 + 2 U(level n - 1), so 2^levels - 1 from one top node.
    assertThat(graph.work(BUDGET)).isEqualTo((1L << levels) - 1);
  }

  @Test
  void anElementHashedTwiceCountsTwice() {
    int element = graph.newNode(false);
    graph.edge(element, graph.newNode(false));
    graph.hashed(element);
    graph.hashed(element);
    assertThat(graph.work(BUDGET)).isEqualTo(4);
  }

  @Test
  void workBeyondTheBudgetSaturatesJustAboveIt() {
    int below = graph.newNode(false);
    for (int level = 0; level < 100; level++) { // 2^100 paths: would overflow a long
      int here = graph.newNode(false);
      graph.edge(here, below);
      graph.edge(here, below);
      below = here;
    }
    graph.hashed(below);
    graph.hashed(below);
    assertThat(graph.work(BUDGET)).isEqualTo(BUDGET + 1);
  }

  @Test
  void aCycleThroughANodeThatStopsHashingCountsOnce() {
    int entity = graph.newNode(true);
    int list = graph.newNode(false);
    graph.edge(entity, list);
    graph.edge(list, entity); // the back-reference: counted 1, not followed
    graph.hashed(entity);
    assertThat(graph.work(BUDGET)).isEqualTo(1 + 1 + 1);
  }

  @Test
  void aCycleOfCollectionsOnlyIsRefused() {
    int list = graph.newNode(false);
    int inner = graph.newNode(false);
    graph.edge(list, inner);
    graph.edge(inner, list);
    graph.hashed(list);
    assertThatThrownBy(() -> graph.work(BUDGET)).isInstanceOf(CodecException.class)
        .hasMessage(HashWorkGraph.SELF_CONTAINING);
  }

  @Test
  void aCycleNotBelowAHashedElementCostsNothing() {
    int list = graph.newNode(false);
    graph.edge(list, list);
    int element = graph.newNode(false);
    graph.hashed(element);
    assertThat(graph.work(BUDGET)).isEqualTo(1);
  }

  @Test
  void growsPastItsFirstTables() {
    int previous = graph.newNode(false);
    int first = previous;
    for (int i = 0; i < 10_000; i++) { // a chain as long as a stream can make: no recursion
      int next = graph.newNode(false);
      graph.edge(previous, next);
      previous = next;
    }
    graph.hashed(first);
    assertThat(graph.work(BUDGET)).isEqualTo(10_001);
  }
}
