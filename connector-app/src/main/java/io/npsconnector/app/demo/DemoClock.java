package io.npsconnector.app.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The demo's one clock: the system clock a settable time behind, so that the sandboxes and the service live
 * through a history together; it only ever moves forward, and once nothing is behind it is the system clock.
 */
final class DemoClock extends Clock {
  private volatile Duration behind;

  private DemoClock(Duration behind) {
    this.behind = behind;
  }

  static DemoClock behind(Duration behind) {
    return new DemoClock(behind);
  }

  /** Moves the clock to {@code behind} the system clock; never back in time. */
  synchronized void setBehind(Duration behind) {
    if (behind.compareTo(this.behind) > 0) {
      throw new IllegalArgumentException("the demo's clock moves forward only: " + behind + " is more than "
          + this.behind + " behind");
    }
    this.behind = behind;
  }

  @Override
  public Instant instant() {
    return Instant.now().minus(behind);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return Clock.offset(Clock.system(zone), behind.negated());
  }
}
