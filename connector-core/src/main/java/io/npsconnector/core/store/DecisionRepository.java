package io.npsconnector.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Every trigger decision, with the rule and the reason. Internal to the engine. */
public final class DecisionRepository {
  private final Jdbi jdbi;

  public DecisionRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** One stored decision. */
  public record StoredDecision(String connection, String contactId, String trigger, Optional<Long> eventId,
      Instant decidedAt, String outcome, String rule, String reason, Optional<Long> invitationId) {}

  public void insert(Handle handle, StoredDecision decision) {
    insertAll(handle, List.of(decision));
  }

  /** Stores decisions in one batched statement. */
  public void insertAll(Handle handle, List<StoredDecision> decisions) {
    if (decisions.isEmpty()) {
      return;
    }
    var batch = handle.prepareBatch("INSERT INTO decisions (connection, contact_crm_id, trigger_name, event_id, "
        + "decided_at, outcome, rule_id, reason, invitation_id) VALUES (:connection, :contactId, :trigger, :eventId, "
        + ":decidedAt, :outcome, :rule, :reason, :invitationId)");
    for (StoredDecision decision : decisions) {
      batch.bind("connection", decision.connection()).bind("contactId", decision.contactId())
          .bind("trigger", decision.trigger()).bindByType("eventId", decision.eventId().orElse(null), Long.class)
          .bind("decidedAt", Sql.timestamp(decision.decidedAt())).bind("outcome", decision.outcome())
          .bind("rule", decision.rule()).bind("reason", Sql.fit(decision.reason(), 2000))
          .bindByType("invitationId", decision.invitationId().orElse(null), Long.class).add();
    }
    batch.execute();
  }

  public List<StoredDecision> forContact(String connection, String contactId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT connection, contact_crm_id, trigger_name, event_id, "
            + "decided_at, outcome, rule_id, reason, invitation_id FROM decisions WHERE connection = :connection "
            + "AND contact_crm_id = :contactId ORDER BY decided_at, id")
        .bind("connection", connection).bind("contactId", contactId)
        .map((rs, ctx) -> {
          long eventId = rs.getLong("event_id");
          boolean noEvent = rs.wasNull();
          long invitationId = rs.getLong("invitation_id");
          boolean noInvitation = rs.wasNull();
          return new StoredDecision(rs.getString("connection"), rs.getString("contact_crm_id"),
              rs.getString("trigger_name"), noEvent ? Optional.empty() : Optional.of(eventId),
              rs.getTimestamp("decided_at").toInstant(), rs.getString("outcome"), rs.getString("rule_id"),
              rs.getString("reason"), noInvitation ? Optional.empty() : Optional.of(invitationId));
        }).list());
  }

  /** Counts of suppressions by rule for one connection (reports). */
  public java.util.Map<String, Integer> suppressionsByRule(String connection) {
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT rule_id, COUNT(*) AS n FROM decisions WHERE connection = :c "
            + "AND outcome = 'SUPPRESS' GROUP BY rule_id")
        .bind("c", connection)
        .map((rs, ctx) -> java.util.Map.entry(rs.getString("rule_id"), rs.getInt("n")))
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
    return counts;
  }

  /** How many decisions of this outcome one trigger made since {@code since} (the relationship quota). */
  public int countSince(Handle handle, String connection, String trigger, String outcome, Instant since) {
    return handle.createQuery("SELECT COUNT(*) FROM decisions WHERE connection = :connection "
            + "AND trigger_name = :trigger AND outcome = :outcome AND decided_at >= :since")
        .bind("connection", connection).bind("trigger", trigger).bind("outcome", outcome)
        .bind("since", Sql.timestamp(since)).mapTo(Integer.class).one();
  }

  /** The contacts one trigger decided on since {@code since}, whatever the outcome. */
  public java.util.Set<String> contactsSince(Handle handle, String connection, String trigger, Instant since) {
    return new java.util.HashSet<>(handle.createQuery("SELECT DISTINCT contact_crm_id FROM decisions "
            + "WHERE connection = :connection AND trigger_name = :trigger AND decided_at >= :since")
        .bind("connection", connection).bind("trigger", trigger).bind("since", Sql.timestamp(since))
        .mapTo(String.class).list());
  }
}
