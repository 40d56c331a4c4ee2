package io.npsconnector.sandbox.salesforce;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

import io.npsconnector.sandbox.salesforce.SObjectSchema.Child;
import io.npsconnector.sandbox.salesforce.SObjectSchema.FieldDef;
import io.npsconnector.sandbox.salesforce.SObjectSchema.ObjectDef;
import io.npsconnector.sandbox.salesforce.SoqlStatement.Condition;
import io.npsconnector.sandbox.salesforce.SoqlStatement.Literal;
import io.npsconnector.sandbox.salesforce.SoqlStatement.Order;
import io.npsconnector.sandbox.salesforce.SoqlStatement.SubQuery;

/**
 * The org's records and what the Partner API does with them: queries (checked against the schema, then
 * filtered, sorted and paged with query locators), and per-record {@code create}/{@code update} with
 * Salesforce's per-record errors. Not thread-safe: the sandbox calls it under its lock.
 */
final class OrgStore {
  static final int MAX_PAGE = 2000;
  static final int MIN_PAGE = 200;
  /** Child rows carried inside their parent record; the rest through {@code queryMore}. */
  static final int SUB_QUERY_PAGE = 200;
  static final String INTEGRATION_USER = "005000000000001AAA";

  final SObjectSchema schema = new SObjectSchema();
  private final Map<String, Map<String, SandboxRecord>> records = new LinkedHashMap<>();
  /** Each type's records by {@code SystemModstamp}, then {@code Id}: what the adapters' queries ask for. */
  private final Map<String, NavigableSet<SandboxRecord>> byStamp = new HashMap<>();
  private final Map<String, Long> sequences = new HashMap<>();
  /** Whether queries bounded by {@code SystemModstamp} read the index (tests turn it off to compare with a scan). */
  boolean stampIndex = true;
  private final Map<String, Cursor> cursors = new HashMap<>();
  private long cursorSequence;

  /** A sub-query with its fields resolved. */
  private record SubPlan(Child child, ObjectDef object, List<Object> select, List<Condition> where,
      List<Order> orderBy, int limit) {}

  /** Rows of an open query still to hand out. */
  private record Cursor(ObjectDef object, List<Object> select, List<SandboxRecord> rows) {}

  /** The org's users, who own its records: the integration user first, then the owners {@link SyntheticOrg} assigns. */
  private static final String[][] USERS = {
      {"Integration", "User", "integration@northwind.example"},
      {"Mara", "Lindqvist", "mara.lindqvist@northwind.example"},
      {"Tomás", "Ferreira", "tomas.ferreira@northwind.example"},
      {"Priya", "Raman", "priya.raman@northwind.example"},
      {"Jonas", "Weber", "jonas.weber@northwind.example"}};

  OrgStore() {
    Instant created = Instant.parse("2024-03-04T09:12:45Z");
    for (String[] user : USERS) {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("Username", user[2]);
      fields.put("FirstName", user[0]);
      fields.put("LastName", user[1]);
      fields.put("Name", user[0] + " " + user[1]);
      fields.put("Email", user[2]);
      fields.put("IsActive", "true");
      insert("User", created, fields); // ids 005000000000001AAA, ...: SyntheticOrg.OWNERS
    }
  }

  // ---- records ----

  String newId(ObjectDef object) {
    long number = sequences.merge(object.keyPrefix, 1L, Long::sum);
    return object.keyPrefix + String.format(Locale.ROOT, "%012d", number) + "AAA";
  }

  SandboxRecord insert(String type, Instant stamp, Map<String, String> fields) {
    ObjectDef object = schema.require(type);
    SandboxRecord record = new SandboxRecord(object.name, newId(object), stamp);
    record.fields.putAll(fields);
    record.fields.trim();
    records.computeIfAbsent(object.name, key -> new LinkedHashMap<>()).put(record.id, record);
    record.indexIn(byStamp.computeIfAbsent(object.name, key -> new TreeSet<>(SandboxRecord.BY_STAMP)));
    return record;
  }

  Optional<SandboxRecord> find(String type, String id) {
    if (id == null) {
      return Optional.empty();
    }
    Map<String, SandboxRecord> ofType = records.getOrDefault(type, Map.of());
    SandboxRecord record = ofType.get(id);
    if (record == null && id.length() == 15) {
      record = ofType.get(id + "AAA"); // 15-character ids name the same records
    }
    return Optional.ofNullable(record);
  }

  /** How many records of {@code type} there are, deleted ones included. */
  int count(String type) {
    return records.getOrDefault(type, Map.of()).size();
  }

  List<SandboxRecord> all(String type) {
    return new ArrayList<>(records.getOrDefault(type, Map.of()).values());
  }

  void expireCursors() {
    cursors.clear();
  }

  // ---- queries ----

  /** The {@code QueryResult} of a statement: its first page, and a locator for the rest. */
  String query(String soql, boolean includeDeleted, int batchSize) {
    SoqlStatement statement = SoqlStatement.parse(soql);
    ObjectDef object = schema.require(statement.from);
    List<Object> select = new ArrayList<>();
    for (Object item : statement.select) {
      if (item instanceof SubQuery sub) {
        select.add(subPlan(object, sub));
      } else {
        select.add(path(object, (String) item));
      }
    }
    List<Condition> where = conditions(object, statement.where);
    List<Order> orderBy = orders(object, statement.orderBy);
    Optional<List<SandboxRecord>> windowed = stampIndex
        ? new StampWindow(object, where, orderBy)
            .rows(byStamp.getOrDefault(object.name, new TreeSet<>(SandboxRecord.BY_STAMP)), includeDeleted)
        : Optional.empty();
    List<SandboxRecord> rows = windowed.orElseGet(() -> {
      List<SandboxRecord> all = new ArrayList<>();
      for (SandboxRecord record : records.getOrDefault(object.name, Map.of()).values()) {
        if ((includeDeleted || !record.deleted) && matches(object, record, where)) {
          all.add(record);
        }
      }
      all.sort(comparator(object, orderBy));
      return all;
    });
    if (statement.limit.isPresent() && rows.size() > statement.limit.getAsInt()) {
      rows = new ArrayList<>(rows.subList(0, statement.limit.getAsInt()));
    }
    return page(new Cursor(object, List.copyOf(select), List.copyOf(rows)), 0, pageSize(batchSize));
  }

  /** The next page of an open query; {@code INVALID_QUERY_LOCATOR} for one unknown or expired. */
  String queryMore(String locator, int batchSize) {
    int dash = locator == null ? -1 : locator.lastIndexOf('-');
    Cursor cursor = dash < 0 ? null : cursors.get(locator.substring(0, dash));
    if (cursor == null) {
      throw new SoapFault("INVALID_QUERY_LOCATOR", "invalid query locator");
    }
    int offset;
    try {
      offset = Integer.parseInt(locator.substring(dash + 1));
    } catch (NumberFormatException e) {
      throw new SoapFault("INVALID_QUERY_LOCATOR", "invalid query locator");
    }
    if (offset < 0 || offset > cursor.rows().size()) {
      throw new SoapFault("INVALID_QUERY_LOCATOR", "invalid query locator");
    }
    return page(cursor, offset, pageSize(batchSize));
  }

  static int pageSize(int batchSize) {
    return batchSize <= 0 ? MAX_PAGE : Math.max(MIN_PAGE, Math.min(MAX_PAGE, batchSize));
  }

  private String page(Cursor cursor, int offset, int size) {
    int end = Math.min(cursor.rows().size(), offset + size);
    boolean done = end >= cursor.rows().size();
    StringBuilder xml = new StringBuilder(2048 + (end - offset) * 700);
    xml.append("<result xsi:type=\"QueryResult\"><done>").append(done).append("</done>");
    if (done) {
      xml.append("<queryLocator xsi:nil=\"true\"/>");
    } else {
      xml.append("<queryLocator>").append(locator(cursor)).append('-').append(end).append("</queryLocator>");
    }
    for (SandboxRecord record : cursor.rows().subList(offset, end)) {
      xml.append("<records xsi:type=\"sf:sObject\">");
      render(xml, cursor.object(), record, cursor.select());
      xml.append("</records>");
    }
    return xml.append("<size>").append(cursor.rows().size()).append("</size></result>").toString();
  }

  private String locator(Cursor cursor) {
    String id = "01gSB" + String.format(Locale.ROOT, "%010d", ++cursorSequence) + "AAA";
    cursors.put(id, cursor);
    return id;
  }

  private void render(StringBuilder xml, ObjectDef object, SandboxRecord record, List<Object> select) {
    xml.append("<sf:type>").append(object.name).append("</sf:type>");
    SoapXml.field(xml, "Id", select.contains("Id") ? record.id : null);
    List<String> relationshipsDone = new ArrayList<>();
    for (Object item : select) {
      if (item instanceof SubPlan sub) {
        subRecords(xml, record, sub);
        continue;
      }
      String path = (String) item;
      int dot = path.indexOf('.');
      if (dot < 0) {
        SoapXml.field(xml, path, value(object, record, path));
        continue;
      }
      String relationship = path.substring(0, dot);
      if (relationshipsDone.contains(relationship)) {
        continue;
      }
      relationshipsDone.add(relationship);
      List<Object> nested = new ArrayList<>();
      for (Object other : select) {
        if (other instanceof String otherPath && otherPath.startsWith(relationship + ".")) {
          nested.add(otherPath.substring(dot + 1));
        }
      }
      FieldDef reference = object.relationship(relationship).orElseThrow();
      ObjectDef target = schema.require(reference.referenceTo().get(0));
      Optional<SandboxRecord> related = find(target.name, record.get(reference.name()));
      if (related.isEmpty()) {
        xml.append("<sf:").append(relationship).append(" xsi:nil=\"true\"/>");
      } else {
        xml.append("<sf:").append(relationship).append(" xsi:type=\"sf:sObject\">");
        render(xml, target, related.get(), nested);
        xml.append("</sf:").append(relationship).append('>');
      }
    }
  }

  private void subRecords(StringBuilder xml, SandboxRecord parent, SubPlan sub) {
    List<SandboxRecord> rows = new ArrayList<>();
    for (SandboxRecord child : records.getOrDefault(sub.object().name, Map.of()).values()) {
      if (!child.deleted && parent.id.equals(child.get(sub.child().field())) && matches(sub.object(), child, sub.where())) {
        rows.add(child);
      }
    }
    String name = sub.child().relationship();
    if (rows.isEmpty()) {
      xml.append("<sf:").append(name).append(" xsi:nil=\"true\"/>");
      return;
    }
    rows.sort(comparator(sub.object(), sub.orderBy()));
    if (rows.size() > sub.limit()) {
      rows = new ArrayList<>(rows.subList(0, sub.limit()));
    }
    String page = page(new Cursor(sub.object(), sub.select(), List.copyOf(rows)), 0, SUB_QUERY_PAGE);
    xml.append("<sf:").append(name).append(" xsi:type=\"QueryResult\">")
        .append(page, "<result xsi:type=\"QueryResult\">".length(), page.length() - "</result>".length())
        .append("</sf:").append(name).append('>');
  }

  private SubPlan subPlan(ObjectDef parent, SubQuery sub) {
    Child child = parent.childRelationship(sub.relationship()).orElseThrow(() -> new SoapFault("INVALID_TYPE",
        "Didn't understand relationship '" + sub.relationship() + "' in FROM part of query call. If you are "
            + "attempting to use a custom relationship, be sure to append the '__r' after the custom relationship "
            + "name. Please reference your WSDL or the describe call for the appropriate names."));
    ObjectDef object = schema.require(child.childType());
    List<Object> select = new ArrayList<>();
    sub.select().forEach(path -> select.add(path(object, path)));
    return new SubPlan(child, object, List.copyOf(select), conditions(object, sub.where()),
        orders(object, sub.orderBy()), sub.limit().orElse(Integer.MAX_VALUE));
  }

  private List<Condition> conditions(ObjectDef object, List<Condition> conditions) {
    List<Condition> resolved = new ArrayList<>();
    for (Condition condition : conditions) {
      String path = path(object, condition.path());
      FieldDef field = leaf(object, path);
      for (Literal literal : condition.values()) {
        if (literal.kind() == SoqlStatement.Kind.STRING && !field.soapType().equals("xsd:string")
            && !field.soapType().equals("tns:ID")) {
          throw new SoapFault("INVALID_FIELD", "value of filter criterion for field '" + field.name() + "' must be of "
              + "type " + field.soapType().substring(4) + " and should not be enclosed in quotes");
        }
      }
      resolved.add(new Condition(path, condition.operator(), condition.literal(), condition.values()));
    }
    return List.copyOf(resolved);
  }

  private List<Order> orders(ObjectDef object, List<Order> orders) {
    return orders.stream().map(order -> new Order(path(object, order.path()), order.descending())).toList();
  }

  /** A field path with every name spelled as the schema does; {@code INVALID_FIELD} if it names nothing. */
  private String path(ObjectDef object, String path) {
    String[] names = path.split("\\.");
    StringBuilder canonical = new StringBuilder();
    ObjectDef current = object;
    for (int i = 0; i < names.length - 1; i++) {
      Optional<FieldDef> reference = current.relationship(names[i]);
      Optional<ObjectDef> target = reference.flatMap(field -> schema.object(field.referenceTo().get(0)));
      if (target.isEmpty()) {
        throw new SoapFault("INVALID_FIELD", "\n" + path + "\n^\nERROR at Row:1:Column:1\nDidn't understand "
            + "relationship '" + names[i] + "' in field path. If you are attempting to use a custom relationship, be "
            + "sure to append the '__r' after the custom relationship name. Please reference your WSDL or the "
            + "describe call for the appropriate names.");
      }
      canonical.append(reference.get().relationshipName()).append('.');
      current = target.get();
    }
    String last = names[names.length - 1];
    ObjectDef owner = current;
    FieldDef field = current.field(last).orElseThrow(() -> SoapFault.invalidField(last, owner.name));
    return canonical.append(field.name()).toString();
  }

  FieldDef leaf(ObjectDef object, String canonicalPath) {
    String[] names = canonicalPath.split("\\.");
    ObjectDef current = object;
    for (int i = 0; i < names.length - 1; i++) {
      current = schema.require(current.relationship(names[i]).orElseThrow().referenceTo().get(0));
    }
    return current.field(names[names.length - 1]).orElseThrow();
  }

  /** The value of a canonical field path on a record, following references; null when there is none. */
  String value(ObjectDef object, SandboxRecord record, String path) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      String value = record.get(path);
      if (value == null && object.field(path).map(field -> field.type().equals("boolean")).orElse(false)) {
        return "false";
      }
      return value;
    }
    FieldDef reference = object.relationship(path.substring(0, dot)).orElseThrow();
    ObjectDef target = schema.require(reference.referenceTo().get(0));
    return find(target.name, record.get(reference.name()))
        .map(related -> value(target, related, path.substring(dot + 1))).orElse(null);
  }

  boolean matches(ObjectDef object, SandboxRecord record, List<Condition> where) {
    for (Condition condition : where) {
      FieldDef field = leaf(object, condition.path());
      String actual = value(object, record, condition.path());
      boolean matched = condition.operator().equals("IN")
          ? condition.values().stream().anyMatch(literal -> test(field, actual, "=", literal))
          : test(field, actual, condition.operator(), condition.literal());
      if (!matched) {
        return false;
      }
    }
    return true;
  }

  private static boolean test(FieldDef field, String actual, String operator, Literal literal) {
    if (literal.isNull()) {
      return switch (operator) {
        case "=" -> actual == null;
        case "!=" -> actual != null;
        default -> false;
      };
    }
    if (actual == null) {
      return operator.equals("!=");
    }
    int comparison = compare(field, actual, literal.text());
    return switch (operator) {
      case "=" -> comparison == 0;
      case "!=" -> comparison != 0;
      case "<" -> comparison < 0;
      case "<=" -> comparison <= 0;
      case ">" -> comparison > 0;
      default -> comparison >= 0;
    };
  }

  static int compare(FieldDef field, String left, String right) {
    try {
      return switch (field.soapType()) {
        case "xsd:dateTime" -> instant(left).compareTo(instant(right));
        case "xsd:date" -> LocalDate.parse(left).compareTo(LocalDate.parse(right));
        case "xsd:double", "xsd:int" -> Double.compare(Double.parseDouble(left), Double.parseDouble(right));
        case "xsd:boolean" -> Boolean.compare(Boolean.parseBoolean(left), Boolean.parseBoolean(right));
        case "tns:ID" -> id15(left).compareTo(id15(right));
        default -> left.compareToIgnoreCase(right);
      };
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new SoapFault("INVALID_FIELD", "value of filter criterion for field '" + field.name() + "' must be of "
          + "type " + field.soapType().substring(4) + ": " + right);
    }
  }

  private static String id15(String id) {
    return id.length() > 15 ? id.substring(0, 15) : id;
  }

  static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(text).toInstant();
    }
  }

  private Comparator<SandboxRecord> comparator(ObjectDef object, List<Order> orderBy) {
    Comparator<SandboxRecord> comparator = (a, b) -> 0;
    for (Order order : orderBy) {
      FieldDef field = leaf(object, order.path());
      Comparator<SandboxRecord> one;
      if (order.path().equals("SystemModstamp")) {
        one = Comparator.comparing(SandboxRecord::stamp);
      } else {
        one = (a, b) -> {
          String left = value(object, a, order.path());
          String right = value(object, b, order.path());
          if (left == null || right == null) {
            return left == null ? (right == null ? 0 : -1) : 1; // nulls first
          }
          return field.name().equals("Id") ? left.compareTo(right) : compare(field, left, right);
        };
      }
      comparator = comparator.thenComparing(order.descending() ? one.reversed() : one);
    }
    return comparator;
  }
  /**
   * A query whose conditions bound {@code SystemModstamp} (as the adapters' windows do), answered from the
   * type's index by stamp: only the records in the window are checked against the other conditions, and a query
   * ordered by {@code SystemModstamp} (then {@code Id}) needs no sort. Used only when no condition could fault
   * (every literal reads as its field's type), so the rows are exactly those a check of every record finds.
   */
  private final class StampWindow {
    private final ObjectDef object;
    private final List<Condition> where;
    private final List<Order> orderBy;

    StampWindow(ObjectDef object, List<Condition> where, List<Order> orderBy) {
      this.object = object;
      this.where = where;
      this.orderBy = orderBy;
    }

    /** The rows in the query's order, or empty when the query is not bounded by stamp this way. */
    Optional<List<SandboxRecord>> rows(NavigableSet<SandboxRecord> index, boolean includeDeleted) {
      Instant from = null; // inclusive
      Instant to = null; // exclusive
      boolean bounded = false;
      List<Condition> rest = new ArrayList<>();
      for (Condition condition : where) {
        FieldDef field = leaf(object, condition.path());
        String operator = condition.operator();
        if (condition.path().equals("SystemModstamp") && !operator.equals("IN") && !operator.equals("!=")
            && !condition.literal().isNull()) {
          Instant at;
          try {
            at = instant(condition.literal().text());
          } catch (DateTimeParseException e) {
            return Optional.empty();
          }
          // the stamp compares as written, to the millisecond
          Instant floor = at.truncatedTo(ChronoUnit.MILLIS);
          Instant ceiling = floor.equals(at) ? at : floor.plusMillis(1);
          switch (operator) {
            case ">=" -> from = later(from, ceiling);
            case ">" -> from = later(from, floor.plusMillis(1));
            case "<" -> to = earlier(to, ceiling);
            case "<=" -> to = earlier(to, floor.plusMillis(1));
            default -> { // =
              from = later(from, ceiling);
              to = earlier(to, floor.plusMillis(1));
            }
          }
          bounded = true;
        } else if (cannotFault(field, condition)) {
          rest.add(condition);
        } else {
          return Optional.empty();
        }
      }
      if (!bounded) {
        return Optional.empty();
      }
      List<SandboxRecord> rows = new ArrayList<>();
      if (from == null || to == null || from.isBefore(to)) {
        NavigableSet<SandboxRecord> window = index;
        if (from != null) {
          window = window.tailSet(probe(from), true);
        }
        if (to != null) {
          window = window.headSet(probe(to), false);
        }
        for (SandboxRecord record : window) {
          if ((includeDeleted || !record.deleted) && matches(object, record, rest)) {
            rows.add(record);
          }
        }
      }
      if (!inIndexOrder()) {
        rows.sort(Comparator.comparing(record -> record.id)); // the order records were stored in
        rows.sort(comparator(object, orderBy));
      }
      return Optional.of(rows);
    }

    private boolean inIndexOrder() {
      return !orderBy.isEmpty() && orderBy.get(0).path().equals("SystemModstamp") && !orderBy.get(0).descending()
          && (orderBy.size() == 1 || (orderBy.get(1).path().equals("Id") && !orderBy.get(1).descending()));
    }

    private SandboxRecord probe(Instant stamp) {
      return new SandboxRecord(object.name, "", stamp); // before every record of that stamp
    }

    /** Whether comparing the field with the condition's literals can never fault: each reads as the field's type. */
    private boolean cannotFault(FieldDef field, Condition condition) {
      for (Literal literal : condition.values()) {
        if (literal.isNull()) {
          continue;
        }
        try {
          switch (field.soapType()) {
            case "xsd:dateTime" -> instant(literal.text());
            case "xsd:date" -> LocalDate.parse(literal.text());
            case "xsd:double", "xsd:int" -> Double.parseDouble(literal.text());
            default -> { }
          }
        } catch (DateTimeParseException | NumberFormatException e) {
          return false;
        }
      }
      return true;
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  // ---- saves ----

  /** One record of a create or update call, as sent. */
  record Input(String type, String id, Map<String, String> values, List<String> fieldsToNull) {}

  /** One {@code SaveResult}: the id, or the errors. */
  record Saved(String id, List<SaveError> errors) {}

  record SaveError(String statusCode, String message, List<String> fields) {}

  /**
   * Checks the call as a whole as Salesforce does (at most 200 records, known objects and fields: a fault
   * otherwise), then saves each record on its own, answering one {@code SaveResult} per record in order.
   */
  List<Saved> save(boolean create, List<Input> inputs, Instant now) {
    checkCall(inputs);
    List<Saved> results = new ArrayList<>();
    for (Input input : inputs) {
      results.add(create ? createOne(input, now) : updateOne(input, now));
    }
    return results;
  }

  /** One {@code UpsertResult}: a {@code SaveResult} and whether the record was created. */
  record Upserted(Saved saved, boolean created) {}

  /**
   * {@code upsert(externalIDFieldName, sObjects)} as Salesforce answers it: a field that is not an external id
   * of the object faults the call ({@code INVALID_FIELD}); then each record is matched on the field's value
   * among the live records: none creates it, one updates that record, several fail the record with
   * {@code DUPLICATE_EXTERNAL_ID}. A record without a value fails with {@code MISSING_ARGUMENT}; two records of
   * one call with the same value both fail with {@code DUPLICATE_VALUE}.
   */
  List<Upserted> upsert(String externalField, List<Input> inputs, Instant now) {
    checkCall(inputs);
    List<Upserted> results = new ArrayList<>();
    Map<String, Integer> valuesInCall = new HashMap<>();
    for (Input input : inputs) {
      ObjectDef object = schema.require(input.type());
      FieldDef field = object.field(externalField).filter(object::isExternalId)
          .orElseThrow(() -> new SoapFault("INVALID_FIELD", "Field name provided, " + externalField
              + " is not an External ID or indexed field for " + object.name));
      String value = input.values().get(field.name());
      if (value != null && !value.isEmpty()) {
        valuesInCall.merge(matchKey(object, field, value), 1, Integer::sum);
      }
    }
    for (Input input : inputs) {
      ObjectDef object = schema.require(input.type());
      FieldDef field = object.field(externalField).orElseThrow();
      String value = input.values().get(field.name());
      if (value == null || value.isEmpty()) {
        results.add(new Upserted(failed("MISSING_ARGUMENT", field.name() + " not specified", field.name()), false));
        continue;
      }
      if (valuesInCall.get(matchKey(object, field, value)) > 1) {
        results.add(new Upserted(failed("DUPLICATE_VALUE", "Duplicate external id specified: " + value,
            field.name()), false));
        continue;
      }
      List<SandboxRecord> matches = all(object.name).stream().filter(record -> !record.deleted)
          .filter(record -> record.fields.get(field.name()) != null
              && matchKey(object, field, record.fields.get(field.name())).equals(matchKey(object, field, value)))
          .toList();
      if (matches.size() > 1) {
        results.add(new Upserted(failed("DUPLICATE_EXTERNAL_ID", field.name() + ": more than one record found for "
            + "external id field: " + matches.stream().map(record -> record.id).toList(), field.name()), false));
      } else if (matches.size() == 1) {
        Input update = new Input(input.type(), matches.get(0).id, input.values(), input.fieldsToNull());
        results.add(new Upserted(updateOne(update, now), false));
      } else {
        Saved created = createOne(input, now);
        results.add(new Upserted(created, created.id() != null));
      }
    }
    return results;
  }

  /** How values of an external id compare: exactly when it is unique (case-sensitive, as shipped), else without case. */
  private static String matchKey(ObjectDef object, FieldDef field, String value) {
    return object.isUnique(field) ? value : value.toLowerCase(Locale.ROOT);
  }

  /** Checks a save call as a whole: at most 200 records, known objects and fields, else a fault. */
  private void checkCall(List<Input> inputs) {
    if (inputs.size() > SalesforceSandbox.MAX_RECORDS_PER_CALL) {
      throw new SoapFault("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than "
          + SalesforceSandbox.MAX_RECORDS_PER_CALL + " records into this call");
    }
    for (Input input : inputs) {
      if (input.type() == null) {
        throw new SoapFault("INVALID_TYPE", "Must send a concrete entity type.");
      }
      ObjectDef object = schema.require(input.type());
      for (String name : input.values().keySet()) {
        object.field(name).orElseThrow(() -> SoapFault.invalidField(name, object.name));
      }
      for (String name : input.fieldsToNull()) {
        object.field(name).orElseThrow(() -> SoapFault.invalidField(name, object.name));
      }
    }
  }

  private Saved updateOne(Input input, Instant now) {
    ObjectDef object = schema.require(input.type());
    if (input.id() == null || input.id().isBlank()) {
      return failed("MISSING_ARGUMENT", "Id not specified in an update call");
    }
    if (!input.id().startsWith(object.keyPrefix) || !input.id().matches("[A-Za-z0-9]{15}([A-Za-z0-9]{3})?")) {
      return failed("MALFORMED_ID", object.name + " ID: id value of incorrect type: " + input.id(), "Id");
    }
    Optional<SandboxRecord> found = find(object.name, input.id());
    if (found.isEmpty()) {
      return failed("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
    }
    SandboxRecord record = found.get();
    if (record.deleted) {
      return failed("ENTITY_IS_DELETED", "entity is deleted");
    }
    Optional<Saved> invalid = validate(object, input, false);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    apply(object, record, input);
    record.stamp(now);
    if (object.field("LastModifiedDate").isPresent()) {
      record.fields.put("LastModifiedDate", SoapXml.dateTime(now));
    }
    modifiedBy(object, record, INTEGRATION_USER, now);
    return new Saved(record.id, List.of());
  }

  /**
   * What Salesforce keeps up by itself when a record is saved by {@code user}: who changed it last, and for a task
   * whether its status is a closed one ({@code IsClosed}) and since when ({@code CompletedDateTime}, set when it
   * closes, cleared when it reopens).
   */
  void modifiedBy(ObjectDef object, SandboxRecord record, String user, Instant now) {
    if (object.field("LastModifiedById").isPresent()) {
      record.fields.put("LastModifiedById", user);
      record.fields.put("LastModifiedDate", SoapXml.dateTime(now));
    }
    if (object.name.equals("Task")) {
      boolean closed = CLOSED_TASK_STATUSES.contains(record.fields.get("Status"));
      boolean wasClosed = "true".equals(record.fields.get("IsClosed"));
      record.fields.put("IsClosed", Boolean.toString(closed));
      if (closed && !wasClosed) {
        record.fields.put("CompletedDateTime", SoapXml.dateTime(now));
      } else if (!closed) {
        record.fields.remove("CompletedDateTime");
      }
    }
  }

  /** The task statuses marked closed in the org (the default picklist: Completed). */
  static final java.util.Set<String> CLOSED_TASK_STATUSES = java.util.Set.of("Completed");

  /** A rep working in Salesforce's own pages: sets fields of a record as {@code user}, as the UI would save them. */
  void saveAs(String type, String id, Map<String, String> values, String user, Instant now) {
    ObjectDef object = schema.require(type);
    SandboxRecord record = find(object.name, id).filter(found -> !found.deleted)
        .orElseThrow(() -> new IllegalArgumentException("no live " + type + " " + id));
    values.forEach((name, value) -> record.fields.put(object.field(name).orElseThrow().name(), value));
    record.stamp(now);
    modifiedBy(object, record, user, now);
  }

  private Saved createOne(Input input, Instant now) {
    ObjectDef object = schema.require(input.type());
    if (input.id() != null && !input.id().isBlank()) {
      return failed("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call", "Id");
    }
    Optional<Saved> invalid = validate(object, input, true);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    for (FieldDef field : object.fields()) {
      if (field.type().equals("reference") && input.values().containsKey(field.name())) {
        String target = input.values().get(field.name());
        boolean exists = field.referenceTo().stream().anyMatch(type -> find(type, target).isPresent())
            || (field.referenceTo().contains("User") && target.startsWith("005"));
        if (!exists) {
          return failed("FIELD_INTEGRITY_EXCEPTION", field.label() + ": id value of incorrect type: " + target,
              field.name());
        }
      }
    }
    if (object.name.equals("Contact") && !input.values().containsKey("LastName")) {
      return failed("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", "LastName");
    }
    SandboxRecord record = insert(object.name, now, Map.of());
    if (object.field("OwnerId").isPresent()) {
      record.fields.put("OwnerId", INTEGRATION_USER);
    }
    if (object.name.equals("Task")) {
      record.fields.put("Status", "Not Started");
      record.fields.put("Priority", "Normal");
    }
    record.fields.put("CreatedDate", SoapXml.dateTime(now));
    apply(object, record, input);
    modifiedBy(object, record, INTEGRATION_USER, now);
    return new Saved(record.id, List.of());
  }

  private Optional<Saved> validate(ObjectDef object, Input input, boolean create) {
    List<String> readOnly = new ArrayList<>();
    for (String name : input.values().keySet()) {
      FieldDef field = object.field(name).orElseThrow();
      if (create ? !field.createable() : !field.updateable()) {
        readOnly.add(field.name());
      }
    }
    for (String name : input.fieldsToNull()) {
      FieldDef field = object.field(name).orElseThrow();
      if (!field.updateable() || !field.nillable()) {
        readOnly.add(field.name());
      }
    }
    if (!readOnly.isEmpty()) {
      return Optional.of(failed("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: " + String.join(", ", readOnly) + ". Please check the security settings of this field "
          + "and verify that it is read/write for your profile or permission set.", readOnly.toArray(String[]::new)));
    }
    for (Map.Entry<String, String> entry : input.values().entrySet()) {
      FieldDef field = object.field(entry.getKey()).orElseThrow();
      String value = entry.getValue();
      if (field.restricted() && !field.picklist().contains(value)) {
        return Optional.of(failed("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", field.label()
            + ": bad value for restricted picklist field: " + value, field.name()));
      }
      if (!fits(field, value)) {
        return Optional.of(failed("INVALID_TYPE_ON_FIELD_IN_RECORD", field.label() + ": value not of required type: "
            + value, field.name()));
      }
      if (object.isUnique(field)) {
        Optional<SandboxRecord> holder = all(object.name).stream().filter(record -> !record.deleted)
            .filter(record -> !record.id.equals(input.id()) && value.equals(record.fields.get(field.name())))
            .findFirst();
        if (holder.isPresent()) {
          return Optional.of(failed("DUPLICATE_VALUE", "duplicate value found: " + field.name()
              + " duplicates value on record with id: " + holder.get().id, field.name()));
        }
      }
      if (field.soapType().equals("xsd:string") && field.length() > 0 && value.length() > field.length()) {
        return Optional.of(failed("STRING_TOO_LONG", field.label() + ": data value too large: "
            + value.substring(0, Math.min(value.length(), 40)) + "... (max length=" + field.length() + ")",
            field.name()));
      }
    }
    return Optional.empty();
  }

  private static boolean fits(FieldDef field, String value) {
    try {
      switch (field.soapType()) {
        case "xsd:double", "xsd:int" -> Double.parseDouble(value);
        case "xsd:date" -> LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value);
        case "xsd:dateTime" -> instant(value);
        case "xsd:boolean" -> {
          if (!value.equals("true") && !value.equals("false") && !value.equals("1") && !value.equals("0")) {
            return false;
          }
        }
        case "tns:ID" -> {
          if (!value.matches("[A-Za-z0-9]{15}([A-Za-z0-9]{3})?")) {
            return false;
          }
        }
        default -> { }
      }
      return true;
    } catch (DateTimeParseException | NumberFormatException e) {
      return false;
    }
  }

  private static void apply(ObjectDef object, SandboxRecord record, Input input) {
    input.values().forEach((name, value) -> {
      FieldDef field = object.field(name).orElseThrow();
      record.fields.put(field.name(), normalize(field, value));
    });
    for (String name : input.fieldsToNull()) {
      record.fields.remove(object.field(name).orElseThrow().name());
    }
    if (object.name.equals("Contact")) {
      String first = record.fields.get("FirstName");
      String last = record.fields.getOrDefault("LastName", "");
      record.fields.put("Name", first == null ? last : first + " " + last);
    }
  }

  /** Values as Salesforce stores and answers them: doubles as {@code 9.0}, booleans as words, dates as dates. */
  private static String normalize(FieldDef field, String value) {
    return switch (field.soapType()) {
      case "xsd:double" -> Double.toString(Double.parseDouble(value));
      case "xsd:boolean" -> Boolean.toString(value.equals("true") || value.equals("1"));
      case "xsd:date" -> value.length() > 10 ? value.substring(0, 10) : value;
      case "xsd:dateTime" -> SoapXml.dateTime(instant(value));
      default -> value;
    };
  }

  private static Saved failed(String code, String message, String... fields) {
    return new Saved(null, List.of(new SaveError(code, message, List.of(fields))));
  }
}
