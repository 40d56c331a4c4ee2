package io.npsconnector.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/** The last finished sync of each connection, shared by every instance. Internal to the engine. */
public final class LastSyncRepository {
  private final Jdbi jdbi;

  public LastSyncRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** What one sync did: pages read, contacts and events stored, CRM calls, and what the trigger pass decided. */
  public record Counts(int pages, int contacts, int events, int apiCalls, int evaluated, int invited, int suppressed,
      int collapsed) {}

  /** One finished sync: when it finished, how long it took, its counts. */
  public record LastSync(String connection, Instant finishedAt, Duration took, Counts counts) {}

  /** Records {@code sync} as its connection's last one, replacing the one before. */
  public void record(LastSync sync) {
    jdbi.useTransaction(handle -> {
      int updated = bind(handle.createUpdate("UPDATE last_syncs SET finished_at = :finishedAt, "
          + "duration_ms = :durationMs, pages = :pages, contacts = :contacts, events = :events, "
          + "api_calls = :apiCalls, evaluated = :evaluated, invited = :invited, suppressed = :suppressed, "
          + "collapsed = :collapsed WHERE connection = :connection"), sync).execute();
      if (updated == 0) {
        Sql.insertIfAbsent(handle, h -> bind(h.createUpdate("INSERT INTO last_syncs (connection, finished_at, "
            + "duration_ms, pages, contacts, events, api_calls, evaluated, invited, suppressed, collapsed) VALUES "
            + "(:connection, :finishedAt, :durationMs, :pages, :contacts, :events, :apiCalls, :evaluated, :invited, "
            + ":suppressed, :collapsed)"), sync).execute());
      }
    });
  }

  public Optional<LastSync> find(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM last_syncs WHERE connection = :connection")
        .bind("connection", connection)
        .map((rs, ctx) -> new LastSync(rs.getString("connection"), rs.getTimestamp("finished_at").toInstant(),
            Duration.ofMillis(rs.getLong("duration_ms")), new Counts(rs.getInt("pages"), rs.getInt("contacts"),
            rs.getInt("events"), rs.getInt("api_calls"), rs.getInt("evaluated"), rs.getInt("invited"),
            rs.getInt("suppressed"), rs.getInt("collapsed"))))
        .findOne());
  }

  private static Update bind(Update update, LastSync sync) {
    Counts counts = sync.counts();
    return update.bind("connection", sync.connection()).bind("finishedAt", Sql.timestamp(sync.finishedAt()))
        .bind("durationMs", sync.took().toMillis()).bind("pages", counts.pages()).bind("contacts", counts.contacts())
        .bind("events", counts.events()).bind("apiCalls", counts.apiCalls()).bind("evaluated", counts.evaluated())
        .bind("invited", counts.invited()).bind("suppressed", counts.suppressed())
        .bind("collapsed", counts.collapsed());
  }
}
