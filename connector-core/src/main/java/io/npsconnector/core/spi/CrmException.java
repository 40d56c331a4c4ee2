package io.npsconnector.core.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * A CRM call failed as a whole. Messages name the connection, the operation, the HTTP status and the
 * vendor's code where there is one, and never a secret.
 */
public abstract sealed class CrmException extends RuntimeException {
  private final String connection;
  private final String operation;

  private CrmException(String connection, String operation, String message, Throwable cause) {
    super(connection + ": " + operation + ": " + message, cause);
    this.connection = connection;
    this.operation = operation;
  }

  public String connection() {
    return connection;
  }

  public String operation() {
    return operation;
  }

  /** Worth trying again later: rate limits, timeouts, 5xx, lock contention. */
  public static final class Retriable extends CrmException {
    private final Optional<Duration> retryAfter;

    public Retriable(String connection, String operation, String message, Optional<Duration> retryAfter,
        Throwable cause) {
      super(connection, operation, message, cause);
      this.retryAfter = retryAfter;
    }

    /** The CRM's own hint (Retry-After, a policy window), if it gave one. */
    public Optional<Duration> retryAfter() {
      return retryAfter;
    }
  }

  /** The credentials do not work; permanent until an admin acts, so the connection stops at once. */
  public static final class Authentication extends CrmException {
    public Authentication(String connection, String operation, String message, Throwable cause) {
      super(connection, operation, message, cause);
    }
  }

  /** The CRM refused the request itself (bad field, bad query); trying again gives the same answer. */
  public static final class Data extends CrmException {
    private final String vendorCode;

    public Data(String connection, String operation, String vendorCode, String message, Throwable cause) {
      super(connection, operation, vendorCode + ": " + message, cause);
      this.vendorCode = vendorCode;
    }

    public String vendorCode() {
      return vendorCode;
    }
  }
}
