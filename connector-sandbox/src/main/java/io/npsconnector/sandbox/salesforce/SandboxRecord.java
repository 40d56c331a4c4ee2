package io.npsconnector.sandbox.salesforce;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One stored record; field values as Salesforce sends them (strings), references by id. */
final class SandboxRecord {
  final String type;
  final String id;
  Instant stamp;
  boolean deleted;
  final Map<String, String> fields = new LinkedHashMap<>();

  SandboxRecord(String type, String id, Instant stamp) {
    this.type = type;
    this.id = id;
    this.stamp = stamp;
  }

  /** A stored value; {@code Id}, {@code SystemModstamp} and {@code IsDeleted} come from the record itself. */
  String get(String field) {
    return switch (field) {
      case "Id" -> id;
      case "SystemModstamp" -> SoapXml.dateTime(stamp);
      case "IsDeleted" -> Boolean.toString(deleted);
      default -> fields.get(field);
    };
  }

  /** A copy of every value, with {@code Id}, {@code IsDeleted} and {@code SystemModstamp}. */
  Map<String, String> snapshot() {
    Map<String, String> copy = new LinkedHashMap<>();
    copy.put("Id", id);
    copy.putAll(fields);
    copy.put("IsDeleted", Boolean.toString(deleted));
    copy.put("SystemModstamp", SoapXml.dateTime(stamp));
    return copy;
  }
}
