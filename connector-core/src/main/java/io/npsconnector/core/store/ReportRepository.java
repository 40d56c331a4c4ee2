package io.npsconnector.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jdbi.v3.core.Jdbi;

/** Read-only figures for the dashboard and the JSON API, across every connection. */
public final class ReportRepository {
  private final Jdbi jdbi;

  public ReportRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * One answer with what it can be broken down by.
   *
   * @param account the contact's account (company) name, where the CRM has one
   */
  public record AnswerRow(long answerId, long invitationId, String connection, String trigger, String channel,
      Instant answeredAt, int score, Optional<String> comment, String contactId, String contactName,
      Optional<String> email, Map<String, String> segments, Optional<String> account,
      AnswerRepository.Confirmation confirmedBy) {

    /** True when the score was given by one click in the mail, confirmed by a gesture or the grace period. */
    public boolean oneClick() {
      return confirmedBy != AnswerRepository.Confirmation.FORM;
    }
  }

  /** A write-back that failed for good. */
  public record FailedWrite(String connection, String kind, String key, Optional<String> contactId,
      Optional<String> errorCode, Optional<String> errorMessage, Instant at) {}

  /** Every answer given since {@code since}, oldest first. */
  public List<AnswerRow> answers(Instant since) {
    return answers(AnswerFilter.since(since));
  }

  /**
   * Every answer the filter lets through, oldest first, in one list: for small sets (the demo, tests). Reports
   * over the store use the aggregates below, and exports {@link #forEach}.
   */
  public List<AnswerRow> answers(AnswerFilter filter) {
    List<AnswerRow> rows = new java.util.ArrayList<>();
    forEach(filter, rows::add);
    return rows;
  }

  /** How many answers {@link #forEach} reads from the store at a time. */
  static final int EXPORT_PAGE = 1_000;

  /**
   * Hands every answer the filter lets through to {@code sink}, oldest first, one page of {@value #EXPORT_PAGE} in
   * memory at a time (keyset paging on (answered_at, id), each page its own short query).
   *
   * @return how many answers were handed over
   */
  public long forEach(AnswerFilter filter, java.util.function.Consumer<AnswerRow> sink) {
    return forEach(filter, EXPORT_PAGE, sink);
  }

  long forEach(AnswerFilter filter, int pageSize, java.util.function.Consumer<AnswerRow> sink) {
    Where where = Where.of(filter);
    long count = 0;
    Optional<FeedPosition> after = Optional.empty();
    while (true) {
      Optional<FeedPosition> from = after;
      String keyset = from.isEmpty() ? "" : (where.sql().isEmpty() ? " WHERE" : " AND")
          + " (a.answered_at > :afterAt OR (a.answered_at = :afterAt AND a.id > :afterId))";
      List<AnswerRow> page = jdbi.withHandle(handle -> {
        var query = where.bind(handle.createQuery(SELECT + where.sql() + keyset + " ORDER BY a.answered_at, a.id"));
        from.ifPresent(position -> query.bind("afterAt", Sql.timestamp(position.answeredAt()))
            .bind("afterId", position.answerId()));
        return query.setMaxRows(pageSize).map((rs, ctx) -> row(rs)).list();
      });
      page.forEach(sink);
      count += page.size();
      if (page.size() < pageSize) {
        return count;
      }
      AnswerRow last = page.get(page.size() - 1);
      after = Optional.of(new FeedPosition(last.answeredAt(), last.answerId()));
    }
  }

  /**
   * The answers the filter lets through counted by score and by how they were confirmed, by the database.
   *
   * @param byScore how many answers gave each score, index 0 to 10
   * @param oneClick how many were given by one click in the mail ({@link AnswerRow#oneClick()})
   */
  public record ScoreCounts(List<Integer> byScore, int oneClick) {
    public ScoreCounts {
      byScore = List.copyOf(byScore);
    }

    /** The promoters, passives and detractors among them. */
    public io.npsconnector.core.stats.NpsTally tally() {
      int detractors = 0;
      for (int score = 0; score <= 6; score++) {
        detractors += byScore.get(score);
      }
      return io.npsconnector.core.stats.NpsTally.of(byScore.get(9) + byScore.get(10), byScore.get(7) + byScore.get(8),
          detractors);
    }
  }

  /** The answers the filter lets through, counted by score and by confirmation. */
  public ScoreCounts scoreCounts(AnswerFilter filter) {
    Where where = Where.of(filter);
    Integer[] byScore = new Integer[11];
    java.util.Arrays.fill(byScore, 0);
    int[] oneClick = {0};
    jdbi.useHandle(handle -> where.bind(handle.createQuery("SELECT a.score, a.confirmed_by, COUNT(*) AS n"
            + where.answers() + where.sql() + " GROUP BY a.score, a.confirmed_by"))
        .map((rs, ctx) -> {
          int n = rs.getInt("n");
          byScore[rs.getInt("score")] += n;
          if (AnswerRepository.Confirmation.of(rs.getString("confirmed_by")) != AnswerRepository.Confirmation.FORM) {
            oneClick[0] += n;
          }
          return n;
        }).forEach(n -> { }));
    return new ScoreCounts(List.of(byScore), oneClick[0]);
  }

  /** What answers can be tallied by, as the invitation records it. */
  public enum Dimension {
    TRIGGER("i.trigger_name"), CHANNEL("i.channel"), CONNECTION("i.connection");

    private final String column;

    Dimension(String column) {
      this.column = column;
    }
  }

  private static final String CATEGORY_SUMS = "SUM(CASE WHEN a.score >= 9 THEN 1 ELSE 0 END) AS promoters, "
      + "SUM(CASE WHEN a.score BETWEEN 7 AND 8 THEN 1 ELSE 0 END) AS passives, "
      + "SUM(CASE WHEN a.score <= 6 THEN 1 ELSE 0 END) AS detractors";

  private static io.npsconnector.core.stats.NpsTally tally(java.sql.ResultSet rs) throws java.sql.SQLException {
    return io.npsconnector.core.stats.NpsTally.of(rs.getInt("promoters"), rs.getInt("passives"),
        rs.getInt("detractors"));
  }

  /**
   * The answers the filter lets through, tallied per value of {@code dimension} by the database, in value order: the
   * one grouped query of {@link #tallyByEach}, whose groups (trigger, channel, connection) are few.
   */
  public Map<String, io.npsconnector.core.stats.NpsTally> tallyBy(AnswerFilter filter, Dimension dimension) {
    return tallyByEach(filter).get(dimension);
  }

  /**
   * The answers the filter lets through, tallied per value of every dimension, each in value order, by one query:
   * the answers are tallied per trigger, channel and connection together (a few groups) and the groups summed per
   * dimension, so that the dashboard's three breakdowns join the answers to their invitations once, not three times.
   */
  public Map<Dimension, Map<String, io.npsconnector.core.stats.NpsTally>> tallyByEach(AnswerFilter filter) {
    Where where = Where.of(filter);
    Map<Dimension, Map<String, io.npsconnector.core.stats.NpsTally>> tallies = new java.util.EnumMap<>(Dimension.class);
    for (Dimension dimension : Dimension.values()) {
      tallies.put(dimension, new TreeMap<>());
    }
    String columns = java.util.Arrays.stream(Dimension.values()).map(dimension -> dimension.column)
        .collect(java.util.stream.Collectors.joining(", "));
    jdbi.useHandle(handle -> where.bind(handle.createQuery("SELECT " + columns + ", " + CATEGORY_SUMS
            + " FROM answers a JOIN invitations i ON i.id = a.invitation_id" + where.sql() + " GROUP BY " + columns))
        .map((rs, ctx) -> {
          io.npsconnector.core.stats.NpsTally tally = tally(rs);
          for (Dimension dimension : Dimension.values()) {
            tallies.get(dimension).merge(rs.getString(dimension.ordinal() + 1), tally,
                io.npsconnector.core.stats.NpsTally::plus);
          }
          return tally;
        }).forEach(tally -> { }));
    return tallies;
  }

  /**
   * The answers the filter lets through whose contact has a value of a segment, tallied per segment and value
   * group (the {@link SegmentValues#key key}) by the database; answers without a value are not in it.
   *
   * @return segment name to value key to tally, both in key order
   */
  public Map<String, Map<String, io.npsconnector.core.stats.NpsTally>> tallyBySegment(AnswerFilter filter) {
    Where where = Where.of(filter);
    Map<String, Map<String, io.npsconnector.core.stats.NpsTally>> tallies = new TreeMap<>();
    jdbi.useHandle(handle -> where.bind(handle.createQuery("SELECT sv.segment, sv.value_key, " + CATEGORY_SUMS
            + " FROM answers a JOIN invitations i ON i.id = a.invitation_id JOIN contact_segments sv ON "
            + "sv.connection = i.connection AND sv.crm_id = i.contact_crm_id" + where.sql()
            + " GROUP BY sv.segment, sv.value_key"))
        .map((rs, ctx) -> List.of(rs.getString("segment"), rs.getString("value_key"), tally(rs)))
        .forEach(row -> tallies.computeIfAbsent((String) row.get(0), key -> new TreeMap<>())
            .put((String) row.get(1), (io.npsconnector.core.stats.NpsTally) row.get(2))));
    return tallies;
  }

  /** How many boundaries one query of {@link #tallyBetween} compares an answer with at most. */
  static final int BOUNDARIES_PER_QUERY = 64;

  /**
   * The answers the filter lets through tallied per span between consecutive {@code boundaries} (ascending): the
   * tally at index k counts the answers from {@code boundaries[k]} included to {@code boundaries[k + 1]} excluded,
   * by the database; answers outside every span are not counted.
   */
  public List<io.npsconnector.core.stats.NpsTally> tallyBetween(AnswerFilter filter, List<Instant> boundaries) {
    for (int k = 1; k < boundaries.size(); k++) {
      if (!boundaries.get(k).isAfter(boundaries.get(k - 1))) {
        throw new IllegalArgumentException("boundaries must ascend, got " + boundaries.get(k - 1) + " then "
            + boundaries.get(k));
      }
    }
    List<io.npsconnector.core.stats.NpsTally> tallies = new java.util.ArrayList<>(
        java.util.Collections.nCopies(Math.max(0, boundaries.size() - 1), io.npsconnector.core.stats.NpsTally.EMPTY));
    for (int first = 0; first < boundaries.size() - 1; first += BOUNDARIES_PER_QUERY - 1) {
      int last = Math.min(boundaries.size() - 1, first + BOUNDARIES_PER_QUERY - 1);
      Where where = Where.of(filter);
      StringBuilder span = new StringBuilder("CASE");
      for (int k = first + 1; k <= last; k++) {
        span.append(" WHEN a.answered_at < :b").append(k).append(" THEN ").append(k - 1);
      }
      span.append(" END");
      String range = (where.sql().isEmpty() ? " WHERE" : " AND") + " a.answered_at >= :b" + first
          + " AND a.answered_at < :b" + last;
      int from = first;
      int to = last;
      jdbi.useHandle(handle -> {
        var query = where.bind(handle.createQuery("SELECT t.span, " + CATEGORY_SUMS.replace("a.score", "t.score")
            + " FROM (SELECT " + span + " AS span, a.score" + where.answers() + where.sql() + range
            + ") t GROUP BY t.span"));
        for (int k = from; k <= to; k++) {
          query.bind("b" + k, Sql.timestamp(boundaries.get(k)));
        }
        query.map((rs, ctx) -> Map.entry(rs.getInt("span"), tally(rs)))
            .forEach(entry -> tallies.set(entry.getKey(), entry.getValue()));
      });
    }
    return tallies;
  }

  /** A detractor's answer and the state of its follow-up task; empty when none was queued. */
  public record OpenDetractor(AnswerRow answer, Optional<String> taskState) {}

  /**
   * The latest {@code limit} detractors the filter lets through whose follow-up task is not done, newest first,
   * picked by the database.
   */
  public List<OpenDetractor> openDetractors(AnswerFilter filter, int limit) {
    if (filter.category().filter(category -> category != io.npsconnector.core.model.Category.DETRACTOR).isPresent()) {
      return List.of();
    }
    Where where = Where.of(filter.withCategory(io.npsconnector.core.model.Category.DETRACTOR));
    String task = "(SELECT MIN(w.state) FROM writeback_queue w WHERE w.connection = i.connection AND "
        + "w.kind = 'FOLLOW_UP_TASK' AND w.coalesce_key = CONCAT('task:', CAST(a.id AS VARCHAR(20))))";
    return jdbi.withHandle(handle -> where.bind(handle.createQuery(SELECT.replace(" FROM answers a",
            ", " + task + " AS task_state FROM answers a") + where.sql() + " AND NOT EXISTS (SELECT 1 FROM "
            + "writeback_queue d WHERE d.connection = i.connection AND d.kind = 'FOLLOW_UP_TASK' AND d.coalesce_key = "
            + "CONCAT('task:', CAST(a.id AS VARCHAR(20))) AND d.state = 'DONE') ORDER BY a.answered_at DESC, a.id DESC"))
        .setMaxRows(limit)
        .map((rs, ctx) -> new OpenDetractor(row(rs), Optional.ofNullable(rs.getString("task_state"))))
        .list());
  }

  /** Where a page of the feed ends: the next page starts after this answer. */
  public record FeedPosition(Instant answeredAt, long answerId) {
    /** As carried in a link ({@code 2026-11-02T10:00:00Z~42}). */
    public String text() {
      return answeredAt + "~" + answerId;
    }

    /**
     * Reads {@link #text()}.
     *
     * @throws IllegalArgumentException when the text is not one
     */
    public static FeedPosition parse(String text) {
      int tilde = text.lastIndexOf('~');
      try {
        if (tilde > 0) {
          return new FeedPosition(Instant.parse(text.substring(0, tilde)), Long.parseLong(text.substring(tilde + 1)));
        }
      } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("not a position in the feed: " + text);
    }
  }

  /**
   * One page of the feed.
   *
   * @param next where the following page starts; empty on the last page
   */
  public record FeedPage(List<AnswerRow> rows, Optional<FeedPosition> next) {}

  /**
   * The answers the filter lets through, newest first, {@code size} at a time: keyset paging on
   * (answered_at, id), so a page costs the same however deep it is and answers arriving meanwhile do not shift it.
   */
  public FeedPage feed(AnswerFilter filter, Optional<FeedPosition> after, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, got " + size);
    }
    Where where = Where.of(filter);
    String keyset = after.isEmpty() ? "" : (where.sql().isEmpty() ? " WHERE" : " AND")
        + " (a.answered_at < :afterAt OR (a.answered_at = :afterAt AND a.id < :afterId))";
    List<AnswerRow> rows = jdbi.withHandle(handle -> {
      var query = where.bind(handle.createQuery(SELECT + where.sql() + keyset
          + " ORDER BY a.answered_at DESC, a.id DESC"));
      after.ifPresent(position -> query.bind("afterAt", Sql.timestamp(position.answeredAt()))
          .bind("afterId", position.answerId()));
      return query.setMaxRows(size + 1).map((rs, ctx) -> row(rs)).list();
    });
    if (rows.size() <= size) {
      return new FeedPage(rows, Optional.empty());
    }
    AnswerRow last = rows.get(size - 1);
    return new FeedPage(List.copyOf(rows.subList(0, size)),
        Optional.of(new FeedPosition(last.answeredAt(), last.answerId())));
  }

  /** How many answers the filter lets through. */
  public int count(AnswerFilter filter) {
    Where where = Where.of(filter);
    return jdbi.withHandle(handle -> where.bind(handle.createQuery("SELECT COUNT(*)" + where.answers()
        + where.sql())).mapTo(Integer.class).one());
  }

  /** How many alerts were sent about the answers the filter lets through (every destination counts). */
  public int alertsSent(AnswerFilter filter) {
    Where where = Where.of(filter);
    return jdbi.withHandle(handle -> where.bind(handle.createQuery("SELECT COUNT(*) FROM alert_outbox o "
        + "JOIN answers a ON a.id = o.answer_id JOIN invitations i ON i.id = a.invitation_id" + where.sql()
        + (where.sql().isEmpty() ? " WHERE " : " AND ") + "o.state = 'SENT'")).mapTo(Integer.class).one());
  }

  /**
   * Every value of every segment, grouped by its key (trimmed, case-folded), with the name to show: the CRM's
   * label where a connection's CRM defines one, otherwise the spelling most contacts have.
   *
   * @return segment name to value key to the name to show, both in key order
   */
  public Map<String, Map<String, String>> segmentValues() {
    Map<String, Map<String, String>> values = new TreeMap<>();
    Map<List<String>, Integer> best = new java.util.HashMap<>();
    Map<List<String>, String> labels = new java.util.HashMap<>();
    jdbi.useHandle(handle -> {
      handle.createQuery("SELECT segment, value_key, segment_value, COUNT(*) AS n FROM contact_segments "
              + "GROUP BY segment, value_key, segment_value")
          .map((rs, ctx) -> Map.entry(List.of(rs.getString("segment"), rs.getString("value_key"),
              rs.getString("segment_value")), rs.getInt("n")))
          .forEach(spelling -> {
            List<String> group = spelling.getKey().subList(0, 2);
            String name = spelling.getKey().get(2);
            Map<String, String> segment = values.computeIfAbsent(group.get(0), key -> new TreeMap<>());
            Integer count = best.get(group);
            // the commonest spelling; between equally common ones the first in code-point order, on every database
            if (count == null || spelling.getValue() > count
                || spelling.getValue().equals(count) && name.compareTo(segment.get(group.get(1))) < 0) {
              best.put(group, spelling.getValue());
              segment.put(group.get(1), name);
            }
          });
      handle.createQuery("SELECT connection, segment, value_key, label FROM segment_labels")
          .map((rs, ctx) -> List.of(rs.getString("segment"), rs.getString("value_key"), rs.getString("connection"),
              rs.getString("label")))
          .forEach(row -> labels.merge(row.subList(0, 2), row.get(2) + "\n" + row.get(3),
              (one, other) -> one.compareTo(other) <= 0 ? one : other)); // the first connection by name
    });
    labels.forEach((group, label) -> {
      Map<String, String> segment = values.get(group.get(0));
      if (segment != null && segment.containsKey(group.get(1))) {
        segment.put(group.get(1), label.substring(label.indexOf('\n') + 1));
      }
    });
    return values;
  }

  private static final String SELECT = "SELECT a.id, a.invitation_id, a.score, a.comment_text, "
      + "a.answered_at, a.confirmed_by, i.connection, i.trigger_name, i.channel, i.contact_crm_id, c.first_name, c.last_name, "
      + "c.email, c.segments, c.account_name FROM answers a JOIN invitations i ON i.id = a.invitation_id "
      + "LEFT JOIN contacts c ON c.connection = i.connection AND c.crm_id = i.contact_crm_id";

  private static AnswerRow row(java.sql.ResultSet rs) throws java.sql.SQLException {
    String name = ((rs.getString("first_name") == null ? "" : rs.getString("first_name")) + " "
        + (rs.getString("last_name") == null ? "" : rs.getString("last_name"))).strip();
    String contactId = rs.getString("contact_crm_id");
    return new AnswerRow(rs.getLong("id"), rs.getLong("invitation_id"), rs.getString("connection"),
        rs.getString("trigger_name"), rs.getString("channel"), rs.getTimestamp("answered_at").toInstant(),
        rs.getInt("score"), Optional.ofNullable(rs.getString("comment_text")), contactId,
        name.isEmpty() ? contactId : name, Optional.ofNullable(rs.getString("email")),
        rs.getString("segments") == null ? Map.of() : Sql.map(rs.getString("segments")),
        Optional.ofNullable(rs.getString("account_name")),
        AnswerRepository.Confirmation.of(rs.getString("confirmed_by")));
  }

  /** A filter as a WHERE clause over answers {@code a} and invitations {@code i}, every value a bound parameter. */
  private record Where(String sql, Map<String, Object> parameters, boolean invitations) {
    static Where of(AnswerFilter filter) {
      List<String> conditions = new java.util.ArrayList<>();
      Map<String, Object> parameters = new java.util.LinkedHashMap<>();
      filter.from().ifPresent(from -> {
        conditions.add("a.answered_at >= :from");
        parameters.put("from", Sql.timestamp(from));
      });
      filter.to().ifPresent(to -> {
        conditions.add("a.answered_at < :to");
        parameters.put("to", Sql.timestamp(to));
      });
      filter.trigger().ifPresent(trigger -> {
        conditions.add("i.trigger_name = :trigger");
        parameters.put("trigger", trigger);
      });
      filter.connection().ifPresent(connection -> {
        conditions.add("i.connection = :connection");
        parameters.put("connection", connection);
      });
      filter.category().ifPresent(category -> {
        conditions.add(switch (category) {
          case PROMOTER -> "a.score >= 9";
          case PASSIVE -> "a.score BETWEEN 7 AND 8";
          case DETRACTOR -> "a.score <= 6";
        });
      });
      int n = 0;
      for (Map.Entry<String, String> segment : filter.segments().entrySet()) {
        conditions.add("EXISTS (SELECT 1 FROM contact_segments s WHERE s.connection = i.connection AND "
            + "s.crm_id = i.contact_crm_id AND s.segment = :segment" + n + " AND s.value_key = :segmentKey" + n + ")");
        parameters.put("segment" + n, segment.getKey());
        parameters.put("segmentKey" + n, segment.getValue());
        n++;
      }
      filter.search().ifPresent(search -> {
        conditions.add("LOWER(a.comment_text) LIKE :search ESCAPE '\\'");
        parameters.put("search", "%" + likeLiteral(search.toLowerCase(java.util.Locale.ROOT)) + "%");
      });
      boolean invitations = filter.trigger().isPresent() || filter.connection().isPresent()
          || !filter.segments().isEmpty();
      return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), parameters,
          invitations);
    }

    /**
     * The answers {@code a} the filter reads, joined to their invitations {@code i} only when a condition reads
     * them: every answer has its invitation (a foreign key), so the join never drops one, and without it a count
     * over a year of answers does not look up a year of invitations one by one.
     */
    String answers() {
      return " FROM answers a" + (invitations ? " JOIN invitations i ON i.id = a.invitation_id" : "");
    }

    <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bind(T statement) {
      parameters.forEach(statement::bind);
      return statement;
    }
  }

  /** Text matched literally by LIKE with {@code ESCAPE '\'}: its wildcards and the escape character escaped. */
  static String likeLiteral(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /**
   * Invitations sent in the filter's range, of its trigger, connection and segment values (its category and
   * search pick answers, not invitations, and are not applied).
   */
  public int sent(AnswerFilter filter) {
    List<String> conditions = new java.util.ArrayList<>(List.of("i.sent_at IS NOT NULL"));
    Map<String, Object> parameters = new java.util.LinkedHashMap<>();
    filter.from().ifPresent(from -> {
      conditions.add("i.sent_at >= :from");
      parameters.put("from", Sql.timestamp(from));
    });
    filter.to().ifPresent(to -> {
      conditions.add("i.sent_at < :to");
      parameters.put("to", Sql.timestamp(to));
    });
    Where invitations = Where.of(new AnswerFilter(java.util.Optional.empty(), java.util.Optional.empty(),
        filter.trigger(), filter.connection(), java.util.Optional.empty(), filter.segments(),
        java.util.Optional.empty()));
    String where = " WHERE " + String.join(" AND ", conditions)
        + invitations.sql().replaceFirst("^ WHERE ", " AND ");
    return jdbi.withHandle(handle -> {
      var query = invitations.bind(handle.createQuery("SELECT COUNT(*) FROM invitations i" + where));
      parameters.forEach(query::bind);
      return query.mapTo(Integer.class).one();
    });
  }

  /** Invitations sent (ever sent, whatever happened after) per connection since {@code since}. */
  public Map<String, Integer> sentSince(Instant since) {
    Map<String, Integer> counts = new TreeMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT connection, COUNT(*) AS n FROM invitations "
            + "WHERE sent_at IS NOT NULL AND sent_at >= :since GROUP BY connection")
        .bind("since", Sql.timestamp(since))
        .map((rs, ctx) -> Map.entry(rs.getString("connection"), rs.getInt("n")))
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
    return counts;
  }

  /** Suppressions by rule, across connections. */
  public Map<String, Integer> suppressionsByRule() {
    Map<String, Integer> counts = new TreeMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT rule_id, COUNT(*) AS n FROM decisions "
            + "WHERE outcome = 'SUPPRESS' GROUP BY rule_id")
        .map((rs, ctx) -> Map.entry(rs.getString("rule_id"), rs.getInt("n")))
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
    return counts;
  }

  /** Follow-up tasks not yet in the CRM (waiting or failed), by their coalesce key ({@code task:ANSWER}). */
  public Map<Long, String> followUpStates() {
    Map<Long, String> states = new TreeMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT coalesce_key, state FROM writeback_queue "
            + "WHERE kind = 'FOLLOW_UP_TASK'")
        .map((rs, ctx) -> Map.entry(rs.getString("coalesce_key"), rs.getString("state")))
        .forEach(entry -> {
          String key = entry.getKey();
          if (key.startsWith("task:")) {
            try {
              states.put(Long.parseLong(key.substring("task:".length())), entry.getValue());
            } catch (NumberFormatException e) {
              // a key of another shape is not an answer's task
            }
          }
        }));
    return states;
  }

  /** Write-backs that failed for good, newest first, at most {@code limit}. */
  public List<FailedWrite> failedWrites(int limit) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT connection, kind, coalesce_key, contact_crm_id, "
            + "error_code, error_message, updated_at FROM writeback_queue WHERE state = 'FAILED' "
            + "ORDER BY updated_at DESC, id DESC")
        .setMaxRows(limit)
        .map((rs, ctx) -> new FailedWrite(rs.getString("connection"), rs.getString("kind"),
            rs.getString("coalesce_key"), Optional.ofNullable(rs.getString("contact_crm_id")),
            Optional.ofNullable(rs.getString("error_code")), Optional.ofNullable(rs.getString("error_message")),
            rs.getTimestamp("updated_at").toInstant()))
        .list());
  }
}
