package io.kamacache.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A bucket's hash index, chained through the {@link Node nodes} themselves rather than through
 * entries of its own, as a ConcurrentHashMap would be. An insert at capacity is one new object
 * (the node) instead of two, and neither it nor the removal of the victim updates a shared size
 * counter or takes a bin's monitor: the bucket's lock already keeps writers apart. That was about a
 * third of the time of a put at capacity.
 *
 * <p>Writers hold the bucket's lock. Readers take none: a node is published to them with release
 * stores and read back with acquire loads, so a reader that finds a node sees it whole. A removed
 * node keeps its link to the rest of its chain, so a reader standing on it still walks on. Only a
 * resize relinks chains under readers' feet; it is rare (the table doubles, so a bucket of n
 * entries has resized log2(n) times, all while it filled) and counted, so a reader that found nothing while one ran asks again under the
 * lock ({@link #stamp}, {@link #unchangedSince}). A hit is always right: a node only ever holds
 * its own key.
 *
 * <p>{@link Bucket} extends it rather than holding one, so that a hit loads the table straight
 * from the bucket: one dependent load fewer on the path every read takes.
 */
class Index<K, V> {
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Node[].class);
  private static final VarHandle NEXT;
  private static final VarHandle SIZE;

  static {
    try {
      NEXT = MethodHandles.lookup().findVarHandle(Node.class, "hashNext", Node.class);
      SIZE = MethodHandles.lookup().findVarHandle(Index.class, "size", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Slots per entry are kept at no more than this load; the average chain is then under one node. */
  private static final double LOAD = 0.75;
  /** The largest power of two an array can have. */
  private static final int MAX_SLOTS = 1 << 30;
  /** Slots of a new index: a cache with a large bound and few entries pays for few slots. */
  private static final int INITIAL_SLOTS = 16;

  /** Its length is a power of two; a node's slot is the top bits of its hash, see {@link #slot}. */
  private volatile Node<K, V>[] table;
  private int size;
  /** Odd while a resize runs; each resize adds two. */
  private volatile int resizes;
  /**
   * Whether every key ever added was an Integer. Two Integers are equal exactly when their hashes
   * are (see {@link Node#hash}), so a lookup by an Integer need not load the node's key to compare
   * it: that load is a cache miss of its own on a large store. Cleared, for good, before the first
   * node of another class is linked, so a reader that finds that node sees it cleared.
   */
  private volatile boolean onlyIntegers = true;

  Index() {
    allocate(INITIAL_SLOTS);
  }

  /** The number of nodes indexed. The caller holds the lock. */
  int indexed() {
    return size;
  }

  /** The size as last written, for a reader without the lock: it may miss a change under way. */
  int sizeNow() {
    return (int) SIZE.getOpaque(this);
  }

  /** Taken before a lock-free {@link #get}; see {@link #unchangedSince}. */
  int stamp() {
    return resizes;
  }

  /** Whether no resize ran since the stamp was taken, so a miss seen in between is real. */
  boolean unchangedSince(int stamp) {
    return (stamp & 1) == 0 && resizes == stamp;
  }

  /** The key's node, or null; safe without the lock, see the class comment. */
  Node<K, V> get(Object key) {
    return get(key, Node.hash(key));
  }

  /** As {@link #get(Object)}, for a caller that has the key's {@link Node#hash} already. */
  Node<K, V> get(Object key, int hash) {
    Node<K, V>[] slots = table;
    @SuppressWarnings("unchecked")
    Node<K, V> node = (Node<K, V>) SLOTS.getAcquire(slots, slot(hash, slots));
    while (node != null) {
      if (node.hash == hash && (node.key == key || (key.getClass() == Integer.class && onlyIntegers)
          || node.key.equals(key))) {
        return node;
      }
      node = next(node);
    }
    return null;
  }

  /** Adds a node whose key is not indexed yet. The caller holds the lock. */
  void add(Node<K, V> node) {
    if (onlyIntegers && node.key.getClass() != Integer.class) {
      onlyIntegers = false;
    }
    if (size + 1 > table.length * LOAD && table.length < MAX_SLOTS) {
      resize(table.length << 1);
    }
    link(table, node);
    size++;
  }

  /** Removes an indexed node. The caller holds the lock. */
  void remove(Node<K, V> node) {
    Node<K, V>[] slots = table;
    int slot = slot(node.hash, slots);
    @SuppressWarnings("unchecked")
    Node<K, V> current = (Node<K, V>) SLOTS.getAcquire(slots, slot);
    if (current == node) {
      SLOTS.setRelease(slots, slot, next(node));
    } else {
      while (next(current) != node) {
        current = next(current);
      }
      NEXT.setRelease(current, next(node));
    }
    // node's own link is left as it is, for a reader standing on it.
    size--;
  }

  /** Forgets every node. The caller holds the lock. */
  void clearIndex() {
    Arrays.fill(table, null);
    size = 0;
  }

  private void resize(int slots) {
    Node<K, V>[] old = table;
    resizes++; // odd: readers that miss now must not trust it
    allocate(slots);
    Node<K, V>[] fresh = table;
    for (Node<K, V> head : old) {
      Node<K, V> node = head;
      while (node != null) {
        Node<K, V> next = next(node);
        link(fresh, node);
        node = next;
      }
    }
    resizes++;
  }

  @SuppressWarnings("unchecked")
  private void allocate(int slots) {
    table = (Node<K, V>[]) new Node[slots];
  }

  /**
   * The top log2(length) bits of the hash. Taken from the table's own length, never from a field
   * beside it, so a reader holding an older table than a resize just made cannot index past it.
   */
  private static int slot(int hash, Node<?, ?>[] slots) {
    return hash >>> Integer.numberOfLeadingZeros(slots.length - 1);
  }

  /**
   * Appends the node to its slot's chain. The entries that have stayed longest come first: a cache
   * fills with its popular keys early, and what it admits later, until it has proven itself, is
   * more often evicted than read. With skewed reads that halves the nodes a hit walks past (1.37 to
   * 1.03 on the Zipf benchmark's keys), and each is a cache miss of its own.
   */
  @SuppressWarnings("unchecked")
  private static <K, V> void link(Node<K, V>[] slots, Node<K, V> node) {
    NEXT.setRelease(node, null);
    int slot = slot(node.hash, slots);
    Node<K, V> last = (Node<K, V>) SLOTS.getAcquire(slots, slot);
    if (last == null) {
      SLOTS.setRelease(slots, slot, node);
      return;
    }
    for (Node<K, V> next = next(last); next != null; next = next(last)) {
      last = next;
    }
    NEXT.setRelease(last, node);
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Node<K, V> next(Node<K, V> node) {
    return (Node<K, V>) NEXT.getAcquire(node);
  }
}
