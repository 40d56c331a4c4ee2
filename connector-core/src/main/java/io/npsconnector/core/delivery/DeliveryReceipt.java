package io.npsconnector.core.delivery;

import java.util.Optional;

/** What a channel reports after sending: the message id the receiver knows it by, if any. */
public record DeliveryReceipt(Optional<String> messageId) {
  public static DeliveryReceipt of(String messageId) {
    return new DeliveryReceipt(Optional.ofNullable(messageId));
  }
}
