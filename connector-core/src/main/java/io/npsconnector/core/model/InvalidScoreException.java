package io.npsconnector.core.model;

/** A score that is not a whole number from 0 to 10; the message shows the value refused. */
public final class InvalidScoreException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidScoreException(String message) {
    super(message);
  }
}
