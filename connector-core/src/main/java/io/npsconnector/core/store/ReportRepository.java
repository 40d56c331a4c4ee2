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

  /** One answer with what it can be broken down by. */
  public record AnswerRow(long answerId, long invitationId, String connection, String trigger, String channel,
      Instant answeredAt, int score, Optional<String> comment, String contactId, String contactName,
      Optional<String> email, Map<String, String> segments) {}

  /** A write-back that failed for good. */
  public record FailedWrite(String connection, String kind, String key, Optional<String> contactId,
      Optional<String> errorCode, Optional<String> errorMessage, Instant at) {}

  /** Every answer given since {@code since}, oldest first. */
  public List<AnswerRow> answers(Instant since) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT a.id, a.invitation_id, a.score, a.comment_text, "
            + "a.answered_at, i.connection, i.trigger_name, i.channel, i.contact_crm_id, c.first_name, c.last_name, "
            + "c.email, c.segments FROM answers a JOIN invitations i ON i.id = a.invitation_id "
            + "LEFT JOIN contacts c ON c.connection = i.connection AND c.crm_id = i.contact_crm_id "
            + "WHERE a.answered_at >= :since ORDER BY a.answered_at, a.id")
        .bind("since", Sql.timestamp(since))
        .map((rs, ctx) -> {
          String name = ((rs.getString("first_name") == null ? "" : rs.getString("first_name")) + " "
              + (rs.getString("last_name") == null ? "" : rs.getString("last_name"))).strip();
          String contactId = rs.getString("contact_crm_id");
          return new AnswerRow(rs.getLong("id"), rs.getLong("invitation_id"), rs.getString("connection"),
              rs.getString("trigger_name"), rs.getString("channel"), rs.getTimestamp("answered_at").toInstant(),
              rs.getInt("score"), Optional.ofNullable(rs.getString("comment_text")), contactId,
              name.isEmpty() ? contactId : name, Optional.ofNullable(rs.getString("email")),
              rs.getString("segments") == null ? Map.of() : Sql.map(rs.getString("segments")));
        }).list());
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
