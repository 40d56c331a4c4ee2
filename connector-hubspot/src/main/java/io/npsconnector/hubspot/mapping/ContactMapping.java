package io.npsconnector.hubspot.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.model.Contact;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * HubSpot contact properties to our {@link Contact}. The default property of each contact field can be
 * overridden per connection ({@code fields:}); segment attributes come from the properties the
 * connection names ({@code segments:}). {@link #properties()} is exactly what a read must ask for.
 */
public final class ContactMapping {
  /** HubSpot's standard contact properties for our contact fields. */
  static final Map<String, String> DEFAULTS = Map.of(
      "email", "email",
      "first-name", "firstname",
      "last-name", "lastname",
      "phone", "phone",
      "locale", "hs_language",
      "time-zone", "hs_timezone",
      "email-opt-out", "hs_email_optout",
      "owner", "hubspot_owner_id",
      "account-id", "associatedcompanyid",
      "account-name", "company");
  public static final String MODIFIED = "lastmodifieddate";
  /** Every zone by its lower-case id, made once: a read maps thousands of contacts to a handful of zones. */
  private static final Map<String, ZoneId> ZONES = ZoneId.getAvailableZoneIds().stream()
      .collect(Collectors.toUnmodifiableMap(id -> id.toLowerCase(Locale.ROOT), ZoneId::of, (a, b) -> a));
  /** Language tags seen so far; bounded, as the values come from the CRM. */
  private static final int MAX_LOCALES = 1_000;
  private static final Map<String, Optional<Locale>> LOCALES = new ConcurrentHashMap<>();

  private final Map<String, String> fields;
  private final Map<String, String> segments;

  public ContactMapping(ConnectionConfig connection) {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
    merged.putAll(connection.fieldMapping());
    this.fields = Map.copyOf(merged);
    this.segments = connection.segments();
  }

  /** Every property a contact read asks for, in a stable order. */
  public List<String> properties() {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    ConnectionConfig.CONTACT_FIELDS.forEach(field -> names.add(fields.get(field)));
    names.addAll(segments.values());
    names.add(MODIFIED);
    return List.copyOf(names);
  }

  /** One search or batch-read result ({@code {id, properties, updatedAt, ...}}) as a contact. */
  public Contact contact(JsonNode object) {
    JsonNode properties = object.path("properties");
    Instant modified = instant(text(properties, MODIFIED).or(() -> Optional.ofNullable(object.path("updatedAt")
        .textValue()))).orElse(Instant.EPOCH);
    Contact.Builder contact = Contact.builder(object.path("id").asText(), modified);
    field(properties, "email").ifPresent(contact::email);
    field(properties, "first-name").ifPresent(contact::firstName);
    field(properties, "last-name").ifPresent(contact::lastName);
    field(properties, "phone").ifPresent(contact::phone);
    field(properties, "locale").flatMap(ContactMapping::locale).ifPresent(contact::locale);
    field(properties, "time-zone").flatMap(ContactMapping::zone).ifPresent(contact::timeZone);
    contact.emailOptOut(field(properties, "email-opt-out").map("true"::equalsIgnoreCase).orElse(false));
    field(properties, "owner").ifPresent(contact::ownerId);
    Optional<String> accountId = field(properties, "account-id");
    if (accountId.isPresent()) {
      contact.account(accountId.get(), field(properties, "account-name").orElse(null));
    }
    segments.forEach((segment, property) -> text(properties, property)
        .ifPresent(value -> contact.segment(segment, value)));
    contact.deleted(object.path("archived").asBoolean(false));
    return contact.build();
  }

  private Optional<String> field(JsonNode properties, String field) {
    return text(properties, fields.get(field));
  }

  /** A property's value; HubSpot sends every value as a string, and blanks mean "not set". */
  public static Optional<String> text(JsonNode properties, String name) {
    JsonNode value = properties.path(name);
    return value.isValueNode() && !value.isNull() && !value.asText().isBlank()
        ? Optional.of(value.asText().strip()) : Optional.empty();
  }

  /** An ISO-8601 date-time, or epoch milliseconds, as HubSpot writes dates. */
  public static Optional<Instant> instant(Optional<String> text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String value = text.get();
    try {
      if (digits(value)) {
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(value)));
      }
      Instant quick = IsoInstants.parse(value);
      return Optional.of(quick != null ? quick : Instant.parse(value));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean digits(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return !value.isEmpty();
  }

  /** {@code hs_timezone} values look like {@code america_slash_new_york}; unknown ones are dropped. */
  static Optional<ZoneId> zone(String value) {
    String id = value.toLowerCase(Locale.ROOT).replace("_slash_", "/");
    return Optional.ofNullable(ZONES.get(id));
  }

  /** {@code hs_language} values are language tags such as {@code en} or {@code pt-br}. */
  static Optional<Locale> locale(String value) {
    Optional<Locale> known = LOCALES.get(value);
    if (known != null) {
      return known;
    }
    Locale locale = Locale.forLanguageTag(value.replace('_', '-'));
    Optional<Locale> parsed = locale.getLanguage().isEmpty() ? Optional.empty() : Optional.of(locale);
    if (LOCALES.size() < MAX_LOCALES) {
      LOCALES.put(value, parsed);
    }
    return parsed;
  }
}
