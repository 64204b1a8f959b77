package io.kamacache.configuration;

import java.util.Collection;

/**
 * The known name a misspelt one most likely meant, for "did you mean ...?" in errors about the
 * configuration file and the cluster settings alike.
 */
public final class NearMiss {

  /** Edits that always still make an unknown name a likely misspelling of a known one. */
  public static final int EDITS = 3;

  private NearMiss() {}

  /**
   * The known name fewest edits away from {@code name}, or null when none is close enough to be
   * worth suggesting: {@link #EDITS} edits, or a third of the name's length for long names.
   */
  public static String closest(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(name, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(EDITS, name.length() / 3) ? best : null;
  }

  /** The Levenshtein distance between {@code a} and {@code b}. */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
