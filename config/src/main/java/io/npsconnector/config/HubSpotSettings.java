package io.npsconnector.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings only a HubSpot connection has.
 *
 * @param pathPrefix put before every API path ({@code /crm/v3/...}), for proxies and gateways; empty by default
 * @param requestsPerTenSeconds the app's budget per rolling 10 seconds: 100 (Free, Starter), 190
 *     (Professional, Enterprise) or 250 (with the limit increase); any value from 1 to 250
 * @param searchPerSecond the search API's budget per second (HubSpot allows about 5)
 * @param dailyReservePercent below this share of the daily limit left, non-essential work pauses
 * @param webhookSecret the app's client secret that signs webhook deliveries (signature v3); webhooks
 *     are refused without it
 */
public record HubSpotSettings(String pathPrefix, int requestsPerTenSeconds, int searchPerSecond,
    int dailyReservePercent, Optional<Secret> webhookSecret) {

  public static final int DEFAULT_REQUESTS_PER_TEN_SECONDS = 100;
  public static final int DEFAULT_SEARCH_PER_SECOND = 4;
  public static final int DEFAULT_DAILY_RESERVE_PERCENT = 10;
  public static final HubSpotSettings DEFAULTS = new HubSpotSettings("", DEFAULT_REQUESTS_PER_TEN_SECONDS,
      DEFAULT_SEARCH_PER_SECOND, DEFAULT_DAILY_RESERVE_PERCENT, Optional.empty());

  private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]+)*");

  static HubSpotSettings read(Section connection) {
    String prefix = connection.parsed("path-prefix", text -> PREFIX.matcher(text).matches()
        ? Section.Parsed.of(text)
        : Section.Parsed.error("must be empty or a path such as /hubspot (starting with '/', no trailing '/'), got '"
            + text + "'")).orElse("");
    Section rateLimit = connection.section("rate-limit");
    int perTenSeconds = rateLimit.integer("per-ten-seconds", 1, 250).orElse(DEFAULT_REQUESTS_PER_TEN_SECONDS);
    int search = rateLimit.integer("search-per-second", 1, 5).orElse(DEFAULT_SEARCH_PER_SECOND);
    int reserve = rateLimit.integer("daily-reserve-percent", 0, 50).orElse(DEFAULT_DAILY_RESERVE_PERCENT);
    rateLimit.finish();
    Optional<Secret> webhookSecret = connection.secret("webhook-secret");
    return new HubSpotSettings(prefix, perTenSeconds, search, reserve, webhookSecret);
  }
}
