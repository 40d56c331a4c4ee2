package io.npsconnector.salesforce.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The org's daily API request budget as Salesforce last reported it ({@code LimitInfoHeader}, type
 * {@code API REQUESTS}), with hysteresis: at {@code pauseAtPercent} used, work that can wait pauses, and it
 * resumes only once usage is below {@code resumeBelowPercent}. After {@code REQUEST_LIMIT_EXCEEDED} the
 * connection makes no call at all until {@code exceededWait} has passed. Thread-safe.
 */
public final class ApiLimits {
  private static final Logger LOG = LoggerFactory.getLogger(ApiLimits.class);

  private final String connection;
  private final int pauseAtPercent;
  private final int resumeBelowPercent;
  private final Duration exceededWait;
  private final Clock clock;
  private long used = -1;
  private long limit = -1;
  private boolean paused;
  private Instant blockedUntil = Instant.MIN;

  public ApiLimits(String connection, int pauseAtPercent, int resumeBelowPercent, Duration exceededWait, Clock clock) {
    if (resumeBelowPercent > pauseAtPercent) {
      throw new IllegalArgumentException("resumeBelowPercent above pauseAtPercent");
    }
    this.connection = connection;
    this.pauseAtPercent = pauseAtPercent;
    this.resumeBelowPercent = resumeBelowPercent;
    this.exceededWait = exceededWait;
    this.clock = clock;
  }

  /** What one answer's {@code LimitInfoHeader} said. */
  public synchronized void observe(long current, long max) {
    if (max <= 0) {
      return;
    }
    used = current;
    limit = max;
    // integer arithmetic: 90 % of 100,000 pauses at exactly 90,000 calls
    if (!paused && current * 100 >= max * pauseAtPercent) {
      paused = true;
      LOG.warn("{}: {} of {} daily Salesforce API requests used ({} %); periodic syncs and relationship surveys "
          + "pause until usage is below {} %, write-backs go on", connection, current, max, current * 100 / max,
          resumeBelowPercent);
    } else if (paused && current * 100 < max * resumeBelowPercent) {
      paused = false;
      LOG.info("{}: daily Salesforce API usage is down to {} of {}; paused work resumes", connection, current, max);
    }
  }

  /** Salesforce answered {@code REQUEST_LIMIT_EXCEEDED}: no call at all for the configured wait. */
  public synchronized Instant exceeded() {
    blockedUntil = clock.instant().plus(exceededWait);
    paused = true;
    LOG.error("{}: Salesforce refused a call with REQUEST_LIMIT_EXCEEDED: the org's daily API request limit is used "
        + "up{}. This connection makes no call until {} and then tries again; other integrations of the org are "
        + "affected too", connection, limit > 0 ? " (" + used + " of " + limit + ")" : "", blockedUntil);
    return blockedUntil;
  }

  Instant now() {
    return clock.instant();
  }

  /** Until when every call is refused without being made, if the limit was exceeded lately. */
  public synchronized Optional<Instant> blockedUntil() {
    return blockedUntil.isAfter(clock.instant()) ? Optional.of(blockedUntil) : Optional.empty();
  }

  /** True while work that can wait should wait: usage above the pause mark and not yet below the resume mark. */
  public synchronized boolean conserving() {
    return paused || blockedUntil.isAfter(clock.instant());
  }

  /** The requests used, as last reported; -1 before any answer. */
  public synchronized long used() {
    return used;
  }

  /** The org's daily request limit, as last reported; -1 before any answer. */
  public synchronized long limit() {
    return limit;
  }
}
