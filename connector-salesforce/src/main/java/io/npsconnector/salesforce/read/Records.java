package io.npsconnector.salesforce.read;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import com.sforce.ws.bind.XmlObject;

/**
 * Values out of WSC's partner records: every value arrives as a string, a relationship ({@code Account.Name})
 * as a nested object, a sub-query as a nested query result; nil values are absent.
 */
public final class Records {
  private Records() {}

  /** The value at a field path such as {@code Email} or {@code Account.Industry}, blank as absent. */
  public static Optional<String> text(XmlObject record, String path) {
    XmlObject current = record;
    String[] names = path.split("\\.");
    for (int i = 0; i < names.length - 1; i++) {
      current = current.getChild(names[i]);
      if (current == null || !current.hasChildren()) {
        return Optional.empty();
      }
    }
    Object value = current.getField(names[names.length - 1]);
    if (value == null || value instanceof XmlObject) {
      return Optional.empty();
    }
    String text = value.toString().strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  /** A boolean field; absent is false. */
  public static boolean flag(XmlObject record, String path) {
    return text(record, path).map("true"::equalsIgnoreCase).orElse(false);
  }

  /** A DateTime field ({@code 2025-01-15T10:30:00.000Z}). */
  public static Optional<Instant> instant(XmlObject record, String path) {
    return text(record, path).flatMap(text -> {
      try {
        return Optional.of(Instant.parse(text));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    });
  }

  /** A Date field ({@code 2025-01-14}). */
  public static Optional<LocalDate> date(XmlObject record, String path) {
    return text(record, path).flatMap(text -> {
      try {
        return Optional.of(LocalDate.parse(text));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    });
  }

  /** The records of a sub-query result ({@code OpportunityContactRoles}); empty when it is nil. */
  public static List<XmlObject> subRecords(XmlObject record, String relationship) {
    XmlObject result = record.getChild(relationship);
    List<XmlObject> records = new ArrayList<>();
    if (result == null || !result.hasChildren()) {
      return records;
    }
    Iterator<XmlObject> children = result.getChildren("records");
    while (children.hasNext()) {
      records.add(children.next());
    }
    return records;
  }

  /** The locator of a sub-query result that has more records than it carries, if so. */
  public static Optional<String> subLocator(XmlObject record, String relationship) {
    XmlObject result = record.getChild(relationship);
    if (result == null || !result.hasChildren() || "true".equalsIgnoreCase(String.valueOf(result.getField("done")))) {
      return Optional.empty();
    }
    return Optional.ofNullable(result.getField("queryLocator")).map(Object::toString).filter(text -> !text.isBlank());
  }
}
