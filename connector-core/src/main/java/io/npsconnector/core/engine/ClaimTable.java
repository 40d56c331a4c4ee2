package io.npsconnector.core.engine;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * db-scheduler's claims in its own table ({@code scheduled_tasks}): who holds what, and taking back a claim that
 * a previous run of this instance left behind. A release is conditional on the claim being exactly as it was read
 * (same holder, version and heartbeat), so it never touches a claim that someone is still renewing.
 */
final class ClaimTable {
  /** A claim as read: enough to release it only if it has not moved since. */
  record Held(String task, String taskInstance, String pickedBy, long version, Optional<Instant> lastHeartbeat) {}

  private final Jdbi jdbi;

  ClaimTable(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The claims held by {@code instance}. */
  List<Held> heldBy(String instance) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT task_name, task_instance, picked_by, version, "
            + "last_heartbeat FROM scheduled_tasks WHERE picked AND picked_by = :instance")
        .bind("instance", instance).map((rs, ctx) -> held(rs)).list());
  }

  /** The claim now, if it is still held. */
  Optional<Held> find(Held claim) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT task_name, task_instance, picked_by, version, "
            + "last_heartbeat FROM scheduled_tasks WHERE picked AND task_name = :task AND task_instance = :id")
        .bind("task", claim.task()).bind("id", claim.taskInstance()).map((rs, ctx) -> held(rs)).findOne());
  }

  /**
   * Makes the execution due for any instance again, as db-scheduler does with a dead one, if the claim is still
   * as read; true when it was.
   */
  boolean release(Held claim) {
    return jdbi.withHandle(handle -> handle.createUpdate("UPDATE scheduled_tasks SET picked = FALSE, "
            + "picked_by = NULL, last_heartbeat = NULL, version = version + 1 WHERE task_name = :task "
            + "AND task_instance = :id AND picked AND picked_by = :instance AND version = :version "
            + "AND last_heartbeat = :heartbeat")
        .bind("task", claim.task()).bind("id", claim.taskInstance()).bind("instance", claim.pickedBy())
        .bind("version", claim.version())
        .bind("heartbeat", claim.lastHeartbeat().map(Timestamp::from).orElse(null))
        .execute()) == 1;
  }

  /** Who holds what: at most {@link SchedulerClaims#MAX_LISTED} claims, the oldest heartbeat first. */
  SchedulerClaims claims(String instance, Duration takeOverWithin, Duration deadAfter, Instant now) {
    return jdbi.withHandle(handle -> {
      int scheduled = handle.createQuery("SELECT COUNT(*) FROM scheduled_tasks").mapTo(Integer.class).one();
      int held = handle.createQuery("SELECT COUNT(*) FROM scheduled_tasks WHERE picked").mapTo(Integer.class).one();
      List<SchedulerClaims.Claim> listed = handle.createQuery("SELECT task_name, task_instance, picked_by, version, "
              + "last_heartbeat FROM scheduled_tasks WHERE picked ORDER BY last_heartbeat, task_name, task_instance "
              + "LIMIT " + SchedulerClaims.MAX_LISTED)
          .map((rs, ctx) -> held(rs)).stream()
          .map(claim -> new SchedulerClaims.Claim(claim.task(), claim.taskInstance(), claim.pickedBy(),
              claim.lastHeartbeat(), claim.lastHeartbeat().map(at -> at.plus(deadAfter).isBefore(now)).orElse(true)))
          .toList();
      return new SchedulerClaims(instance, takeOverWithin, scheduled, listed, held);
    });
  }

  private static Held held(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Held(rs.getString("task_name"), rs.getString("task_instance"), rs.getString("picked_by"),
        rs.getLong("version"), Optional.ofNullable(rs.getTimestamp("last_heartbeat")).map(Timestamp::toInstant));
  }
}
