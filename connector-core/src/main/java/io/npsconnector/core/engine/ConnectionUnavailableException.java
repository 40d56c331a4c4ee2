package io.npsconnector.core.engine;

/**
 * The engine did not call a connection's CRM: the connection is stopped (refused credentials) or waits for
 * the CRM's retry hint. The message says which, since when, and what to do.
 */
public final class ConnectionUnavailableException extends RuntimeException {
  private final ConnectionStatus status;

  ConnectionUnavailableException(ConnectionStatus status, String message) {
    super(message);
    this.status = status;
  }

  public ConnectionStatus status() {
    return status;
  }
}
