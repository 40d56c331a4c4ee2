package io.npsconnector.core.delivery;

/** A message was not sent. Retriable: a timeout, a 4xx SMTP reply, a 5xx webhook answer. Permanent: a rejected recipient. */
public final class DeliveryException extends RuntimeException {
  private final boolean retriable;

  public DeliveryException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
