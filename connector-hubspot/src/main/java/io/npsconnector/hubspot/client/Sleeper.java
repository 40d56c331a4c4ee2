package io.npsconnector.hubspot.client;

import java.time.Duration;

/** Waits; tests replace it so that they never wait for real. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = duration -> Thread.sleep(Math.max(0, duration.toMillis()));

  void sleep(Duration duration) throws InterruptedException;
}
