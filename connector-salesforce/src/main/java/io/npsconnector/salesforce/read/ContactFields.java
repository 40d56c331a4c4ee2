package io.npsconnector.salesforce.read;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.sforce.ws.bind.XmlObject;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.model.Contact;

/**
 * Salesforce Contact fields to our {@link Contact}. Each contact field has a default Salesforce field that
 * the connection's {@code fields:} may override; segment attributes come from the fields its
 * {@code segments:} names (relationship paths such as {@code Account.Industry} included). Every name is
 * checked to be a plain field path before it can reach a query.
 */
public final class ContactFields {
  /** The standard Contact fields; locale and time zone have none and are read only when mapped. */
  static final Map<String, String> DEFAULTS = Map.of(
      "email", "Email",
      "first-name", "FirstName",
      "last-name", "LastName",
      "phone", "Phone",
      "email-opt-out", "HasOptedOutOfEmail",
      "owner", "OwnerId",
      "account-id", "AccountId",
      "account-name", "Account.Name");
  static final String MODIFIED = "SystemModstamp";

  private final Map<String, String> fields;
  private final Map<String, String> segments;
  /** Salesforce field path to the configuration key that named it, for error messages. */
  private final Map<String, String> configKeys = new LinkedHashMap<>();

  public ContactFields(ConnectionConfig connection) {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
    merged.putAll(connection.fieldMapping());
    merged.forEach((field, path) -> Soql.field(path));
    connection.segments().forEach((segment, path) -> Soql.field(path));
    this.fields = Map.copyOf(merged);
    this.segments = connection.segments();
    String prefix = "connections." + connection.name() + ".";
    connection.fieldMapping().forEach((field, path) -> configKeys.put(path, prefix + "fields." + field));
    segments.forEach((segment, path) -> configKeys.putIfAbsent(path, prefix + "segments." + segment));
  }

  /** Every field a contact read selects, in a stable order, {@code Id}, {@code IsDeleted} and the timestamp first. */
  public List<String> select() {
    LinkedHashSet<String> names = new LinkedHashSet<>(List.of("Id", "IsDeleted", MODIFIED));
    ConnectionConfig.CONTACT_FIELDS.forEach(field -> {
      String path = fields.get(field);
      if (path != null) {
        names.add(path);
      }
    });
    names.addAll(segments.values());
    return List.copyOf(names);
  }

  /** The configuration key that named a Salesforce field ({@code connections.sf.segments.region}), if any. */
  public Optional<String> configKeyOf(String path) {
    return configKeys.entrySet().stream()
        .filter(entry -> entry.getKey().equalsIgnoreCase(path)
            || entry.getKey().toLowerCase(Locale.ROOT).startsWith(path.toLowerCase(Locale.ROOT) + "."))
        .map(Map.Entry::getValue).findFirst();
  }

  /** Every configured field path with the key that named it. */
  public Map<String, String> configuredPaths() {
    return java.util.Collections.unmodifiableMap(configKeys);
  }

  /** One Contact record as a contact. */
  public Contact contact(XmlObject record) {
    String id = Records.text(record, "Id").orElseThrow(() -> new IllegalArgumentException("a Contact without Id"));
    Instant modified = Records.instant(record, MODIFIED).orElse(Instant.EPOCH);
    Contact.Builder contact = Contact.builder(id, modified);
    field(record, "email").ifPresent(contact::email);
    field(record, "first-name").ifPresent(contact::firstName);
    field(record, "last-name").ifPresent(contact::lastName);
    field(record, "phone").ifPresent(contact::phone);
    field(record, "locale").flatMap(ContactFields::locale).ifPresent(contact::locale);
    field(record, "time-zone").flatMap(ContactFields::zone).ifPresent(contact::timeZone);
    contact.emailOptOut(field(record, "email-opt-out").map("true"::equalsIgnoreCase).orElse(false));
    field(record, "owner").ifPresent(contact::ownerId);
    Optional<String> accountId = field(record, "account-id");
    if (accountId.isPresent()) {
      contact.account(accountId.get(), field(record, "account-name").orElse(null));
    }
    segments.forEach((segment, path) -> Records.text(record, path).ifPresent(value -> contact.segment(segment, value)));
    contact.deleted(Records.flag(record, "IsDeleted"));
    return contact.build();
  }

  private Optional<String> field(XmlObject record, String field) {
    String path = fields.get(field);
    return path == null ? Optional.empty() : Records.text(record, path);
  }

  /** Salesforce language values look like {@code en_US} or {@code de}; unknown ones are dropped. */
  static Optional<Locale> locale(String value) {
    Locale locale = Locale.forLanguageTag(value.replace('_', '-'));
    return locale.getLanguage().isEmpty() ? Optional.empty() : Optional.of(locale);
  }

  /** IANA names as Salesforce writes them ({@code America/Los_Angeles}); unknown ones are dropped. */
  static Optional<ZoneId> zone(String value) {
    try {
      return Optional.of(ZoneId.of(value));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
