package io.npsconnector.app.writeback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Time for the sandboxes, the adapters and the engine alike: moved by the test, and a step further at every
 * reading, so that the HubSpot adapter's rate governor (which sleeps until its clock passes the window) waits
 * a fraction of a second at most instead of forever.
 */
public final class SteppingClock extends Clock {
  private static final Duration STEP = Duration.ofMillis(200);
  private Instant now;

  public SteppingClock(Instant start) {
    this.now = start;
  }

  public synchronized void advance(Duration duration) {
    now = now.plus(duration);
  }

  @Override
  public synchronized Instant instant() {
    now = now.plus(STEP);
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test's clock is UTC");
  }
}
