package io.npsconnector.core.delivery;

import java.util.Optional;

/**
 * Delivers invitations and reminders: e-mail, webhook, or (in tests) a recording channel.
 *
 * <p>Contract: {@link #send} may be called again for the same {@link Delivery#idempotencyKey()} after an
 * attempt that failed, or that a process dying interrupted before its {@link HandOver}; a channel passes the
 * key on (as the e-mail's {@code Message-ID}, as the webhook's idempotency header) so that receivers can drop a
 * repeat. A message whose hand-over the engine recorded and whose outcome it did not (the process died
 * in between) is never sent again: it may have arrived.
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

  /**
   * Sends one message, calling {@code handOver} once at the last moment before the message can reach the
   * receiver, and not at all when it fails before. This default calls it first and then {@link #send(Delivery)};
   * a channel that can connect first, or knows its message id beforehand, does better.
   *
   * @throws DeliveryException when it was not sent
   */
  default DeliveryReceipt send(Delivery delivery, HandOver handOver) {
    handOver.begin(Optional.empty());
    return send(delivery);
  }
}
