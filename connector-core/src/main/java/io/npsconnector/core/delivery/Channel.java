package io.npsconnector.core.delivery;

/**
 * Delivers invitations and reminders: e-mail, webhook, or (in tests) a recording channel.
 *
 * <p>Contract: {@link #send} may be called again for the same {@link Delivery#idempotencyKey()} after a
 * process died between sending and recording the send; a channel passes the key on (as the e-mail's
 * {@code Message-ID}, as the webhook's idempotency header) so that receivers can drop the repeat.
 * Implementations are thread-safe: the scheduler sends from several threads.
 */
public interface Channel {
  /** As configured in triggers: {@code email} or {@code webhook}. */
  String id();

  /**
   * Sends one message.
   *
   * @throws DeliveryException when it was not sent; {@link DeliveryException#retriable()} says whether
   *     trying again may help
   */
  DeliveryReceipt send(Delivery delivery);
}
