package io.npsconnector.core.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Connections stopped because the CRM refused their credentials; shared by every instance. Internal to the engine. */
public final class ConnectionStateRepository {
  private final Jdbi jdbi;

  public ConnectionStateRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** One stopped connection: the CRM operation refused, the CRM's message, a hash of the credentials used. */
  public record Stopped(String connection, String operation, String message, String credentialsFingerprint,
      Instant since) {}

  /** Records the stop; a connection already stopped keeps its first time and message. */
  public void stop(Stopped stopped) {
    jdbi.useHandle(handle -> Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO connection_states "
            + "(connection, operation, message, credentials_fingerprint, stopped_at) "
            + "VALUES (:connection, :operation, :message, :fingerprint, :since)")
        .bind("connection", stopped.connection()).bind("operation", Sql.fit(stopped.operation(), 64))
        .bind("message", Sql.fit(stopped.message(), 2000)).bind("fingerprint", stopped.credentialsFingerprint())
        .bind("since", Sql.timestamp(stopped.since())).execute()));
  }

  public Optional<Stopped> find(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM connection_states WHERE connection = :connection")
        .bind("connection", connection)
        .map((rs, ctx) -> new Stopped(rs.getString("connection"), rs.getString("operation"), rs.getString("message"),
            rs.getString("credentials_fingerprint"), rs.getTimestamp("stopped_at").toInstant()))
        .findOne());
  }

  /** Clears the stop; true when the connection was stopped. */
  public boolean resume(String connection) {
    return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM connection_states WHERE connection = :connection")
        .bind("connection", connection).execute()) > 0;
  }
}
