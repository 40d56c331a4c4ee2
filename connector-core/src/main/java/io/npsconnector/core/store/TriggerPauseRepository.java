package io.npsconnector.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Triggers an admin paused, shared by every instance, and the audit of every pause and resume (who, when). A
 * pause and its audit row are written in one transaction.
 */
public final class TriggerPauseRepository {
  private final Jdbi jdbi;

  public TriggerPauseRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A paused trigger: who paused it and when. */
  public record Pause(String trigger, String by, Instant since) {}

  /** One pause or resume an admin made. */
  public record Change(String trigger, String action, String admin, Instant at) {}

  /** Pauses the trigger; false (and nothing written) when it is paused already. */
  public boolean pause(String trigger, String admin, Instant at) {
    return jdbi.inTransaction(handle -> {
      boolean paused = Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO trigger_pauses "
              + "(trigger_name, paused_by, paused_at) VALUES (:trigger, :admin, :at)")
          .bind("trigger", trigger).bind("admin", Sql.fit(admin, 200)).bind("at", Sql.timestamp(at)).execute());
      if (paused) {
        audit(handle, trigger, "pause", admin, at);
      }
      return paused;
    });
  }

  /** Resumes the trigger; false (and nothing written) when it was not paused. */
  public boolean resume(String trigger, String admin, Instant at) {
    return jdbi.inTransaction(handle -> {
      boolean resumed = handle.createUpdate("DELETE FROM trigger_pauses WHERE trigger_name = :trigger")
          .bind("trigger", trigger).execute() > 0;
      if (resumed) {
        audit(handle, trigger, "resume", admin, at);
      }
      return resumed;
    });
  }

  /** Every paused trigger by name. */
  public Map<String, Pause> paused() {
    return jdbi.withHandle(this::paused);
  }

  /** As {@link #paused()}, on the caller's handle (inside its transaction). */
  public Map<String, Pause> paused(Handle handle) {
    Map<String, Pause> paused = new TreeMap<>();
    handle.createQuery("SELECT trigger_name, paused_by, paused_at FROM trigger_pauses")
        .map((rs, ctx) -> new Pause(rs.getString("trigger_name"), rs.getString("paused_by"),
            rs.getTimestamp("paused_at").toInstant()))
        .forEach(pause -> paused.put(pause.trigger(), pause));
    return paused;
  }

  public Optional<Pause> find(String trigger) {
    return Optional.ofNullable(paused().get(trigger));
  }

  /** The trigger's pauses and resumes, oldest first. */
  public List<Change> audit(String trigger) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT trigger_name, action, admin, changed_at "
            + "FROM trigger_pause_audit WHERE trigger_name = :trigger ORDER BY changed_at, id")
        .bind("trigger", trigger)
        .map((rs, ctx) -> new Change(rs.getString("trigger_name"), rs.getString("action"), rs.getString("admin"),
            rs.getTimestamp("changed_at").toInstant()))
        .list());
  }

  private static void audit(Handle handle, String trigger, String action, String admin, Instant at) {
    handle.createUpdate("INSERT INTO trigger_pause_audit (trigger_name, action, admin, changed_at) "
            + "VALUES (:trigger, :action, :admin, :at)")
        .bind("trigger", trigger).bind("action", action).bind("admin", Sql.fit(admin, 200))
        .bind("at", Sql.timestamp(at)).execute();
  }
}
