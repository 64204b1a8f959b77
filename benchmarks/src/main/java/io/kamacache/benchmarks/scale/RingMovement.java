package io.kamacache.benchmarks.scale;

import io.kamacache.cluster.HashRing;
import io.kamacache.codec.WireCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The share of keys whose owner changes when the k-th member joins, on the provider's own
 * {@link HashRing} with the keys' real wire bytes, against the ideal 1/k of consistent hashing;
 * and how far the busiest member's share is above the mean once it has joined.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.kamacache.benchmarks.scale.RingMovement [keys] [members] [virtual-nodes]</pre>
 */
public final class RingMovement {

  /** One step: the k-th member joins. */
  public record Step(int members, double movedShare, double ideal, double toNewcomer, double busiestOverMean) {}

  private RingMovement() {}

  public static void main(String[] args) {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int members = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int virtualNodes = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    System.out.printf(Locale.ROOT, "%,d String keys, %d virtual nodes per member%n%n", keys, virtualNodes);
    System.out.println("| k | keys moved | ideal 1/k | moved ÷ ideal | moved to the newcomer | busiest member ÷ mean |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (Step step : simulate(keys, members, virtualNodes)) {
      System.out.printf(Locale.ROOT, "| %d | %.2f%% | %.2f%% | %.2f | %.1f%% | %.2f |%n", step.members(),
          100 * step.movedShare(), 100 * step.ideal(), step.movedShare() / step.ideal(), 100 * step.toNewcomer(),
          step.busiestOverMean());
    }
  }

  /** One step per member from the 2nd to the {@code members}-th. */
  public static List<Step> simulate(int keys, int members, int virtualNodes) {
    WireCodec codec = new WireCodec(List.of());
    byte[][] keyBytes = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = codec.encode("key-" + i);
    }
    List<HashRing.Member> joined = new ArrayList<>(List.of(member(1)));
    String[] owners = owners(new HashRing(1, joined, virtualNodes), keyBytes);
    List<Step> steps = new ArrayList<>();
    for (int k = 2; k <= members; k++) {
      HashRing.Member newcomer = member(k);
      joined.add(newcomer);
      String[] next = owners(new HashRing(k, joined, virtualNodes), keyBytes);
      int moved = 0;
      int toNewcomer = 0;
      Map<String, Integer> load = new HashMap<>();
      for (int i = 0; i < keys; i++) {
        if (!next[i].equals(owners[i])) {
          moved++;
          if (next[i].equals(newcomer.id())) {
            toNewcomer++;
          }
        }
        load.merge(next[i], 1, Integer::sum);
      }
      int busiest = load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      steps.add(new Step(k, (double) moved / keys, 1.0 / k, moved == 0 ? 1 : (double) toNewcomer / moved,
          busiest / ((double) keys / k)));
      owners = next;
    }
    return steps;
  }

  private static String[] owners(HashRing ring, byte[][] keyBytes) {
    String[] owners = new String[keyBytes.length];
    for (int i = 0; i < keyBytes.length; i++) {
      owners[i] = ring.owner(keyBytes[i]).id();
    }
    return owners;
  }

  private static HashRing.Member member(int number) {
    return new HashRing.Member("member-" + number, "10.0.0." + number + ":7400");
  }
}
