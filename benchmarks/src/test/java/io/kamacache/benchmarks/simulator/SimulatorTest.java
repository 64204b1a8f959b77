package io.kamacache.benchmarks.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class SimulatorTest {

  @Test
  void lruMissesEveryAccessOfALoopOneLongerThanTheCache() {
    int capacity = 100;
    int[] loop = SyntheticTraces.loop(capacity + 1, 10 * (capacity + 1));
    assertThat(HitRatioSimulator.replay(new LruPolicy(capacity), loop)).isZero();
  }

  @Test
  void aRepeatedKeyMissesOnlyOnce() {
    int[] same = new int[1_000];
    for (Policy.Factory factory : HitRatioSimulator.POLICIES.values()) {
      assertThat(HitRatioSimulator.replay(factory.create(10), same)).isEqualTo(999);
    }
  }

  @Test
  void everyPolicyHitsEverythingAfterTheFirstPassWhenTheKeysFit() {
    int[] loop = SyntheticTraces.loop(500, 5_000);
    for (Policy.Factory factory : HitRatioSimulator.POLICIES.values()) {
      assertThat(HitRatioSimulator.replay(factory.create(1_000), loop)).isEqualTo(4_500);
    }
  }

  @Test
  void theXzReaderDecodesBigEndianSignedInts() throws Exception {
    int[] keys = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x01020304};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new XZOutputStream(bytes, new LZMA2Options()))) {
      for (int key : keys) {
        out.writeInt(key);
      }
    }
    assertThat(TraceReader.read(new ByteArrayInputStream(bytes.toByteArray()))).containsExactly(keys);
  }

  @Test
  void syntheticTracesAreTheSameForTheSameSeed() {
    int[] first = SyntheticTraces.zipf(new SplittableRandom(7), 10_000, 1_000, 0.9, 0);
    int[] second = SyntheticTraces.zipf(new SplittableRandom(7), 10_000, 1_000, 0.9, 0);
    assertThat(first).containsExactly(second);
    // Rank 0 is the most popular key by far under a Zipf law.
    long zeros = Arrays.stream(first).filter(k -> k == 0).count();
    long ones = Arrays.stream(first).filter(k -> k == 1).count();
    assertThat(zeros).isGreaterThan(ones);
  }
}
