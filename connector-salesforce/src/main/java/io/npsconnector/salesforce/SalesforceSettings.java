package io.npsconnector.salesforce;

import io.npsconnector.config.Credentials;
import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Section;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings only a Salesforce connection has, read from its own keys by {@link SalesforceProvider}.
 *
 * @param credentials {@code auth: jwt} ({@code client-id}, {@code username}, {@code private-key}),
 *     {@code client-credentials} ({@code client-id}, {@code client-secret}) or {@code static-token}
 *     ({@code token}); a connection must name one
 * @param baseUrl the org's instance URL ({@code base-url}); required with a static token, otherwise the one
 *     the token answer names
 * @param loginUrl where tokens are requested ({@code login-url}); login.salesforce.com when absent
 * @param apiVersion the Partner API version ({@code api-version}, such as {@code 62.0})
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
public record SalesforceSettings(Credentials credentials, Optional<URI> baseUrl, Optional<URI> loginUrl,
    String apiVersion, ContactRoles contactRoles, int pauseAtPercent, int resumeBelowPercent,
    Duration limitExceededWait, Duration windowLag, int queryPageSize, Duration connectTimeout,
    Duration readTimeout) implements CrmSettings {

  /** Which contact roles of a won opportunity count. */
  public enum ContactRoles { PRIMARY, ALL }

  public static final String TYPE = "salesforce";
  /** The Partner API version used when the connection names none. */
  public static final String DEFAULT_API_VERSION = "65.0";
  public static final URI DEFAULT_LOGIN_URL = URI.create("https://login.salesforce.com");
  public static final int DEFAULT_PAUSE_AT_PERCENT = 90;
  public static final int DEFAULT_RESUME_BELOW_PERCENT = 80;
  public static final Duration DEFAULT_LIMIT_EXCEEDED_WAIT = Duration.ofHours(1);
  public static final Duration DEFAULT_WINDOW_LAG = Duration.ofMinutes(2);
  public static final int MAX_QUERY_PAGE = 2000;
  public static final int MIN_QUERY_PAGE = 200;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(2);
  /** The Contact fields NPS values go to unless {@code writeback.contact-fields.salesforce} says otherwise. */
  public static final Map<String, String> DEFAULT_CONTACT_FIELDS = ordered("score", "NPS_Score__c",
      "category", "NPS_Category__c", "responded-at", "NPS_Last_Response_Date__c", "comment", "NPS_Last_Comment__c");
  /** The Account fields of the roll-up unless {@code writeback.account-fields.salesforce} says otherwise. */
  public static final Map<String, String> DEFAULT_ACCOUNT_FIELDS = ordered("nps", "NPS_Account_Score__c",
      "responses", "NPS_Response_Count__c", "ci-low", "NPS_Account_CI_Low__c", "ci-high", "NPS_Account_CI_High__c");

  static final Map<String, Credentials.AuthMode> AUTH_MODES = Map.of(
      "jwt", new Credentials.AuthMode(Set.of("client-id", "username"), Set.of("private-key")),
      "client-credentials", new Credentials.AuthMode(Set.of("client-id"), Set.of("client-secret")),
      "static-token", new Credentials.AuthMode(Set.of(), Set.of("token")));
  private static final Pattern API_VERSION = Pattern.compile("\\d{2,3}\\.0");

  public SalesforceSettings {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(loginUrl, "loginUrl");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(contactRoles, "contactRoles");
    if (resumeBelowPercent > pauseAtPercent) {
      throw new IllegalArgumentException("resumeBelowPercent " + resumeBelowPercent + " > pauseAtPercent "
          + pauseAtPercent);
    }
  }

  /** These settings with another query page size (tests use small pages). */
  public SalesforceSettings withQueryPageSize(int size) {
    return new SalesforceSettings(credentials, baseUrl, loginUrl, apiVersion, contactRoles, pauseAtPercent,
        resumeBelowPercent, limitExceededWait, windowLag, size, connectTimeout, readTimeout);
  }

  static SalesforceSettings read(Section connection) {
    Credentials credentials = Credentials.read(connection, TYPE, Optional.empty(), AUTH_MODES);
    Optional<URI> baseUrl = connection.url("base-url");
    Optional<URI> loginUrl = connection.url("login-url");
    String apiVersion = connection.parsed("api-version", text -> API_VERSION.matcher(text).matches()
        ? Section.Parsed.of(text)
        : Section.Parsed.<String>error("must be a Salesforce API version such as 62.0, got '" + text + "'"))
        .orElse(DEFAULT_API_VERSION);
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
    return new SalesforceSettings(credentials, baseUrl, loginUrl, apiVersion, roles, pause, resume, wait, lag, page,
        connect, read);
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
