package io.kamacache.benchmarks.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A named sequence of key accesses and the cache sizes to replay it at. The sizes belong to the
 * trace because a useful size depends on how many distinct keys it touches.
 */
public final class Trace {
  private final String name;
  private final int[] keys;
  private final List<Integer> sizes;

  public Trace(String name, int[] keys, List<Integer> sizes) {
    this.name = name;
    this.keys = keys;
    this.sizes = List.copyOf(sizes);
  }

  /** Sizes as fractions of the distinct key count, never below one entry. */
  public static Trace relativeSizes(String name, int[] keys, double... fractions) {
    long distinct = distinct(keys);
    List<Integer> sizes = Arrays.stream(fractions)
        .mapToObj(f -> (int) Math.max(1, Math.round(distinct * f)))
        .distinct()
        .collect(Collectors.toList());
    return new Trace(name, keys, sizes);
  }

  public String name() {
    return name;
  }

  public int[] keys() {
    return keys;
  }

  public List<Integer> sizes() {
    return sizes;
  }

  public long distinctKeys() {
    return distinct(keys);
  }

  static long distinct(int[] keys) {
    return Arrays.stream(keys).distinct().count();
  }
}
