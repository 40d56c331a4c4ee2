package io.npsconnector.core.store;

import java.time.Instant;
import java.util.List;

import org.jdbi.v3.core.Jdbi;

/**
 * The audit log of admin actions (a trigger paused or resumed, a connection resumed, an export, a test mail, an
 * account changed): who, in which role, what, on what, from where, when. Rows are only ever added.
 */
public final class AdminAuditRepository {
  private final Jdbi jdbi;

  public AdminAuditRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Who acted.
   *
   * @param name the account's name on the dashboard; the operating-system user for a command
   * @param role {@code admin}, {@code viewer}, or {@code command line}
   * @param address the client's address on the dashboard; the host for a command
   */
  public record Actor(String name, String role, String address) {}

  /** One recorded action; {@code target} and {@code detail} are empty when the action has none. */
  public record Entry(long id, Instant at, Actor actor, String action, String target, String detail) {}

  /** Adds an action to the log (texts longer than their columns are cut). */
  public void record(Actor actor, String action, String target, String detail, Instant at) {
    jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO admin_audit (at, actor, role, action, target, detail, "
            + "address) VALUES (:at, :actor, :role, :action, :target, :detail, :address)")
        .bind("at", Sql.timestamp(at)).bind("actor", Sql.fit(actor.name(), 200))
        .bind("role", Sql.fit(actor.role(), 16)).bind("action", Sql.fit(action, 63))
        .bind("target", Sql.fit(target, 200)).bind("detail", Sql.fit(detail, 1000))
        .bind("address", Sql.fit(actor.address(), 100)).execute());
  }

  /** A page of the log, newest first: {@code limit} entries after the first {@code offset}. */
  public List<Entry> newestFirst(int offset, int limit) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM admin_audit ORDER BY at DESC, id DESC "
            + "LIMIT :limit OFFSET :offset")
        .bind("limit", limit).bind("offset", offset)
        .map((rs, ctx) -> new Entry(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
            new Actor(rs.getString("actor"), rs.getString("role"), rs.getString("address")), rs.getString("action"),
            rs.getString("target"), rs.getString("detail")))
        .list());
  }

  /** How many actions the log holds. */
  public long count() {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM admin_audit").mapTo(Long.class).one());
  }
}
