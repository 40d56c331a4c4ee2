package io.npsconnector.core.spi.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Says yes at most once per period: for warnings that would otherwise repeat on every scheduled run. */
public final class OncePer {
  private final Duration period;
  private final Clock clock;
  private Instant last = Instant.MIN;

  public OncePer(Duration period, Clock clock) {
    this.period = period;
    this.clock = clock;
  }

  /** True the first time and then once the period has passed since the last true. */
  public synchronized boolean due() {
    Instant now = clock.instant();
    if (last.equals(Instant.MIN) || !last.plus(period).isAfter(now)) {
      last = now;
      return true;
    }
    return false;
  }
}
