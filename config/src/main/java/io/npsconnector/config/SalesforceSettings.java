package io.npsconnector.config;

import java.time.Duration;
import java.util.List;

/**
 * Settings only a Salesforce connection has.
 *
 * @param contactRoles which contacts of a won opportunity are surveyed: {@code primary} (the primary
 *     contact role only) or {@code all} (every contact role)
 * @param pauseAtPercent at this share of the org's daily API requests used, non-essential work (periodic
 *     syncs, relationship surveys) pauses
 * @param resumeBelowPercent the paused work resumes once usage falls below this share
 * @param limitExceededWait after {@code REQUEST_LIMIT_EXCEEDED}, the connection makes no call for this long
 * @param windowLag the end of each read window stays this far behind now (clock skew, long transactions)
 * @param queryPageSize records per query page, 200 to 2,000 (Salesforce's {@code QueryOptions.batchSize})
 * @param connectTimeout how long to wait for a connection to Salesforce
 * @param readTimeout how long to wait for Salesforce's answer to one call
 */
public record SalesforceSettings(ContactRoles contactRoles, int pauseAtPercent, int resumeBelowPercent,
    Duration limitExceededWait, Duration windowLag, int queryPageSize, Duration connectTimeout,
    Duration readTimeout) {

  /** Which contact roles of a won opportunity count. */
  public enum ContactRoles { PRIMARY, ALL }

  public static final int DEFAULT_PAUSE_AT_PERCENT = 90;
  public static final int DEFAULT_RESUME_BELOW_PERCENT = 80;
  public static final Duration DEFAULT_LIMIT_EXCEEDED_WAIT = Duration.ofHours(1);
  public static final Duration DEFAULT_WINDOW_LAG = Duration.ofMinutes(2);
  public static final int MAX_QUERY_PAGE = 2000;
  public static final int MIN_QUERY_PAGE = 200;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(2);
  public static final SalesforceSettings DEFAULTS = new SalesforceSettings(ContactRoles.PRIMARY,
      DEFAULT_PAUSE_AT_PERCENT, DEFAULT_RESUME_BELOW_PERCENT, DEFAULT_LIMIT_EXCEEDED_WAIT, DEFAULT_WINDOW_LAG,
      MAX_QUERY_PAGE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);

  public SalesforceSettings {
    java.util.Objects.requireNonNull(contactRoles, "contactRoles");
    if (resumeBelowPercent > pauseAtPercent) {
      throw new IllegalArgumentException("resumeBelowPercent " + resumeBelowPercent + " > pauseAtPercent "
          + pauseAtPercent);
    }
  }

  /** These settings with another query page size (tests use small pages). */
  public SalesforceSettings withQueryPageSize(int size) {
    return new SalesforceSettings(contactRoles, pauseAtPercent, resumeBelowPercent, limitExceededWait, windowLag,
        size, connectTimeout, readTimeout);
  }

  static SalesforceSettings read(Section connection) {
    ContactRoles roles = connection.oneOf("contact-roles", "contact roles", List.of("primary", "all"))
        .map(value -> value.equals("all") ? ContactRoles.ALL : ContactRoles.PRIMARY).orElse(ContactRoles.PRIMARY);
    Section limits = connection.section("api-limit");
    int pause = limits.integer("pause-at-percent", 1, 100).orElse(DEFAULT_PAUSE_AT_PERCENT);
    int resume = limits.integer("resume-below-percent", 1, 100).orElse(Math.min(pause, DEFAULT_RESUME_BELOW_PERCENT));
    if (resume > pause) {
      limits.problem("resume-below-percent", "must not be above pause-at-percent (" + pause + "), got " + resume);
      resume = pause;
    }
    Duration wait = limits.duration("limit-exceeded-wait", Duration.ofMinutes(1)).orElse(DEFAULT_LIMIT_EXCEEDED_WAIT);
    limits.finish();
    Duration lag = connection.duration("window-lag", Duration.ZERO).orElse(DEFAULT_WINDOW_LAG);
    int page = connection.integer("query-page-size", MIN_QUERY_PAGE, MAX_QUERY_PAGE).orElse(MAX_QUERY_PAGE);
    Section timeouts = connection.section("timeouts");
    Duration connect = timeouts.duration("connect", Duration.ofSeconds(1)).orElse(DEFAULT_CONNECT_TIMEOUT);
    Duration read = timeouts.duration("read", Duration.ofSeconds(1)).orElse(DEFAULT_READ_TIMEOUT);
    timeouts.finish();
    return new SalesforceSettings(roles, pause, resume, wait, lag, page, connect, read);
  }
}
