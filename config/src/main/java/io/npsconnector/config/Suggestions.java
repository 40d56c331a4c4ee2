package io.npsconnector.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and values, by edit distance. */
public final class Suggestions {
  private Suggestions() {}

  /** {@code " — did you mean 'x'?"}, or an empty string when nothing is close. */
  public static String didYouMean(String typed, Collection<String> candidates) {
    return nearest(typed, candidates).map(best -> " — did you mean '" + best + "'?").orElse("");
  }

  /** The candidate within a third of the typed length in edits (at least 2), if one is. */
  static Optional<String> nearest(String typed, Collection<String> candidates) {
    String needle = typed.toLowerCase(Locale.ROOT);
    int limit = Math.max(2, needle.length() / 3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(needle, candidate.toLowerCase(Locale.ROOT));
      if (distance <= limit && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
