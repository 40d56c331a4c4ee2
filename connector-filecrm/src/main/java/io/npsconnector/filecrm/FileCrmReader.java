package io.npsconnector.filecrm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.support.JsonCursors;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads contacts ({@code contacts/ID.json}, changed when {@code modified-at} is after the cursor) and events
 * ({@code events/ID.json}: {@code kind} purchase or support, {@code occurred-at}, {@code contacts}, any other
 * property an attribute) in pages of at most {@code pageSize} of each. Contact properties are named as the
 * connection's {@code fields} map them, or as the contact field itself ({@code email}, {@code first-name}).
 */
final class FileCrmReader {
  private static final Set<String> EVENT_KEYS = Set.of("id", "kind", "occurred-at", "contacts");
  private static final String WHAT = "a json-folder sync cursor";

  private final FileCrmFolder folder;
  private final String connection;
  private final Map<String, String> properties;
  private final Map<String, String> segments;
  private final int pageSize;

  FileCrmReader(FileCrmFolder folder, ConnectionConfig connection, int pageSize) {
    this.folder = folder;
    this.connection = connection.name();
    this.properties = new LinkedHashMap<>();
    ConnectionConfig.CONTACT_FIELDS.forEach(field -> properties.put(field, field));
    properties.putAll(connection.fieldMapping());
    this.segments = connection.segments();
    this.pageSize = pageSize;
  }

  ChangePage read(SyncCursor cursor) {
    FileCrmCursor at = JsonCursors.decode(cursor, FileCrmCursor.class, FileCrmCursor.START, WHAT);
    List<Contact> contacts = after(folder.list(FileCrmFolder.CONTACTS), this::contact, Contact::modifiedAt,
        Contact::crmId, at.contactTime(), at.contactId());
    List<InteractionEvent> events = after(folder.list(FileCrmFolder.EVENTS), this::event,
        InteractionEvent::occurredAt, InteractionEvent::crmId, at.eventTime(), at.eventId());
    List<Contact> contactPage = contacts.subList(0, Math.min(pageSize, contacts.size()));
    List<InteractionEvent> eventPage = events.subList(0, Math.min(pageSize, events.size()));
    FileCrmCursor next = new FileCrmCursor(
        contactPage.isEmpty() ? at.contactTime() : last(contactPage).modifiedAt().toString(),
        contactPage.isEmpty() ? at.contactId() : last(contactPage).crmId(),
        eventPage.isEmpty() ? at.eventTime() : last(eventPage).occurredAt().toString(),
        eventPage.isEmpty() ? at.eventId() : last(eventPage).crmId());
    boolean more = contacts.size() > pageSize || events.size() > pageSize;
    return new ChangePage(contactPage, eventPage, JsonCursors.encode(next, FileCrmCursor.START), more, 2);
  }

  /** The records after (time, id), sorted by time and then id. */
  private static <T> List<T> after(List<ObjectNode> records, Function<ObjectNode, T> parse,
      Function<T, Instant> time, Function<T, String> id, String afterTime, String afterId) {
    Comparator<T> order = Comparator.comparing(time).thenComparing(id);
    List<T> parsed = new ArrayList<>();
    for (ObjectNode record : records) {
      T value = parse.apply(record);
      if (afterTime.isEmpty() || time.apply(value).compareTo(Instant.parse(afterTime)) > 0
          || time.apply(value).equals(Instant.parse(afterTime)) && id.apply(value).compareTo(afterId) > 0) {
        parsed.add(value);
      }
    }
    parsed.sort(order);
    return parsed;
  }

  private Contact contact(ObjectNode record) {
    String id = record.get("id").asText();
    Contact.Builder contact = Contact.builder(id, instant(record, "modified-at", "contact " + id))
        .email(text(record, properties.get("email")))
        .firstName(text(record, properties.get("first-name")))
        .lastName(text(record, properties.get("last-name")))
        .phone(text(record, properties.get("phone")))
        .emailOptOut(record.path(properties.get("email-opt-out")).asBoolean(false))
        .ownerId(text(record, properties.get("owner")))
        .account(text(record, properties.get("account-id")), text(record, properties.get("account-name")))
        .deleted(record.path("deleted").asBoolean(false));
    String locale = text(record, properties.get("locale"));
    if (locale != null) {
      contact.locale(Locale.forLanguageTag(locale));
    }
    String zone = text(record, properties.get("time-zone"));
    if (zone != null) {
      try {
        contact.timeZone(ZoneId.of(zone));
      } catch (DateTimeException e) {
        throw new CrmException.Data(connection, "read", "BAD_TIME_ZONE", "contact " + id + ": time zone '" + zone
            + "' is not an IANA name", e);
      }
    }
    segments.forEach((segment, property) -> {
      String value = text(record, property);
      if (value != null) {
        contact.segment(segment, value);
      }
    });
    return contact.build();
  }

  private InteractionEvent event(ObjectNode record) {
    String id = record.get("id").asText();
    String kind = record.path("kind").asText("");
    EventKind eventKind = switch (kind) {
      case "purchase" -> EventKind.PURCHASE;
      case "support" -> EventKind.SUPPORT;
      default -> throw new CrmException.Data(connection, "read", "BAD_EVENT_KIND", "event " + id + ": kind must be "
          + "purchase or support, got '" + kind + "'", null);
    };
    List<String> contacts = new ArrayList<>();
    record.path("contacts").forEach(contact -> contacts.add(contact.asText()));
    Map<String, String> attributes = new LinkedHashMap<>();
    record.properties().forEach(entry -> {
      if (!EVENT_KEYS.contains(entry.getKey()) && entry.getValue().isValueNode()) {
        attributes.put(entry.getKey(), entry.getValue().asText());
      }
    });
    return new InteractionEvent(id, eventKind, instant(record, "occurred-at", "event " + id), contacts, attributes);
  }

  private Instant instant(ObjectNode record, String property, String what) {
    String text = record.path(property).asText("");
    try {
      return Instant.parse(text);
    } catch (DateTimeException e) {
      throw new CrmException.Data(connection, "read", "BAD_TIME", what + ": " + property + " must be an ISO-8601 "
          + "instant such as 2024-03-01T09:00:00Z, got '" + text + "'", e);
    }
  }

  private static String text(JsonNode record, String property) {
    JsonNode value = record.get(property);
    return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}
