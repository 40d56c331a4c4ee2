package io.npsconnector.core.store;

import io.npsconnector.core.model.Category;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which answers a report or the responses feed covers; every part is optional and the parts combine with AND.
 *
 * @param from answered at or after
 * @param to answered before
 * @param trigger the invitation's trigger
 * @param connection the CRM connection
 * @param category promoters, passives or detractors
 * @param segments segment name to the {@linkplain SegmentValues#key(String) key} of its value: "EMEA" and
 *     "emea " are the same value
 * @param search text the comment contains, ignoring case; {@code %} and {@code _} are plain characters
 */
public record AnswerFilter(Optional<Instant> from, Optional<Instant> to, Optional<String> trigger,
    Optional<String> connection, Optional<Category> category, Map<String, String> segments, Optional<String> search) {
  /** Every answer. */
  public static final AnswerFilter ALL = new AnswerFilter(Optional.empty(), Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), Map.of(), Optional.empty());

  public AnswerFilter {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(category, "category");
    segments = java.util.Collections.unmodifiableMap(new TreeMap<>(segments));
    search = search.map(String::strip).filter(text -> !text.isEmpty());
  }

  /** Answers given at or after {@code since}. */
  public static AnswerFilter since(Instant since) {
    return ALL.withFrom(since);
  }

  public AnswerFilter withFrom(Instant value) {
    return new AnswerFilter(Optional.of(value), to, trigger, connection, category, segments, search);
  }

  public AnswerFilter withTo(Instant value) {
    return new AnswerFilter(from, Optional.of(value), trigger, connection, category, segments, search);
  }

  public AnswerFilter withTrigger(String value) {
    return new AnswerFilter(from, to, Optional.of(value), connection, category, segments, search);
  }

  public AnswerFilter withConnection(String value) {
    return new AnswerFilter(from, to, trigger, Optional.of(value), category, segments, search);
  }

  public AnswerFilter withCategory(Category value) {
    return new AnswerFilter(from, to, trigger, connection, Optional.of(value), segments, search);
  }

  /** Also only answers of contacts whose {@code segment} has {@code value} (any case, any surrounding space). */
  public AnswerFilter withSegment(String segment, String value) {
    Map<String, String> more = new TreeMap<>(segments);
    more.put(segment, SegmentValues.key(value));
    return new AnswerFilter(from, to, trigger, connection, category, more, search);
  }

  public AnswerFilter withSearch(String value) {
    return new AnswerFilter(from, to, trigger, connection, category, segments, Optional.of(value));
  }
}
