package io.npsconnector.core.delivery.email;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The cap on mails per second across every connection and thread ({@code channels.email.max-per-second}), a
 * Resilience4j rate limiter: a send waits for its permit before it transmits anything; one that would wait longer
 * than the limiter's timeout gets none (and sends nothing).
 */
final class SendRate {
  /** How long a send waits for its permit at most: far longer than a backlog of a few threads needs at 1 mail/s. */
  static final Duration WAIT = Duration.ofMinutes(1);

  /** No cap. */
  static final SendRate NONE = new SendRate(Optional.empty());

  private final Optional<RateLimiter> limiter;

  private SendRate(Optional<RateLimiter> limiter) {
    this.limiter = limiter;
  }

  /** {@code perSecond} mails a second, or no cap. */
  static SendRate perSecond(Optional<Integer> perSecond) {
    return perSecond.map(rate -> of(RateLimiterConfig.custom().limitForPeriod(rate)
        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(WAIT).build())).orElse(NONE);
  }

  /** A cap as {@code config} says (tests give a long period and no wait). */
  static SendRate of(RateLimiterConfig config) {
    return new SendRate(Optional.of(RateLimiter.of("smtp", Objects.requireNonNull(config, "config"))));
  }

  /** Waits for the permit of one mail; false when it would have to wait longer than the limiter allows. */
  boolean acquire() {
    return limiter.map(rate -> rate.acquirePermission()).orElse(true);
  }

  /** The cap, for messages: mails per refresh period. */
  Optional<String> describe() {
    return limiter.map(rate -> rate.getRateLimiterConfig().getLimitForPeriod() + " mails per "
        + rate.getRateLimiterConfig().getLimitRefreshPeriod().toMillis() + " ms");
  }
}
