package io.kamacache.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {

  @Test
  void neverCountsBelowTheTrueCountBeforeAHalving() {
    FrequencySketch sketch = new FrequencySketch(1_000);
    for (int key = 0; key < 500; key++) {
      for (int i = 0; i < key % 10; i++) {
        sketch.increment(key);
      }
    }
    for (int key = 0; key < 500; key++) {
      assertThat(sketch.frequency(key)).isGreaterThanOrEqualTo(key % 10);
    }
  }

  @Test
  void saturatesAtFifteen() {
    FrequencySketch sketch = new FrequencySketch(64);
    for (int i = 0; i < 100; i++) {
      sketch.increment(7);
    }
    assertThat(sketch.frequency(7)).isEqualTo(15);
  }

  @Test
  void halvesOldCountsSoThatPastPopularityFades() {
    int capacity = 64;
    FrequencySketch sketch = new FrequencySketch(capacity);
    for (int i = 0; i < 12; i++) {
      sketch.increment(-1);
    }
    int before = sketch.frequency(-1);
    // Ten increments per entry of capacity trigger a halving.
    for (int key = 0; key < 10 * capacity; key++) {
      sketch.increment(key * 0x9E3779B9);
    }
    assertThat(sketch.frequency(-1)).isLessThanOrEqualTo(before / 2 + 1).isLessThan(before);
  }

  @Test
  void tellsAFrequentKeyFromOneSeenOnce() {
    FrequencySketch sketch = new FrequencySketch(256);
    for (int i = 0; i < 5; i++) {
      sketch.increment(1234);
    }
    sketch.increment(5678);
    assertThat(sketch.frequency(1234)).isGreaterThan(sketch.frequency(5678));
  }
}
