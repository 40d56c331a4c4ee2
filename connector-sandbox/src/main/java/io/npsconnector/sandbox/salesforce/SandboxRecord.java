package io.npsconnector.sandbox.salesforce;

import io.npsconnector.sandbox.CompactMap;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableSet;

/** One stored record; field values as Salesforce sends them (strings), references by id. */
final class SandboxRecord {
  /** {@code ORDER BY SystemModstamp, Id}: the order of the store's index of each type. */
  static final Comparator<SandboxRecord> BY_STAMP = Comparator.comparing((SandboxRecord record) -> record.stamp)
      .thenComparing(record -> record.id);

  final String type;
  final String id;
  private Instant stamp;
  boolean deleted;
  final CompactMap fields = new CompactMap();
  /** The store's index of this type by {@link #BY_STAMP}, kept in order when the stamp changes. */
  private NavigableSet<SandboxRecord> index;

  SandboxRecord(String type, String id, Instant stamp) {
    this.type = type;
    this.id = id;
    this.stamp = stamp;
  }

  Instant stamp() {
    return stamp;
  }

  /** Sets {@code SystemModstamp}, moving the record in its type's index. */
  void stamp(Instant at) {
    if (index != null) {
      index.remove(this);
    }
    stamp = at;
    if (index != null) {
      index.add(this);
    }
  }

  void indexIn(NavigableSet<SandboxRecord> byStamp) {
    index = byStamp;
    byStamp.add(this);
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
