package io.npsconnector.core.engine;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * The engine's one backoff policy (Resilience4j's exponential interval function): how long a send or a CRM
 * record that failed retriably waits before its next attempt. 1 minute after the first failure, doubling,
 * at most an hour.
 */
final class Backoff {
  private static final IntervalFunction POLICY =
      IntervalFunction.ofExponentialBackoff(Duration.ofMinutes(1), 2.0, Duration.ofHours(1));

  private Backoff() {}

  /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
  static Duration after(int attempts) {
    return Duration.ofMillis(POLICY.apply(attempts));
  }
}
