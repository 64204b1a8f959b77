package io.kamacache.codec;

import java.util.Arrays;

/**
 * The graph of a serialization stream's objects and arrays that {@link StreamScan} builds (which
 * object holds which, with back-references as edges to the objects they name), the elements that
 * hash collections hash while the stream is read, and the hashing that implies.
 *
 * <p>Hash collections hash their elements while they are being read, and the hash code of a
 * collection is made from those of its elements, so hashing an element visits every object below
 * it, once per path to it. A stream can share objects, so a small one can describe a graph with
 * exponentially many paths (SerialDOS: every set of a level holds every set of the next). The
 * work counts:
 *
 * <ul>
 *   <li>for every object, the objects its hash code can reach counted once per path,
 *       {@code U(o) = weight(o) + sum of U(child)}, memoized and saturating just above the budget,
 *       so an exponential unfolding costs time linear in the graph. A node weighs 1, plus 1 for
 *       each {@link #LEAF} it holds, plus whatever the scan adds (the elements of a primitive array);
 *   <li>the work: the sum of {@code U(e)} over every element hashed; a leaf element counts 1.
 * </ul>
 *
 * <p>A reference cycle below a hashed element is counted once when it passes through a node whose
 * hashCode may stop there (made with {@code stopsHashing}); a cycle through none of those is
 * refused with {@link #SELF_CONTAINING}, since hashing it would recurse until the stack overflowed.
 */
final class HashWorkGraph {

  /** A child that is not an object or array of the graph: null, a string, an enum, a class. */
  static final int LEAF = -1;

  static final String SELF_CONTAINING = "cannot deserialize a value: a set element or map key in it contains"
      + " itself through collections only, so hashing it would recurse until the stack overflowed";

  /** First size of the growable tables: a small value never grows them, and doubling is cheap. */
  private static final int INITIAL_SIZE = 64;

  /** For each node: its own weight, and whether a cycle through it may stop hashing. */
  private long[] weights = new long[INITIAL_SIZE];
  private boolean[] stopsHashing = new boolean[INITIAL_SIZE];
  private int nodes;

  /** Edges of the graph, as parallel lists of from and to. */
  private final IntList edgeFrom = new IntList();
  private final IntList edgeTo = new IntList();
  /** Every element a hash collection hashes: a node, or LEAF. */
  private final IntList hashed = new IntList();

  /** A new node of weight 1; {@code stopsHashing} if a hashCode may stop at it when it meets it again. */
  int newNode(boolean stopsHashing) {
    if (nodes == weights.length) {
      weights = Arrays.copyOf(weights, nodes * 2);
      this.stopsHashing = Arrays.copyOf(this.stopsHashing, nodes * 2);
    }
    weights[nodes] = 1;
    this.stopsHashing[nodes] = stopsHashing;
    return nodes++;
  }

  /** Adds to what hashing {@code node} itself visits, besides its children. */
  void addWeight(int node, long weight) {
    weights[node] += weight;
  }

  /** {@code from} holds {@code to}: a node, or a LEAF, which only weighs {@code from} by one. */
  void edge(int from, int to) {
    if (to == LEAF) {
      weights[from]++;
    } else {
      edgeFrom.add(from);
      edgeTo.add(to);
    }
  }

  /** A hash collection hashes {@code element}, a node or LEAF, while it is read. */
  void hashed(int element) {
    hashed.add(element);
  }

  /**
   * The sum, over every element hashed, of the objects its hash code reaches counted once per
   * path; at most {@code budget + 1}. Walks the graph depth first with a stack of its own, since a
   * chain of back-references can be as long as the stream.
   *
   * @throws CodecException with {@link #SELF_CONTAINING} for a cycle below a hashed element that
   *     no node of it stops
   */
  long work(long budget) {
    long cap = budget + 1;
    // The edges of each node, contiguous.
    int[] first = new int[nodes + 1];
    int edges = edgeFrom.size;
    for (int i = 0; i < edges; i++) {
      first[edgeFrom.values[i] + 1]++;
    }
    for (int n = 0; n < nodes; n++) {
      first[n + 1] += first[n];
    }
    int[] targets = new int[edges];
    int[] fill = Arrays.copyOf(first, nodes);
    for (int i = 0; i < edges; i++) {
      targets[fill[edgeFrom.values[i]]++] = edgeTo.values[i];
    }

    long[] reach = new long[nodes]; // U once done, the running sum while on the stack
    byte[] state = new byte[nodes]; // 0 not yet visited, 1 on the stack, 2 done
    int[] stackNode = new int[Math.max(1, nodes)];
    int[] stackEdge = new int[stackNode.length];
    int[] stackStops = new int[stackNode.length]; // nodes that stop hashing, up to this position
    int[] stackPosition = new int[Math.max(1, nodes)];
    long work = 0;
    for (int h = 0; h < hashed.size; h++) {
      int element = hashed.values[h];
      if (element == LEAF) {
        work = Math.min(cap, work + 1);
        continue;
      }
      if (state[element] != 2) {
        int top = 0;
        push(element, 0, stackNode, stackEdge, stackStops, stackPosition, state, reach, first);
        while (top >= 0) {
          int node = stackNode[top];
          int e = stackEdge[top];
          if (e < first[node + 1]) {
            stackEdge[top] = e + 1;
            int child = targets[e];
            if (state[child] == 2) {
              reach[node] = Math.min(cap, reach[node] + reach[child]);
            } else if (state[child] == 1) {
              int at = stackPosition[child];
              int stops = stackStops[top] - (at == 0 ? 0 : stackStops[at - 1]);
              if (stops == 0) {
                throw new CodecException(SELF_CONTAINING, null);
              }
              reach[node] = Math.min(cap, reach[node] + 1);
            } else {
              top++;
              push(child, top, stackNode, stackEdge, stackStops, stackPosition, state, reach, first);
            }
          } else {
            state[node] = 2;
            top--;
            if (top >= 0) {
              int parent = stackNode[top];
              reach[parent] = Math.min(cap, reach[parent] + reach[node]);
            }
          }
        }
      }
      work = Math.min(cap, work + reach[element]);
      if (work >= cap) {
        return cap;
      }
    }
    return work;
  }

  private void push(int node, int top, int[] stackNode, int[] stackEdge, int[] stackStops, int[] stackPosition,
      byte[] state, long[] reach, int[] first) {
    stackNode[top] = node;
    stackEdge[top] = first[node];
    stackStops[top] = (top == 0 ? 0 : stackStops[top - 1]) + (stopsHashing[node] ? 1 : 0);
    stackPosition[node] = top;
    state[node] = 1;
    reach[node] = weights[node];
  }

  /** A growable list of ints. */
  private static final class IntList {
    int[] values = new int[INITIAL_SIZE];
    int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }
  }
}
