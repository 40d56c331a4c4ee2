package io.npsconnector.hubspot.client;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The real passing of time, as {@link Sleeper#SYSTEM} waits it: the wall-clock instant it was made, moved on by
 * {@link System#nanoTime()}. HubSpot's rate windows are real seconds; the injected business clock may be moved
 * (the demo plays six months of history on one that jumps) and the wall clock may be set back, and either would
 * let a burst through that HubSpot refuses, or hold requests back for as long as the jump.
 */
public final class MonotonicClock extends Clock {
  private final Instant origin;
  private final long originNanos;

  public MonotonicClock() {
    this.origin = Instant.now();
    this.originNanos = System.nanoTime();
  }

  private MonotonicClock(Instant origin, long originNanos) {
    this.origin = origin;
    this.originNanos = originNanos;
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(System.nanoTime() - originNanos);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new UnsupportedOperationException("a monotonic clock keeps UTC, asked for " + zone);
  }
}
