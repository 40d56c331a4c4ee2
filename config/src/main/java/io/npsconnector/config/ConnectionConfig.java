package io.npsconnector.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.IllformedLocaleException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One CRM connection: what every CRM shares, and the settings of its type.
 *
 * @param name unique, lower case, used in commands ({@code explain --contact NAME:ID}) and in the store
 * @param type the connection type, such as {@code hubspot}: the {@link ConnectionType} that read {@code settings}
 * @param fieldMapping contact field (see {@link #CONTACT_FIELDS}) to the CRM's field, overriding the adapter's default
 * @param segments segment attribute name (region, industry, ...) to the CRM field it is read from
 * @param timeZone for contacts without a time zone of their own
 * @param locale for contacts without a language of their own
 * @param settings what only connections of this type have (credentials, URLs, limits), read by the type
 */
public record ConnectionConfig(
    String name,
    String type,
    boolean enabled,
    Duration syncInterval,
    Map<String, String> fieldMapping,
    Map<String, String> segments,
    ZoneId timeZone,
    Locale locale,
    CrmSettings settings) {

  /** The contact fields a connection may map to CRM fields of its own choosing. */
  public static final List<String> CONTACT_FIELDS = List.of("email", "first-name", "last-name", "phone", "locale",
      "time-zone", "email-opt-out", "owner", "account-id", "account-name");
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(5);
  static final Duration MIN_SYNC_INTERVAL = Duration.ofMinutes(1);
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  /** A CRM field name: letters, digits, '_', and '.' between names. */
  public static final Pattern CRM_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*");
  static final Pattern SEGMENT = Pattern.compile("[a-z][a-z0-9_-]*");

  public ConnectionConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    fieldMapping = Map.copyOf(fieldMapping);
    segments = Collections.unmodifiableMap(new LinkedHashMap<>(segments));
    Objects.requireNonNull(settings, "settings");
  }

  /**
   * The settings as the type's own class.
   *
   * @throws IllegalArgumentException when the settings are of another type (a provider handed a connection
   *     of another type)
   */
  public <S extends CrmSettings> S settings(Class<S> kind) {
    if (!kind.isInstance(settings)) {
      throw new IllegalArgumentException("connection '" + name + "' is a " + type + " connection; its settings are "
          + settings.getClass().getSimpleName() + ", not " + kind.getSimpleName());
    }
    return kind.cast(settings);
  }

  /** This connection with other settings of its type (tests change one setting this way). */
  public ConnectionConfig withSettings(CrmSettings other) {
    return new ConnectionConfig(name, type, enabled, syncInterval, fieldMapping, segments, timeZone, locale, other);
  }

  static ConnectionConfig read(Section connection, ConnectionTypes types) {
    String name = connection.requiredText("name").orElse("");
    if (!name.isEmpty() && !NAME.matcher(name).matches()) {
      connection.problem("name", "must be lower-case letters, digits and '-' (at most 63), got '" + name + "'");
    }
    Optional<ConnectionType> type = (connection.has("type")
        ? connection.oneOf("type", "connection type", types.names())
        : connection.requiredText("type")).flatMap(types::type);
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
    CrmSettings settings = UNREAD;
    if (type.isPresent()) {
      settings = type.get().readSettings(connection.variant("type", type.get().type()));
      // the other keys are checked once the type is known: they may be that type's
      connection.finish();
    }
    return new ConnectionConfig(name, type.map(ConnectionType::type).orElse(""), enabled, syncInterval, fieldMapping,
        segments, timeZone, locale, settings);
  }

  /** Stands in for the settings of a connection whose type is unknown; never leaves a failed load. */
  private static final CrmSettings UNREAD = new CrmSettings() {};

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
