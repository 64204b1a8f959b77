package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BucketTest {

  private final List<String> evicted = new ArrayList<>();
  /** Where level 2 is full in a bucket of 100 at the frequency-minded setting these tests run at. */
  private static final int LEVEL2_FULL = (int) (100 * Tuner.CANDIDATES[TunerTest.FREQUENCY_MINDED].level2Share);
  private final Bucket<String, String> bucket = new Bucket<>(100, null, new Tuner(100, 1, TunerTest.FREQUENCY_MINDED), 0,
      (key, value, cause) -> evicted.add(key));

  /** Evicting everything gives the bucket's order from least to most valuable. */
  private List<String> order() {
    while (bucket.evictOne()) {
      // recorded by the listener
    }
    return evicted;
  }

  /** Inserts and promotes {@code count} keys: level 2 then runs p0 (least recent) to its last. */
  private List<Node<String, String>> promoted(int count) {
    List<Node<String, String>> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Node<String, String> node = bucket.insert("p" + i, "v", Expiry.NEVER);
      bucket.touch(node);
      nodes.add(node);
    }
    return nodes;
  }

  @Test
  void aLevelTwoHitGivesItsEntryASecondRoundBeforeDemotion() {
    List<Node<String, String>> nodes = promoted(LEVEL2_FULL);
    bucket.touchIfFree(nodes.get(0)); // marked, not moved: no lock needed
    Node<String, String> newcomer = bucket.insert("x", "v", Expiry.NEVER);
    bucket.touch(newcomer); // level 2 overflows: p0 is least recent but marked, so p1 goes
    StoreInvariants.check(bucket);
    assertThat(nodes.get(0).level).isEqualTo((byte) 2);
    assertThat(nodes.get(1).level).isEqualTo((byte) 1);
  }

  @Test
  void aDemotionEndsEvenWhenEveryEntryIsMarked() {
    List<Node<String, String>> nodes = promoted(LEVEL2_FULL);
    nodes.forEach(bucket::touchIfFree);
    Node<String, String> newcomer = bucket.insert("x", "v", Expiry.NEVER);
    bucket.touch(newcomer);
    StoreInvariants.check(bucket);
    assertThat(nodes.stream().filter(node -> node.level == 1)).hasSize(1);
  }

  @Test
  void aLevelOneHitTakesNoLockAndPromotesItsEntryWhenItReachesTheTail() {
    Node<String, String> first = bucket.insert("a", "v", Expiry.NEVER);
    bucket.insert("b", "v", Expiry.NEVER);
    bucket.lock.lock();
    try {
      // Another thread holds the lock: the hit is recorded all the same.
      Thread reader = new Thread(() -> bucket.touchIfFree(first));
      reader.start();
      join(reader);
    } finally {
      bucket.lock.unlock();
    }
    assertThat(first.level).as("marked, not moved yet").isEqualTo((byte) 1);
    assertThat(order()).as("a reached the tail marked, so it went to level 2 and b went first")
        .containsExactly("b", "a");
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theInvariantCheckCatchesALevelThatMiscountsItsEntries() {
    promoted(3);
    StoreInvariants.check(bucket);
    bucket.level2Size++;
    assertThatThrownBy(() -> StoreInvariants.check(bucket)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("level 2 size");
  }
}
