package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GhostKeysTest {

  @Test
  void remembersTheMostRecentHashesUpToItsCapacity() {
    GhostKeys ghosts = new GhostKeys(3);
    ghosts.add(1);
    ghosts.add(2);
    ghosts.add(3);
    ghosts.add(4); // forgets 1
    assertThat(ghosts.remove(1)).isFalse();
    assertThat(ghosts.remove(4)).isTrue();
    assertThat(ghosts.remove(4)).isFalse();
    assertThat(ghosts.remove(2)).isTrue();
  }

  @Test
  void agreesWithASimpleModelOverRandomOperations() {
    // Colliding hashes (small range, same table slot) exercise the backward-shift deletion.
    GhostKeys ghosts = new GhostKeys(16);
    Deque<Integer> model = new ArrayDeque<>();
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      int hash = random.nextInt(64) * 32;
      if (random.nextBoolean()) {
        if (!model.contains(hash)) {
          if (model.size() == 16) {
            model.removeFirst();
          }
          model.addLast(hash);
          ghosts.add(hash);
        }
      } else {
        boolean expected = model.remove(hash);
        // A removed hash stays in the FIFO until it ages out; the model drops it at once, so the
        // ghost may forget entries sooner than the model but never remember one the model lacks.
        boolean actual = ghosts.remove(hash);
        if (actual) {
          assertThat(expected).as("hash %d", hash).isTrue();
        }
      }
    }
  }
}
