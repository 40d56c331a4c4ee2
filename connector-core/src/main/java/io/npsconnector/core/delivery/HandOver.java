package io.npsconnector.core.delivery;

import java.util.Optional;

/**
 * What a channel calls at the last moment before its message can reach the receiver (for e-mail: the whole
 * message transmitted to the SMTP server, before the mark that ends it, on which alone the server takes it). The engine records the attempt there, so that
 * after a crash it knows whether the message may have left: before the call nothing did, after it the
 * message may have, and it is not sent again.
 *
 * <p>An exception from {@link #begin} is not the channel's: the channel sends nothing and lets it through
 * unchanged (never as a {@link DeliveryException}).
 */
@FunctionalInterface
public interface HandOver {
  /** Records nothing: for a message sent outside the engine (tests, {@code check}). */
  HandOver NONE = messageId -> {};

  /** @param messageId the id the receiver will know the message by, when the channel fixes it beforehand */
  void begin(Optional<String> messageId);
}
