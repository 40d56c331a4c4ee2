package io.npsconnector.config;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One CRM connection.
 *
 * @param name unique, lower case, used in commands ({@code explain --contact NAME:ID}) and in the store
 * @param baseUrl overrides the CRM's API base URL (sandboxes, proxies)
 * @param loginUrl overrides the URL tokens are requested from (Salesforce; HubSpot OAuth)
 * @param apiVersion Salesforce API version such as {@code 62.0}
 * @param fieldMapping contact field (see {@link #CONTACT_FIELDS}) to the CRM's field, overriding the adapter's default
 * @param segments segment attribute name (region, industry, ...) to the CRM field it is read from
 * @param timeZone for contacts without a time zone of their own
 * @param locale for contacts without a language of their own
 * @param hubspot settings of a HubSpot connection ({@link HubSpotSettings#DEFAULTS} for other types)
 * @param salesforce settings of a Salesforce connection ({@link SalesforceSettings#DEFAULTS} for other types)
 */
public record ConnectionConfig(
    String name,
    CrmType type,
    boolean enabled,
    Credentials credentials,
    Optional<URI> baseUrl,
    Optional<URI> loginUrl,
    Optional<String> apiVersion,
    Duration syncInterval,
    Map<String, String> fieldMapping,
    Map<String, String> segments,
    ZoneId timeZone,
    Locale locale,
    HubSpotSettings hubspot,
    SalesforceSettings salesforce) {

  /** The contact fields a connection may map to CRM fields of its own choosing. */
  public static final List<String> CONTACT_FIELDS = List.of("email", "first-name", "last-name", "phone", "locale",
      "time-zone", "email-opt-out", "owner", "account-id", "account-name");
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(5);
  static final Duration MIN_SYNC_INTERVAL = Duration.ofMinutes(1);
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  static final Pattern CRM_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*");
  static final Pattern SEGMENT = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final Pattern API_VERSION = Pattern.compile("\\d{2,3}\\.0");

  public ConnectionConfig {
    fieldMapping = Map.copyOf(fieldMapping);
    segments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(segments));
    java.util.Objects.requireNonNull(hubspot, "hubspot");
    java.util.Objects.requireNonNull(salesforce, "salesforce");
  }

  /** A connection with the HubSpot settings given and the default Salesforce settings. */
  public ConnectionConfig(String name, CrmType type, boolean enabled, Credentials credentials, Optional<URI> baseUrl,
      Optional<URI> loginUrl, Optional<String> apiVersion, Duration syncInterval, Map<String, String> fieldMapping,
      Map<String, String> segments, ZoneId timeZone, Locale locale, HubSpotSettings hubspot) {
    this(name, type, enabled, credentials, baseUrl, loginUrl, apiVersion, syncInterval, fieldMapping, segments,
        timeZone, locale, hubspot, SalesforceSettings.DEFAULTS);
  }

  /** This connection with other Salesforce settings. */
  public ConnectionConfig withSalesforce(SalesforceSettings settings) {
    return new ConnectionConfig(name, type, enabled, credentials, baseUrl, loginUrl, apiVersion, syncInterval,
        fieldMapping, segments, timeZone, locale, hubspot, settings);
  }

  /** A connection with the default settings of its CRM type. */
  public ConnectionConfig(String name, CrmType type, boolean enabled, Credentials credentials, Optional<URI> baseUrl,
      Optional<URI> loginUrl, Optional<String> apiVersion, Duration syncInterval, Map<String, String> fieldMapping,
      Map<String, String> segments, ZoneId timeZone, Locale locale) {
    this(name, type, enabled, credentials, baseUrl, loginUrl, apiVersion, syncInterval, fieldMapping, segments,
        timeZone, locale, HubSpotSettings.DEFAULTS, SalesforceSettings.DEFAULTS);
  }

  static ConnectionConfig read(Section connection) {
    String name = connection.requiredText("name").orElse("");
    if (!name.isEmpty() && !NAME.matcher(name).matches()) {
      connection.problem("name", "must be lower-case letters, digits and '-' (at most 63), got '" + name + "'");
    }
    Optional<String> typeId = connection.has("type")
        ? connection.oneOf("type", "connection type", CrmType.ids())
        : connection.requiredText("type");
    CrmType type = typeId.filter(CrmType.ids()::contains).map(CrmType::ofId).orElse(null);
    Credentials credentials = type == null
        ? new Credentials("", Map.of(), Map.of())
        : Credentials.read(connection, type);
    if (type == null) {
      connection.has("auth");
      connection.section("credentials"); // checked once the type is known
    }
    Optional<URI> baseUrl = connection.parsed("base-url", Urls::httpUrl);
    Optional<URI> loginUrl = connection.parsed("login-url", Urls::httpUrl);
    Optional<String> apiVersion = Optional.empty();
    if (type == CrmType.SALESFORCE) {
      apiVersion = connection.parsed("api-version", text -> API_VERSION.matcher(text).matches()
          ? Section.Parsed.of(text)
          : Section.Parsed.error("must be a Salesforce API version such as 62.0, got '" + text + "'"));
    }
    Duration syncInterval = connection.duration("sync-interval", MIN_SYNC_INTERVAL).orElse(DEFAULT_SYNC_INTERVAL);
    Map<String, String> fieldMapping = connection.textMap("fields");
    Section fields = connection.section("fields");
    fieldMapping.forEach((field, crmField) -> {
      if (!CONTACT_FIELDS.contains(field)) {
        fields.problem(field, "unknown contact field '" + field + "'" + Suggestions.didYouMean(field, CONTACT_FIELDS)
            + "; mappable fields: " + String.join(", ", CONTACT_FIELDS));
      } else {
        checkCrmField(fields, field, crmField);
      }
    });
    Map<String, String> segments = connection.textMap("segments");
    Section segmentSection = connection.section("segments");
    segments.forEach((segment, crmField) -> {
      if (!SEGMENT.matcher(segment).matches()) {
        segmentSection.problem(segment, "segment names are lower-case letters, digits, '-' and '_', got '"
            + segment + "'");
      }
      checkCrmField(segmentSection, segment, crmField);
    });
    ZoneId timeZone = connection.parsed("time-zone", ConnectionConfig::zone).orElse(ZoneId.of("UTC"));
    Locale locale = connection.parsed("locale", ConnectionConfig::locale).orElse(Locale.ENGLISH);
    boolean enabled = connection.bool("enabled").orElse(true);
    HubSpotSettings hubspot = type == CrmType.HUBSPOT ? HubSpotSettings.read(connection) : HubSpotSettings.DEFAULTS;
    SalesforceSettings salesforce = type == CrmType.SALESFORCE
        ? SalesforceSettings.read(connection) : SalesforceSettings.DEFAULTS;
    connection.finish();
    return new ConnectionConfig(name, type == null ? CrmType.HUBSPOT : type, enabled, credentials, baseUrl, loginUrl,
        apiVersion, syncInterval, fieldMapping, segments, timeZone, locale, hubspot, salesforce);
  }

  private static void checkCrmField(Section section, String key, String crmField) {
    if (!CRM_FIELD.matcher(crmField).matches()) {
      section.problem(key, "must be a CRM field name (letters, digits, '_', and '.' between names), got '"
          + crmField + "'");
    }
  }

  static Section.Parsed<ZoneId> zone(String text) {
    try {
      return Section.Parsed.of(ZoneId.of(text));
    } catch (DateTimeException e) {
      return Section.Parsed.error("unknown time zone '" + text + "'; use an IANA name such as Europe/Berlin");
    }
  }

  static Section.Parsed<Locale> locale(String text) {
    try {
      Locale locale = new Locale.Builder().setLanguageTag(text).build();
      if (locale.getLanguage().isEmpty()) {
        return Section.Parsed.error("must be a language tag such as en, de or pt-BR, got '" + text + "'");
      }
      return Section.Parsed.of(locale);
    } catch (IllformedLocaleException e) {
      return Section.Parsed.error("must be a language tag such as en, de or pt-BR, got '" + text + "'");
    }
  }
}
