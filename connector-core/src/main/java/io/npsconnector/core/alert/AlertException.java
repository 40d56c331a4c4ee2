package io.npsconnector.core.alert;

import java.time.Duration;
import java.util.Optional;

/**
 * An alert that did not go out. Retriable ones (timeouts, 5xx, 429, an SMTP server deferring) are tried again,
 * after {@link #retryAfter()} when the destination said how long to wait; others are given up. Messages never
 * contain a webhook URL.
 */
public final class AlertException extends RuntimeException {
  private final boolean retriable;
  private final Optional<Duration> retryAfter;

  public AlertException(String message, boolean retriable, Optional<Duration> retryAfter, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
    this.retryAfter = retryAfter;
  }

  public AlertException(String message, boolean retriable) {
    this(message, retriable, Optional.empty(), null);
  }

  public boolean retriable() {
    return retriable;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
