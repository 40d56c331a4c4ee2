package io.npsconnector.core.stats;

import io.npsconnector.core.model.Score;
import java.util.Collections;
import java.util.Comparator;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Answers tallied per key (a period, a segment value, or both) and overall, keys kept in order.
 *
 * <p>Not thread-safe: fill it from one thread, then read it.
 *
 * @param <K> the group key
 */
public final class NpsBreakdown<K> {
  private final TreeMap<K, NpsTally> groups;
  private NpsTally overall = NpsTally.EMPTY;

  private NpsBreakdown(Comparator<? super K> order) {
    this.groups = new TreeMap<>(order);
  }

  /** An empty breakdown whose keys sort in their natural order ({@link CalendarPeriod} keys chronologically). */
  public static <K extends Comparable<? super K>> NpsBreakdown<K> sorted() {
    return new NpsBreakdown<>(Comparator.naturalOrder());
  }

  /** An empty breakdown whose keys sort by {@code order}. */
  public static <K> NpsBreakdown<K> sortedBy(Comparator<? super K> order) {
    return new NpsBreakdown<>(Objects.requireNonNull(order, "order"));
  }

  /** Counts {@code score} in the group {@code key} and overall. */
  public void add(K key, Score score) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(score, "score");
    groups.merge(key, NpsTally.EMPTY.plus(score), NpsTally::plus);
    overall = overall.plus(score);
  }

  /** Every answer added, whatever its key. */
  public NpsTally overall() {
    return overall;
  }

  /** The tally of each key, in key order; a read-only view. */
  public SortedMap<K, NpsTally> groups() {
    return Collections.unmodifiableSortedMap(groups);
  }
}
