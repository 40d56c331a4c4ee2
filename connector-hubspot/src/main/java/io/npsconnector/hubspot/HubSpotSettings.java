package io.npsconnector.hubspot;

import io.npsconnector.config.Credentials;
import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Section;
import io.npsconnector.config.Secret;
import io.npsconnector.hubspot.client.HubSpotClient;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings only a HubSpot connection has, read from its own keys by {@link HubSpotProvider}.
 *
 * @param credentials {@code auth: private-app} (the default: a {@code token}) or {@code auth: oauth}
 *     ({@code client-id}, {@code client-secret}, {@code refresh-token})
 * @param baseUrl the API's base URL ({@code base-url}; sandboxes, proxies)
 * @param loginUrl where OAuth tokens are refreshed ({@code login-url}); the base URL when absent
 * @param pathPrefix put before every API path ({@code /crm/v3/...}), for proxies and gateways; empty by default
 * @param requestsPerTenSeconds the app's budget per rolling 10 seconds: 100 (Free, Starter), 190
 *     (Professional, Enterprise) or 250 (with the limit increase); any value from 1 to 250
 * @param searchPerSecond the search API's budget per second (HubSpot allows about 5)
 * @param dailyReservePercent below this share of the daily limit left, non-essential work pauses
 * @param webhookSecret the app's client secret that signs webhook deliveries (signature v3); webhooks
 *     are refused without it
 */
public record HubSpotSettings(Credentials credentials, URI baseUrl, Optional<URI> loginUrl, String pathPrefix,
    int requestsPerTenSeconds, int searchPerSecond, int dailyReservePercent, Optional<Secret> webhookSecret)
    implements CrmSettings {

  public static final String TYPE = "hubspot";
  public static final String PRIVATE_APP = "private-app";
  public static final String OAUTH = "oauth";
  public static final int DEFAULT_REQUESTS_PER_TEN_SECONDS = 100;
  public static final int DEFAULT_SEARCH_PER_SECOND = 5;
  public static final int DEFAULT_DAILY_RESERVE_PERCENT = 10;
  /** The contact properties NPS values go to unless {@code writeback.contact-fields.hubspot} says otherwise. */
  public static final Map<String, String> DEFAULT_CONTACT_FIELDS = ordered("score", "nps_score",
      "category", "nps_category", "responded-at", "nps_last_response_date", "comment", "nps_last_comment");
  /** The company properties of the account roll-up unless {@code writeback.account-fields.hubspot} says otherwise. */
  public static final Map<String, String> DEFAULT_ACCOUNT_FIELDS = ordered("nps", "nps_account_score",
      "responses", "nps_response_count", "ci-low", "nps_account_ci_low", "ci-high", "nps_account_ci_high");

  static final Map<String, Credentials.AuthMode> AUTH_MODES = Map.of(
      PRIVATE_APP, new Credentials.AuthMode(Set.of(), Set.of("token")),
      OAUTH, new Credentials.AuthMode(Set.of("client-id"), Set.of("client-secret", "refresh-token")));
  private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]+)*");

  public HubSpotSettings {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(loginUrl, "loginUrl");
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(webhookSecret, "webhookSecret");
  }

  /** A private-app connection to {@code baseUrl} with every other setting at its default. */
  public static HubSpotSettings privateApp(Secret token, URI baseUrl) {
    return new HubSpotSettings(new Credentials(PRIVATE_APP, Map.of(), Map.of("token", token)), baseUrl,
        Optional.empty(), "", DEFAULT_REQUESTS_PER_TEN_SECONDS, DEFAULT_SEARCH_PER_SECOND,
        DEFAULT_DAILY_RESERVE_PERCENT, Optional.empty());
  }

  /** These settings with another webhook secret. */
  public HubSpotSettings withWebhookSecret(Optional<Secret> secret) {
    return new HubSpotSettings(credentials, baseUrl, loginUrl, pathPrefix, requestsPerTenSeconds, searchPerSecond,
        dailyReservePercent, secret);
  }

  static HubSpotSettings read(Section connection) {
    Credentials credentials = Credentials.read(connection, TYPE, Optional.of(PRIVATE_APP), AUTH_MODES);
    URI baseUrl = connection.url("base-url").orElse(HubSpotClient.DEFAULT_BASE_URL);
    Optional<URI> loginUrl = connection.url("login-url");
    String prefix = connection.parsed("path-prefix", text -> PREFIX.matcher(text).matches()
        ? Section.Parsed.of(text)
        : Section.Parsed.<String>error("must be empty or a path such as /hubspot (starting with '/', no trailing "
            + "'/'), got '" + text + "'")).orElse("");
    Section rateLimit = connection.section("rate-limit");
    int perTenSeconds = rateLimit.integer("per-ten-seconds", 1, 250).orElse(DEFAULT_REQUESTS_PER_TEN_SECONDS);
    int search = rateLimit.integer("search-per-second", 1, 5).orElse(DEFAULT_SEARCH_PER_SECOND);
    int reserve = rateLimit.integer("daily-reserve-percent", 0, 50).orElse(DEFAULT_DAILY_RESERVE_PERCENT);
    rateLimit.finish();
    Optional<Secret> webhookSecret = connection.secret("webhook-secret");
    return new HubSpotSettings(credentials, baseUrl, loginUrl, prefix, perTenSeconds, search, reserve, webhookSecret);
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
