package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IndexTest {

  /** A key whose hash the test picks, so that chains can be made on purpose. */
  record Key(int id, int hash) {
    @Override public int hashCode() {
      return hash;
    }

    @Override public boolean equals(Object o) {
      return o instanceof Key k && k.id == id;
    }
  }

  private static Node<Object, String> node(Object key) {
    return new Node<>(key, "v" + key, Expiry.NEVER);
  }

  @Test
  void findsEveryAddedKeyAcrossResizes() {
    Index<Object, String> index = new Index<>();
    List<Node<Object, String>> nodes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Node<Object, String> n = node(i);
      index.add(n);
      nodes.add(n);
    }
    assertThat(index.indexed()).isEqualTo(10_000);
    for (Node<Object, String> n : nodes) {
      assertThat(index.get(n.key)).isSameAs(n);
    }
    assertThat(index.get(10_000)).isNull();
  }

  @Test
  void anIntegerIsFoundByAnEqualIntegerThatIsAnotherObject() {
    Index<Object, String> index = new Index<>();
    Node<Object, String> n = node(Integer.valueOf(100_000));
    index.add(n);
    assertThat(index.get(Integer.valueOf(100_000))).isSameAs(n);
    assertThat(index.get(Integer.valueOf(100_001))).isNull();
  }

  @Test
  void anIntegerIsNotTakenForAnotherKeyWithTheSameHashOnceOtherKeysAreIn() {
    Index<Object, String> index = new Index<>();
    index.add(node(1));
    // Long.hashCode(5L) == Integer.hashCode(5): the same node hash, another key.
    Node<Object, String> five = node(5L);
    index.add(five);
    assertThat(index.get(5)).isNull();
    assertThat(index.get(5L)).isSameAs(five);
    Node<Object, String> fiveKey = node(new Key(9, 5));
    index.add(fiveKey);
    assertThat(index.get(5)).isNull();
    Node<Object, String> integerFive = node(5);
    index.add(integerFive);
    assertThat(index.get(5)).isSameAs(integerFive);
    assertThat(index.get(5L)).isSameAs(five);
  }

  @Test
  void keysWithTheSameHashShareAChainAndStayApart() {
    Index<Object, String> index = new Index<>();
    Node<Object, String> a = node(new Key(1, 7));
    Node<Object, String> b = node(new Key(2, 7));
    Node<Object, String> c = node(new Key(3, 7));
    index.add(a);
    index.add(b);
    index.add(c);
    index.remove(b);
    assertThat(index.get(new Key(1, 7))).isSameAs(a);
    assertThat(index.get(new Key(2, 7))).isNull();
    assertThat(index.get(new Key(3, 7))).isSameAs(c);
    index.remove(c);
    index.remove(a);
    assertThat(index.indexed()).isZero();
    assertThat(index.get(new Key(1, 7))).isNull();
  }

  @Test
  void aChainKeepsItsNodesInTheOrderTheyWereAddedAcrossResizes() {
    Index<Object, String> index = new Index<>();
    Node<Object, String> older = node(new Key(1, 7));
    Node<Object, String> newer = node(new Key(2, 7));
    index.add(older);
    index.add(newer);
    for (int i = 0; i < 100; i++) { // resizes the table several times
      index.add(node(new Key(100 + i, 1_000 + i)));
    }
    // A long-lived entry is found without walking past the ones admitted after it.
    assertThat(older.hashNext).isSameAs(newer);
    assertThat(index.get(new Key(2, 7))).isSameAs(newer);
  }

  @Test
  void aRemovedNodeStillLeadsAReaderStandingOnItToTheRestOfItsChain() {
    Index<Object, String> index = new Index<>();
    Node<Object, String> last = node(new Key(1, 7));
    Node<Object, String> middle = node(new Key(2, 7));
    Node<Object, String> first = node(new Key(3, 7));
    index.add(first);
    index.add(middle);
    index.add(last); // the chain is first, middle, last
    index.remove(middle);
    assertThat(middle.hashNext).isSameAs(last);
    assertThat(first.hashNext).isSameAs(last);
  }

  @Test
  void clearForgetsEverything() {
    Index<Object, String> index = new Index<>();
    for (int i = 0; i < 100; i++) {
      index.add(node(i));
    }
    index.clearIndex();
    assertThat(index.indexed()).isZero();
    assertThat(index.get(5)).isNull();
  }

  /**
   * Readers look up keys that are always present while a writer, holding the lock as a bucket
   * would, adds and removes others and so makes the table double again and again. A miss is only
   * allowed when the stamp says a resize ran under it; any other miss is a lost entry.
   */
  @Test
  void aLockFreeMissIsOnlyEverTrustedWhenNoResizeRanUnderIt() throws Exception {
    for (int round = 0; round < 20; round++) {
      Index<Object, String> index = new Index<>();
      int resident = 64;
      for (int i = 0; i < resident; i++) {
        index.add(node(i));
      }
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<String> lost = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        int i = 0;
        while (!done.get()) {
          Integer key = i++ % resident;
          int stamp = index.stamp();
          Node<Object, String> found = index.get(key);
          if (found == null && index.unchangedSince(stamp)) {
            lost.compareAndSet(null, "key " + key + " missed outside a resize");
          } else if (found != null && !found.key.equals(key)) {
            lost.compareAndSet(null, "key " + key + " found node of " + found.key);
          }
        }
      });
      reader.start();
      Object lock = new Object();
      for (int i = resident; i < resident + 40_000; i++) {
        synchronized (lock) {
          index.add(node(i));
          if (i % 3 == 0) {
            index.remove(index.get(i - 1));
          }
        }
      }
      done.set(true);
      reader.join();
      assertThat(lost.get()).isNull();
    }
  }
}
