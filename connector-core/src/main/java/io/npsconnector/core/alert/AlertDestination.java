package io.npsconnector.core.alert;

import java.util.Optional;

/**
 * Where alerts go: a Slack or Teams incoming webhook, or the owner's mail. Implementations are thread-safe and
 * make one attempt per call; the engine's outbox retries, spaces and records them.
 */
public interface AlertDestination {
  /** The destination's key under {@code alerts} ({@code slack}, {@code teams}, {@code owner-mail}). */
  String key();

  /** Whether {@link AlertMessage#ownerEmail()} should be looked up in the CRM for this destination. */
  default boolean needsOwnerEmail() {
    return false;
  }

  /**
   * Sends one alert.
   *
   * @return who got it, where that is a person (the owner's or the fallback address)
   * @throws AlertException when it was not sent
   */
  Optional<String> send(AlertMessage message);
}
