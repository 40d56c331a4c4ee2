package io.npsconnector.core.store;

import io.npsconnector.core.spi.SyncCursor;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/** The last committed sync cursor of each connection. Internal to the engine. */
public final class CursorRepository {
  private final Jdbi jdbi;

  public CursorRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public SyncCursor load(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery(
            "SELECT cursor_value FROM sync_cursors WHERE connection = :connection")
        .bind("connection", connection).mapTo(String.class).findOne().map(SyncCursor::new).orElse(SyncCursor.START));
  }

  /** Commits {@code cursor}; call only after everything read before it is stored. */
  public void commit(String connection, SyncCursor cursor, Instant now) {
    jdbi.useTransaction(handle -> {
      int updated = handle.createUpdate("UPDATE sync_cursors SET cursor_value = :value, updated_at = :now "
              + "WHERE connection = :connection")
          .bind("value", cursor.value()).bind("now", Sql.timestamp(now)).bind("connection", connection).execute();
      if (updated == 0) {
        Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO sync_cursors (connection, cursor_value, updated_at) "
                + "VALUES (:connection, :value, :now)")
            .bind("value", cursor.value()).bind("now", Sql.timestamp(now)).bind("connection", connection).execute());
      }
    });
  }
}
