package io.npsconnector.core.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The day's relationship plan of each trigger, as the last pass left it (V25), so that later passes of the day
 * that cannot plan anything skip the walk over the base. Internal to the engine.
 */
public final class RelationshipPlanRepository {
  /**
   * One trigger's plan of one UTC day.
   *
   * @param fingerprint the trigger's settings the plan was made with
   * @param quota the day's quota (before what was planned)
   * @param dueLeft the due contacts the pass left for later
   * @param nextDue when the next contact that was not due becomes due; empty when none will
   * @param plannedAt when the pass ran
   */
  public record DayPlan(String connection, String trigger, Instant dayStart, String fingerprint, int quota,
      int dueLeft, Optional<Instant> nextDue, Instant plannedAt) {}

  public Optional<DayPlan> find(Handle handle, String connection, String trigger) {
    return handle.createQuery("SELECT connection, trigger_name, day_start, fingerprint, quota, due_left, next_due, "
            + "planned_at FROM relationship_plans WHERE connection = :connection AND trigger_name = :trigger")
        .bind("connection", connection).bind("trigger", trigger)
        .map((rs, ctx) -> new DayPlan(rs.getString("connection"), rs.getString("trigger_name"),
            rs.getTimestamp("day_start").toInstant(), rs.getString("fingerprint"), rs.getInt("quota"),
            rs.getInt("due_left"), Optional.ofNullable(rs.getTimestamp("next_due")).map(java.sql.Timestamp::toInstant),
            rs.getTimestamp("planned_at").toInstant()))
        .findOne();
  }

  /** Keeps {@code plan} as its trigger's, replacing the one before. */
  public void save(Handle handle, DayPlan plan) {
    handle.createUpdate("DELETE FROM relationship_plans WHERE connection = :connection AND trigger_name = :trigger")
        .bind("connection", plan.connection()).bind("trigger", plan.trigger()).execute();
    Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO relationship_plans (connection, trigger_name, "
            + "day_start, fingerprint, quota, due_left, next_due, planned_at) VALUES (:connection, :trigger, :dayStart, "
            + ":fingerprint, :quota, :dueLeft, :nextDue, :plannedAt)")
        .bind("connection", plan.connection()).bind("trigger", plan.trigger())
        .bind("dayStart", Sql.timestamp(plan.dayStart())).bind("fingerprint", plan.fingerprint())
        .bind("quota", plan.quota()).bind("dueLeft", plan.dueLeft())
        .bindByType("nextDue", plan.nextDue().map(Sql::timestamp).orElse(null), java.sql.Timestamp.class)
        .bind("plannedAt", Sql.timestamp(plan.plannedAt())).execute());
  }

  /**
   * Whether anything that can make a contact due changed after {@code since}: a contact of the connection stored
   * (new, changed or read again), or an invitation suppressed or failed (it no longer counts as a survey).
   */
  public boolean changedSince(Handle handle, String connection, Instant since) {
    return handle.createQuery("SELECT CASE WHEN EXISTS (SELECT 1 FROM contacts WHERE connection = :connection "
            + "AND synced_at > :since) OR EXISTS (SELECT 1 FROM invitations WHERE connection = :connection "
            + "AND state IN ('SUPPRESSED', 'FAILED') AND updated_at > :since) THEN 1 ELSE 0 END")
        .bind("connection", connection).bind("since", Sql.timestamp(since)).mapTo(Integer.class).one() == 1;
  }
}
