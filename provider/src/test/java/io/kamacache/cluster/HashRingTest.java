package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.WireCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashRingTest {

  private static final int VIRTUAL_NODES = 128;
  private static final int KEYS = 10_000;

  private static final HashRing.Member A = new HashRing.Member("a", "127.0.0.1:1");
  private static final HashRing.Member B = new HashRing.Member("b", "127.0.0.1:2");
  private static final HashRing.Member C = new HashRing.Member("c", "127.0.0.1:3");

  /** A key type whose hashCode differs from JVM to JVM; its position must not. */
  enum Region { NORTH, SOUTH }

  private final WireCodec codec = new WireCodec(List.of());

  private static HashRing ring(HashRing.Member... members) {
    return new HashRing(7, List.of(members), VIRTUAL_NODES);
  }

  private byte[] key(int i) {
    return codec.encode("key-" + i);
  }

  private Map<String, Integer> sharesOf(HashRing ring) {
    Map<String, Integer> shares = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      shares.merge(ring.owner(key(i)).id(), 1, Integer::sum);
    }
    return shares;
  }

  @Test
  void tenThousandKeysSpreadOverThreeMembersWithinTwentyPercentOfAFairShare() {
    Map<String, Integer> shares = sharesOf(ring(A, B, C));
    double fair = KEYS / 3.0;
    assertThat(shares).containsOnlyKeys("a", "b", "c");
    for (Map.Entry<String, Integer> share : shares.entrySet()) {
      assertThat((double) share.getValue()).as("keys owned by %s of %s", share.getKey(), shares)
          .isBetween(fair * 0.8, fair * 1.2);
    }
  }

  @Test
  void theRingHoldsEveryMemberItIsGiven() {
    HashRing ring = ring(A, B, C);
    assertThat(ring.members()).containsOnlyKeys("a", "b", "c");
    assertThat(ring.members().values()).containsExactlyInAnyOrder(A, B, C);
    assertThat(ring.epoch()).isEqualTo(7);
    assertThat(ring.isEmpty()).isFalse();
    assertThat(sharesOf(ring).keySet()).as("every member owns some keys").containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void anEmptyRingHasNoOwner() {
    HashRing ring = ring();
    assertThat(ring.isEmpty()).isTrue();
    assertThat(ring.owner(key(1))).isNull();
    assertThat(ring.backups(key(1), 2)).isEmpty();
  }

  @Test
  void twoRingsBuiltFromTheSameMembersAgreeOnEveryOwner() {
    // Rings are immutable and rebuilt on every change, so the order members arrive in must not matter.
    HashRing first = ring(A, B, C);
    HashRing second = new HashRing(8, new ArrayList<>(List.of(C, A, B)), VIRTUAL_NODES);
    for (int i = 0; i < KEYS; i++) {
      assertThat(second.owner(key(i))).as("key-%s", i).isEqualTo(first.owner(key(i)));
      assertThat(second.backups(key(i), 2)).isEqualTo(first.backups(key(i), 2));
    }
  }

  @Test
  void removingAMemberMovesOnlyThatMembersKeys() {
    HashRing before = ring(A, B, C);
    HashRing after = ring(A, C);
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      HashRing.Member was = before.owner(key(i));
      HashRing.Member now = after.owner(key(i));
      if (was.equals(B)) {
        assertThat(now).isIn(A, C);
        moved++;
      } else {
        assertThat(now).as("key-%s stays with %s", i, was).isEqualTo(was);
      }
    }
    assertThat(moved).as("B owned some keys").isPositive();
  }

  @Test
  void enumAndStringKeysHashTheirCodecBytesTheSameInSeparatelyBuiltRings() {
    WireCodec otherCodec = new WireCodec(List.of());
    HashRing first = ring(A, B, C);
    HashRing second = new HashRing(9, List.of(B, C, A), VIRTUAL_NODES);
    for (Object key : List.of(Region.NORTH, Region.SOUTH, "north", "south")) {
      byte[] bytes = codec.encode(key);
      byte[] again = otherCodec.encode(key);
      assertThat(again).as("%s encodes the same each time", key).isEqualTo(bytes);
      assertThat(HashRing.hash(again)).isEqualTo(HashRing.hash(bytes));
      assertThat(second.owner(again)).as("owner of %s", key).isEqualTo(first.owner(bytes));
      assertThat(first.ownerOf(HashRing.hash(bytes))).isEqualTo(first.owner(bytes));
    }
  }

  @Test
  void hashAndOwnerOfFixedBytesArePinned() {
    // Every JVM in a cluster, of every version, must agree: a changed hash function is a wire break.
    HashRing ring = ring(A, B, C);
    Object[][] vectors = {
        {new byte[] {}, -4984119475697113014L, "c"},
        {new byte[] {0}, -4318389221082884689L, "a"},
        {new byte[] {1, 'k'}, 1828395348699538916L, "c"},
        {new byte[] {'h', 'e', 'l', 'l', 'o'}, -4110984381178770975L, "b"},
        {new byte[] {(byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9}, -2954805199744164977L, "c"},
    };
    for (Object[] vector : vectors) {
      byte[] bytes = (byte[]) vector[0];
      assertThat(HashRing.hash(bytes)).as("hash of %s", java.util.Arrays.toString(bytes)).isEqualTo(vector[1]);
      assertThat(ring.owner(bytes).id()).as("owner of %s", java.util.Arrays.toString(bytes)).isEqualTo(vector[2]);
    }
    assertThat(codec.encode("k")).as("a String key's bytes: tag 1, then UTF-8").containsExactly(1, 'k');
  }
}
