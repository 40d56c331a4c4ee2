package io.npsconnector.hubspot.client;

import java.time.Duration;

/** Waits; tests replace it so that they never wait for real. */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps at least {@code duration}, rounded up to the millisecond (never wakes early to spin). */
  Sleeper SYSTEM = duration -> Thread.sleep(Math.max(0, (duration.toNanos() + 999_999) / 1_000_000));

  void sleep(Duration duration) throws InterruptedException;
}
