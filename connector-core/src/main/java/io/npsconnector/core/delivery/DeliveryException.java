package io.npsconnector.core.delivery;

/**
 * A message was not sent, or may not have been. Retriable: a timeout before the message was transmitted, a
 * 4xx SMTP reply, a 5xx webhook answer. Permanent: a rejected recipient. Outcome unknown: the receiver got
 * the whole message and its answer never came (it may have accepted it): not retried, so that it is never
 * sent twice.
 */
public final class DeliveryException extends RuntimeException {
  private final boolean retriable;
  private final boolean outcomeUnknown;

  public DeliveryException(String message, boolean retriable, Throwable cause) {
    this(message, retriable, false, cause);
  }

  private DeliveryException(String message, boolean retriable, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
    this.outcomeUnknown = outcomeUnknown;
  }

  /** The receiver got the whole message and never said whether it took it. */
  public static DeliveryException outcomeUnknown(String message, Throwable cause) {
    return new DeliveryException(message, false, true, cause);
  }

  public boolean retriable() {
    return retriable;
  }

  /** True when the message may have been delivered: the sender records it as sent and does not try again. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
