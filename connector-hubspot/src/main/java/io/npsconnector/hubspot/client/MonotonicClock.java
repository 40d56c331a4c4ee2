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
  private final ZoneId zone;

  public MonotonicClock() {
    this(Instant.now(), System.nanoTime(), ZoneOffset.UTC);
  }

  private MonotonicClock(Instant origin, long originNanos, ZoneId zone) {
    this.origin = origin;
    this.originNanos = originNanos;
    this.zone = zone;
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(System.nanoTime() - originNanos);
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same passing of time, read in {@code zone}. */
  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(this.zone) ? this : new MonotonicClock(origin, originNanos, zone);
  }
}
