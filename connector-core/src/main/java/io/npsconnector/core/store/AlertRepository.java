package io.npsconnector.core.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The alert outbox: one row per answer and destination (unique), pending until it is sent or given up. Internal to
 * the engine.
 */
public final class AlertRepository {
  private static final int ERROR_LENGTH = 1000;

  private final Jdbi jdbi;

  public AlertRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Where an alert stands. */
  public enum State { PENDING, SENT, FAILED }

  /** One alert. */
  public record Alert(long id, long answerId, String destination, String connection, String contactId, State state,
      int attempts, Instant createdAt, Instant nextAttemptAt, Optional<Instant> sentAt, Optional<String> recipient,
      Optional<String> lastError) {}

  /**
   * Queues the alert of an answer to a destination, in the caller's transaction, unless that answer already has one
   * there (sent, failed or pending).
   *
   * @return true when it was queued now
   */
  public boolean enqueue(Handle handle, long answerId, String destination, String connection, String contactId,
      Instant now) {
    boolean exists = handle.createQuery("SELECT COUNT(*) FROM alert_outbox WHERE answer_id = :answerId "
            + "AND destination = :destination").bind("answerId", answerId).bind("destination", destination)
        .mapTo(Integer.class).one() > 0;
    return !exists && Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO alert_outbox (answer_id, "
            + "destination, connection, contact_id, state, attempts, created_at, next_attempt_at) VALUES (:answerId, "
            + ":destination, :connection, :contactId, 'PENDING', 0, :now, :now)")
        .bind("answerId", answerId).bind("destination", destination).bind("connection", connection)
        .bind("contactId", contactId).bind("now", Sql.timestamp(now)).execute());
  }

  /** Pending alerts due by {@code now}, oldest first, at most {@code limit}. */
  public List<Alert> due(Instant now, int limit) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM alert_outbox WHERE state = 'PENDING' "
            + "AND next_attempt_at <= :now ORDER BY next_attempt_at, id LIMIT :limit")
        .bind("now", Sql.timestamp(now)).bind("limit", limit).map((rs, ctx) -> alert(rs)).list());
  }

  public Optional<Alert> find(long answerId, String destination) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM alert_outbox WHERE answer_id = :answerId "
            + "AND destination = :destination").bind("answerId", answerId).bind("destination", destination)
        .map((rs, ctx) -> alert(rs)).findOne());
  }

  /** The alerts about one contact's answers, oldest first. */
  public List<Alert> forContact(String connection, String contactId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM alert_outbox WHERE connection = :connection "
            + "AND contact_id = :contactId ORDER BY created_at, id").bind("connection", connection)
        .bind("contactId", contactId).map((rs, ctx) -> alert(rs)).list());
  }

  /** Records the alert as sent (a pending one only: it is sent once). */
  public boolean sent(long id, Optional<String> recipient, Instant now) {
    return jdbi.withHandle(handle -> handle.createUpdate("UPDATE alert_outbox SET state = 'SENT', "
            + "attempts = attempts + 1, sent_at = :now, recipient = :recipient, last_error = NULL "
            + "WHERE id = :id AND state = 'PENDING'")
        .bind("id", id).bind("now", Sql.timestamp(now)).bindByType("recipient", recipient.orElse(null), String.class)
        .execute() > 0);
  }

  /** Counts a failed attempt: tried again at {@code retryAt}, or given up (FAILED) when empty. */
  public void failed(long id, String error, Optional<Instant> retryAt) {
    jdbi.useHandle(handle -> handle.createUpdate("UPDATE alert_outbox SET attempts = attempts + 1, "
            + "last_error = :error, state = :state, next_attempt_at = COALESCE(:retryAt, next_attempt_at) "
            + "WHERE id = :id AND state = 'PENDING'")
        .bind("id", id).bind("error", Sql.fit(error, ERROR_LENGTH))
        .bind("state", retryAt.isPresent() ? State.PENDING.name() : State.FAILED.name())
        .bindByType("retryAt", retryAt.map(Sql::timestamp).orElse(null), java.sql.Timestamp.class).execute());
  }

  /** Puts a pending alert off without counting an attempt (its destination's rate limit). */
  public void postpone(long id, Instant until) {
    jdbi.useHandle(handle -> handle.createUpdate("UPDATE alert_outbox SET next_attempt_at = :until "
            + "WHERE id = :id AND state = 'PENDING'").bind("id", id).bind("until", Sql.timestamp(until)).execute());
  }

  /** Alerts by destination and state, as {@code destination|STATE} → count. */
  public Map<String, Integer> countByDestinationAndState() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT destination, state, COUNT(*) FROM alert_outbox "
            + "GROUP BY destination, state ORDER BY destination, state")
        .map((rs, ctx) -> Map.entry(rs.getString(1) + "|" + rs.getString(2), rs.getInt(3)))
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
    return counts;
  }

  /** Alerts sent since {@code since}, every destination together. */
  public int sentSince(Instant since) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM alert_outbox WHERE state = 'SENT' "
        + "AND sent_at >= :since").bind("since", Sql.timestamp(since)).mapTo(Integer.class).one());
  }

  private static Alert alert(java.sql.ResultSet rs) throws java.sql.SQLException {
    java.sql.Timestamp sentAt = rs.getTimestamp("sent_at");
    return new Alert(rs.getLong("id"), rs.getLong("answer_id"), rs.getString("destination"),
        rs.getString("connection"), rs.getString("contact_id"), State.valueOf(rs.getString("state")),
        rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("next_attempt_at").toInstant(), Optional.ofNullable(sentAt).map(java.sql.Timestamp::toInstant),
        Optional.ofNullable(rs.getString("recipient")), Optional.ofNullable(rs.getString("last_error")));
  }
}
