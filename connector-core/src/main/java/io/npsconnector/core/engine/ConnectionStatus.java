package io.npsconnector.core.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the engine talks to a connection's CRM now.
 *
 * @param since when the connection was stopped, or until when it waits
 * @param operation the CRM operation that was refused or asked to wait
 * @param message the CRM's own message (never a secret)
 */
public record ConnectionStatus(String connection, State state, Optional<Instant> since, Optional<String> operation,
    Optional<String> message) {

  /** The states, from best to worst. */
  public enum State {
    /** Syncs and write-backs run at their intervals. */
    ACTIVE,
    /** The CRM asked to wait (a retry hint); calls resume by themselves after it. */
    WAITING,
    /** The CRM refused the credentials: no sync or write-back until they change or an admin resumes it. */
    STOPPED
  }

  static ConnectionStatus active(String connection) {
    return new ConnectionStatus(connection, State.ACTIVE, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
