package io.npsconnector.salesforce.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.sforce.soap.partner.DescribeSObjectResult;

/**
 * A small, stateful stand-in for one org's Partner SOAP API, answering as Salesforce does for the calls the
 * adapter makes: {@code query}, {@code queryAll} (deleted rows too) and {@code queryMore} over the SOQL the
 * reader writes (conditions AND-ed: {@code = != < <= > >=} on fields, relationship fields, DateTime
 * literals, quoted strings, {@code true}, {@code null}; {@code ORDER BY SystemModstamp, Id}; the
 * opportunity contact-role sub-query), pages of {@link #pageSize} with locators; {@code update} and
 * {@code create} per record ({@code SaveResult}s in order, injected per-record errors); {@code upsert} on an
 * external id field (matched among the live records of the type: none creates, one updates, several fail with
 * {@code DUPLICATE_EXTERNAL_ID}; {@code UpsertResult}s with {@code created}); and
 * {@code describeSObjects}. Every answer carries a {@code LimitInfoHeader}; the session id is checked;
 * faults can be injected per operation. Calls are counted per operation.
 */
public final class SoapOrg implements ResponseDefinitionTransformerV2 {
  public static final String NAME = "soap-org";
  public static final String PATH = "/services/Soap/u/65.0";
  private static final Pattern CONDITION = Pattern.compile("([A-Za-z_.]+) (>=|<=|!=|=|<|>) (.+)");
  private static final Pattern SUBQUERY = Pattern.compile("\\(SELECT [^)]* FROM (\\w+)( WHERE [^)]*?)? ORDER BY [^)]*\\)");

  /** One stored record. Fields with a dot ({@code Account.Name}) are the related record's. */
  public static final class Rec {
    final String type;
    final String id;
    volatile Instant stamp;
    volatile boolean deleted;
    final Map<String, String> fields = new ConcurrentHashMap<>();

    Rec(String type, String id, Instant stamp) {
      this.type = type;
      this.id = id;
      this.stamp = stamp;
    }
  }

  private record OpenQuery(List<Rec> rows, List<String> select, Optional<Sub> sub, int pageSize) {}

  private record Sub(String relationship, boolean primaryOnly) {}

  private record Failure(String code, AtomicInteger times) {}

  private final Map<String, Map<String, Rec>> objects = new ConcurrentHashMap<>();
  private final Map<String, OpenQuery> open = new ConcurrentHashMap<>();
  private final AtomicLong queries = new AtomicLong();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<String> soql = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> written = new CopyOnWriteArrayList<>();
  private final Map<String, Failure> recordFailures = new ConcurrentHashMap<>();
  private final Map<String, List<String>> faults = new ConcurrentHashMap<>();
  private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextId = new AtomicLong(1);
  private final AtomicLong apiUsed = new AtomicLong(1000);
  private volatile long apiLimit = 100_000;
  private volatile int pageSize = 2000;
  private volatile int subPageSize = 200;
  private volatile DescribeSObjectResult[] describe = new DescribeSObjectResult[0];

  public SoapOrg(String... tokens) {
    validTokens.addAll(List.of(tokens));
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  // ---- set-up ----

  /** Records per query page (Salesforce: up to 2,000, fewer when the server likes). */
  public SoapOrg pageSize(int size) {
    pageSize = size;
    return this;
  }

  /** Records of a sub-query carried in its parent record; the rest come through queryMore. */
  public SoapOrg subPageSize(int size) {
    subPageSize = size;
    return this;
  }

  /** The next answers report {@code used} requests of {@code limit}; each call adds one. */
  public void apiUsage(long used, long limit) {
    apiUsed.set(used);
    apiLimit = limit;
  }

  public long apiUsed() {
    return apiUsed.get();
  }

  public void acceptToken(String token) {
    validTokens.add(token);
  }

  public void revokeToken(String token) {
    validTokens.remove(token);
  }

  /** The next call of {@code operation} answers with this fault code, once per call of this method. */
  public void failNext(String operation, String code) {
    failNext(operation, code, "injected " + code);
  }

  /** The next call of {@code operation} answers with this fault code and message. */
  public void failNext(String operation, String code, String message) {
    faults.computeIfAbsent(operation, key -> new CopyOnWriteArrayList<>()).add(code + "\n" + message);
  }

  /** Writes of this record id fail with {@code code}, {@code times} times (-1: always). */
  public void failRecord(String id, String code, int times) {
    recordFailures.put(id, new Failure(code, new AtomicInteger(times)));
  }

  /** Every locator handed out so far is forgotten, as after two days. */
  public void expireLocators() {
    open.clear();
  }

  public void describe(DescribeSObjectResult... results) {
    describe = results.clone();
  }

  /** Adds or replaces a record; {@code fields} may hold related fields such as {@code Account.Name}. */
  public Rec put(String type, String id, Instant stamp, Map<String, String> fields) {
    Rec rec = new Rec(type, id, stamp);
    rec.fields.putAll(fields);
    objects.computeIfAbsent(type, key -> new ConcurrentHashMap<>()).put(id, rec);
    return rec;
  }

  /** The fields of every live record of a type, for checks of what the org holds. */
  public List<Map<String, String>> liveRecords(String type) {
    return objects.getOrDefault(type, Map.of()).values().stream().filter(rec -> !rec.deleted)
        .map(rec -> Map.copyOf(rec.fields)).toList();
  }

  public Optional<Rec> get(String type, String id) {
    return Optional.ofNullable(objects.getOrDefault(type, Map.of()).get(id));
  }

  public void delete(String type, String id, Instant at) {
    get(type, id).ifPresent(rec -> {
      rec.deleted = true;
      rec.stamp = at;
    });
  }

  /** The records of one type, live and deleted, in id order (the order of creation for created ones). */
  public List<Rec> records(String type) {
    return objects.getOrDefault(type, Map.of()).values().stream()
        .sorted(java.util.Comparator.comparing(rec -> rec.id)).toList();
  }

  public static String field(Rec rec, String name) {
    return rec.fields.get(name);
  }

  // ---- what happened ----

  /** Every SOQL statement received by query and queryAll, in order. */
  public List<String> soql() {
    return List.copyOf(soql);
  }

  /** Every record received by update and create: {@code type}, {@code operation}, fields, {@code fieldsToNull}. */
  public List<Map<String, Object>> written() {
    return List.copyOf(written);
  }

  public int calls(String operation) {
    AtomicInteger count = calls.get(operation);
    return count == null ? 0 : count.get();
  }

  public int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public Map<String, Integer> callsByOperation() {
    Map<String, Integer> copy = new java.util.TreeMap<>();
    calls.forEach((name, count) -> copy.put(name, count.get()));
    return copy;
  }

  // ---- answering ----

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    Document request = parse(event.getRequest().getBodyAsString());
    Element body = first(request.getDocumentElement(), "Body");
    Element call = firstElement(body);
    String operation = call.getLocalName();
    calls.computeIfAbsent(operation, key -> new AtomicInteger()).incrementAndGet();
    Element session = first(request.getDocumentElement(), "sessionId");
    if (session == null || !validTokens.contains(session.getTextContent().strip())) {
      return fault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session");
    }
    List<String> queued = faults.getOrDefault(operation, List.of());
    if (!queued.isEmpty()) {
      String[] fault = queued.remove(0).split("\n", 2);
      return fault(fault[0], fault[1]);
    }
    long used = apiUsed.incrementAndGet();
    if (used > apiLimit) {
      return fault("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    }
    String header = Soap.limitInfo(used, apiLimit);
    return switch (operation) {
      case "query", "queryAll" -> query(operation, text(call, "queryString"), header);
      case "queryMore" -> queryMore(text(call, "queryLocator"), header);
      case "update", "create" -> save(operation, call, header);
      case "upsert" -> upsert(call, header);
      case "describeSObjects" -> ok(Soap.describeResponse(describe));
      default -> fault("UNKNOWN_EXCEPTION", "the stand-in does not answer " + operation);
    };
  }

  private ResponseDefinition query(String operation, String statement, String header) {
    soql.add(statement);
    Optional<Sub> sub = Optional.empty();
    Matcher subquery = SUBQUERY.matcher(statement);
    String flat = statement;
    if (subquery.find()) {
      sub = Optional.of(new Sub(subquery.group(1), subquery.group(2) != null
          && subquery.group(2).contains("IsPrimary = true")));
      flat = statement.substring(0, subquery.start()) + "SUB" + statement.substring(subquery.end());
    }
    Matcher shape = Pattern.compile("SELECT (.+) FROM (\\w+) WHERE (.+) ORDER BY SystemModstamp, Id").matcher(flat);
    if (!shape.matches()) {
      return fault("MALFORMED_QUERY", "unexpected token in: " + statement);
    }
    List<String> select = new ArrayList<>();
    for (String field : shape.group(1).split(",")) {
      if (!field.strip().equals("SUB")) {
        select.add(field.strip());
      }
    }
    String type = shape.group(2);
    List<Predicate<Rec>> conditions = new ArrayList<>();
    for (String condition : shape.group(3).split(" AND ")) {
      Matcher parts = CONDITION.matcher(condition.strip());
      if (!parts.matches()) {
        return fault("MALFORMED_QUERY", "unexpected condition: " + condition);
      }
      conditions.add(condition(parts.group(1), parts.group(2), parts.group(3)));
    }
    boolean all = operation.equals("queryAll");
    List<Rec> rows = new ArrayList<>(objects.getOrDefault(type, Map.of()).values());
    rows.removeIf(rec -> (!all && rec.deleted) || !conditions.stream().allMatch(test -> test.test(rec)));
    rows.sort(Comparator.comparing((Rec rec) -> rec.stamp).thenComparing(rec -> rec.id));
    return page(new OpenQuery(List.copyOf(rows), select, sub, pageSize), 0, header, operation + "Response");
  }

  private ResponseDefinition queryMore(String locator, String header) {
    if (!locator.contains("-")) {
      return fault("INVALID_QUERY_LOCATOR", "invalid query locator");
    }
    OpenQuery query = open.get(locator.substring(0, locator.lastIndexOf('-')));
    if (query == null) {
      return fault("INVALID_QUERY_LOCATOR", "invalid query locator");
    }
    int offset = Integer.parseInt(locator.substring(locator.lastIndexOf('-') + 1));
    return page(query, offset, header, "queryMoreResponse");
  }

  private ResponseDefinition page(OpenQuery query, int offset, String header, String element) {
    int end = Math.min(query.rows().size(), offset + query.pageSize());
    boolean done = end >= query.rows().size();
    String locator = "";
    if (!done) {
      String id = "01gSTAND" + queries.incrementAndGet();
      open.put(id, query);
      locator = id + "-" + end;
    }
    StringBuilder xml = new StringBuilder("<").append(element).append("><result xsi:type=\"QueryResult\"><done>")
        .append(done).append("</done>");
    xml.append(done ? "<queryLocator xsi:nil=\"true\"/>" : "<queryLocator>" + locator + "</queryLocator>");
    for (Rec rec : query.rows().subList(offset, end)) {
      xml.append("<records xsi:type=\"sf:sObject\">");
      record(xml, rec, query.select());
      query.sub().ifPresent(sub -> roles(xml, rec, sub));
      xml.append("</records>");
    }
    xml.append("<size>").append(query.rows().size()).append("</size></result></").append(element).append(">");
    return ok(Soap.envelope(header, xml.toString()));
  }

  private void record(StringBuilder xml, Rec rec, List<String> select) {
    xml.append("<sf:type>").append(rec.type).append("</sf:type>");
    Map<String, List<String>> related = new LinkedHashMap<>();
    for (String field : select) {
      if (field.equals("Id")) {
        xml.append("<sf:Id>").append(rec.id).append("</sf:Id><sf:Id>").append(rec.id).append("</sf:Id>");
      } else if (field.contains(".")) {
        related.computeIfAbsent(field.substring(0, field.indexOf('.')), key -> new ArrayList<>()).add(field);
      } else {
        value(xml, field, value(rec, field));
      }
    }
    related.forEach((relationship, fields) -> {
      boolean any = fields.stream().anyMatch(field -> value(rec, field) != null);
      if (!any) {
        xml.append("<sf:").append(relationship).append(" xsi:nil=\"true\"/>");
        return;
      }
      xml.append("<sf:").append(relationship).append(" xsi:type=\"sf:sObject\"><sf:type>").append(relationship)
          .append("</sf:type><sf:Id xsi:nil=\"true\"/>");
      for (String field : fields) {
        value(xml, field.substring(field.indexOf('.') + 1), value(rec, field));
      }
      xml.append("</sf:").append(relationship).append(">");
    });
  }

  private void roles(StringBuilder xml, Rec opportunity, Sub sub) {
    List<Rec> roles = new ArrayList<>(objects.getOrDefault("OpportunityContactRole", Map.of()).values());
    roles.removeIf(role -> role.deleted || !opportunity.id.equals(role.fields.get("OpportunityId"))
        || (sub.primaryOnly() && !"true".equals(role.fields.get("IsPrimary"))));
    roles.sort(Comparator.comparing(role -> role.fields.getOrDefault("ContactId", "")));
    if (roles.isEmpty()) {
      xml.append("<sf:").append(sub.relationship()).append(" xsi:nil=\"true\"/>");
      return;
    }
    List<String> select = List.of("Id", "ContactId", "IsPrimary", "Role");
    boolean done = roles.size() <= subPageSize;
    xml.append("<sf:").append(sub.relationship()).append(" xsi:type=\"QueryResult\"><done>").append(done)
        .append("</done>");
    if (done) {
      xml.append("<queryLocator xsi:nil=\"true\"/>");
    } else {
      String id = "01gSTAND" + queries.incrementAndGet();
      open.put(id, new OpenQuery(List.copyOf(roles), select, Optional.empty(), subPageSize));
      xml.append("<queryLocator>").append(id).append("-").append(subPageSize).append("</queryLocator>");
    }
    for (Rec role : roles.subList(0, Math.min(roles.size(), subPageSize))) {
      xml.append("<records xsi:type=\"sf:sObject\">");
      record(xml, role, select);
      xml.append("</records>");
    }
    xml.append("<size>").append(roles.size()).append("</size></sf:").append(sub.relationship()).append(">");
  }

  private static void value(StringBuilder xml, String name, String value) {
    if (value == null) {
      xml.append("<sf:").append(name).append(" xsi:nil=\"true\"/>");
    } else {
      xml.append("<sf:").append(name).append(">").append(Soap.escape(value)).append("</sf:").append(name).append(">");
    }
  }

  /** A field's value as Salesforce would send it; {@code Opportunity.X} on a role reads its opportunity. */
  private String value(Rec rec, String field) {
    switch (field) {
      case "Id":
        return rec.id;
      case "SystemModstamp":
        return rec.stamp.toString().replace("Z", "").contains(".") ? rec.stamp.toString()
            : rec.stamp.toString().replace("Z", ".000Z");
      case "IsDeleted":
        return Boolean.toString(rec.deleted);
      default:
        break;
    }
    if (rec.type.equals("OpportunityContactRole") && field.startsWith("Opportunity.")) {
      return get("Opportunity", rec.fields.getOrDefault("OpportunityId", ""))
          .map(opportunity -> value(opportunity, field.substring("Opportunity.".length()))).orElse(null);
    }
    return rec.fields.get(field);
  }

  private Predicate<Rec> condition(String field, String operator, String literal) {
    if (literal.equals("null")) {
      return rec -> operator.equals("=") == (value(rec, field) == null);
    }
    Optional<Instant> time = instant(literal);
    String expected = literal.startsWith("'") ? unquote(literal) : literal;
    return rec -> {
      String actual = value(rec, field);
      if (actual == null) {
        return operator.equals("!=");
      }
      int comparison = time.isPresent()
          ? instant(actual).orElse(Instant.EPOCH).compareTo(time.get())
          : actual.compareTo(expected);
      return switch (operator) {
        case "=" -> comparison == 0;
        case "!=" -> comparison != 0;
        case "<" -> comparison < 0;
        case "<=" -> comparison <= 0;
        case ">" -> comparison > 0;
        default -> comparison >= 0;
      };
    };
  }

  private static Optional<Instant> instant(String text) {
    try {
      return text.matches("\\d{4}-\\d\\d-\\d\\dT.*Z") ? Optional.of(Instant.parse(text)) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String unquote(String literal) {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i < literal.length() - 1; i++) {
      char c = literal.charAt(i);
      if (c == '\\' && i + 1 < literal.length() - 1) {
        char next = literal.charAt(++i);
        text.append(switch (next) {
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          case 'b' -> '\b';
          case 'f' -> '\f';
          default -> next;
        });
      } else {
        text.append(c);
      }
    }
    return text.toString();
  }

  private ResponseDefinition save(String operation, Element call, String header) {
    StringBuilder xml = new StringBuilder("<").append(operation).append("Response>");
    NodeList children = call.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (!(children.item(i) instanceof Element sObject) || !sObject.getLocalName().equals("sObjects")) {
        continue;
      }
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("operation", operation);
      List<String> toNull = new ArrayList<>();
      NodeList fields = sObject.getChildNodes();
      for (int j = 0; j < fields.getLength(); j++) {
        if (fields.item(j) instanceof Element field) {
          if (field.getLocalName().equals("fieldsToNull")) {
            toNull.add(field.getTextContent());
          } else {
            record.put(field.getLocalName(), field.getTextContent());
          }
        }
      }
      record.put("fieldsToNull", List.copyOf(toNull));
      written.add(Collections.unmodifiableMap(record));
      String type = String.valueOf(record.get("type"));
      String id = operation.equals("update") ? String.valueOf(record.get("Id")) : null;
      String failureKey = id != null ? id : String.valueOf(record.get("WhoId"));
      Failure failure = recordFailures.get(failureKey);
      if (failure != null && failure.times().get() != 0) {
        failure.times().decrementAndGet();
        xml.append("<result><errors><message>").append(Soap.escape("refused: " + failure.code()))
            .append("</message><statusCode>").append(failure.code()).append("</statusCode></errors>")
            .append("<id xsi:nil=\"true\"/><success>false</success></result>");
        continue;
      }
      if (id != null) {
        Optional<Rec> existing = get(type, id);
        if (existing.isEmpty() || existing.get().deleted) {
          xml.append("<result><errors><message>entity is deleted</message><statusCode>ENTITY_IS_DELETED"
              + "</statusCode></errors><id xsi:nil=\"true\"/><success>false</success></result>");
          continue;
        }
        record.forEach((name, value) -> {
          if (!Set.of("operation", "type", "Id", "fieldsToNull").contains(name)) {
            existing.get().fields.put(name, String.valueOf(value));
          }
        });
        toNull.forEach(existing.get().fields::remove);
      } else {
        id = String.format("00T%015d", nextId.getAndIncrement());
        Rec created = put(type, id, Instant.EPOCH, Map.of());
        record.forEach((name, value) -> {
          if (!Set.of("operation", "type", "fieldsToNull").contains(name)) {
            created.fields.put(name, String.valueOf(value));
          }
        });
      }
      xml.append("<result><id>").append(id).append("</id><success>true</success></result>");
    }
    xml.append("</").append(operation).append("Response>");
    return ok(Soap.envelope(header, xml.toString()));
  }

  private ResponseDefinition upsert(Element call, String header) {
    String externalField = text(call, "externalIDFieldName").strip();
    StringBuilder xml = new StringBuilder("<upsertResponse>");
    NodeList children = call.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (!(children.item(i) instanceof Element sObject) || !sObject.getLocalName().equals("sObjects")) {
        continue;
      }
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("operation", "upsert");
      List<String> toNull = new ArrayList<>();
      NodeList fields = sObject.getChildNodes();
      for (int j = 0; j < fields.getLength(); j++) {
        if (fields.item(j) instanceof Element field) {
          if (field.getLocalName().equals("fieldsToNull")) {
            toNull.add(field.getTextContent());
          } else {
            record.put(field.getLocalName(), field.getTextContent());
          }
        }
      }
      written.add(Collections.unmodifiableMap(record));
      String type = String.valueOf(record.get("type"));
      Object value = record.get(externalField);
      Failure failure = recordFailures.get(String.valueOf(record.get("WhoId")));
      if (failure != null && failure.times().get() != 0) {
        failure.times().decrementAndGet();
        xml.append("<result><created>false</created><errors><message>").append(Soap.escape("refused: "
            + failure.code())).append("</message><statusCode>").append(failure.code())
            .append("</statusCode></errors><id xsi:nil=\"true\"/><success>false</success></result>");
        continue;
      }
      List<Rec> matches = objects.getOrDefault(type, Map.of()).values().stream()
          .filter(rec -> !rec.deleted && value != null && value.toString().equals(rec.fields.get(externalField)))
          .toList();
      if (matches.size() > 1) {
        xml.append("<result><created>false</created><errors><fields>").append(externalField)
            .append("</fields><message>").append(Soap.escape(externalField + ": more than one record found for "
                + "external id field: " + matches.stream().map(rec -> rec.id).toList()))
            .append("</message><statusCode>DUPLICATE_EXTERNAL_ID</statusCode></errors>")
            .append("<id xsi:nil=\"true\"/><success>false</success></result>");
        continue;
      }
      Rec target = matches.isEmpty() ? put(type, String.format("00T%015d", nextId.getAndIncrement()), Instant.EPOCH,
          Map.of()) : matches.get(0);
      record.forEach((name, fieldValue) -> {
        if (!Set.of("operation", "type").contains(name)) {
          target.fields.put(name, String.valueOf(fieldValue));
        }
      });
      toNull.forEach(target.fields::remove); // upsert's update clears them, as update does
      xml.append("<result><created>").append(matches.isEmpty()).append("</created><id>").append(target.id)
          .append("</id><success>true</success></result>");
    }
    xml.append("</upsertResponse>");
    return ok(Soap.envelope(header, xml.toString()));
  }

  private static ResponseDefinition ok(String xml) {
    return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "text/xml; charset=utf-8")
        .withBody(xml).build();
  }

  private static ResponseDefinition fault(String code, String message) {
    return new ResponseDefinitionBuilder().withStatus(500).withHeader("Content-Type", "text/xml; charset=utf-8")
        .withBody(Soap.fault(code, Soap.faultType(code), message)).build();
  }

  private static Document parse(String xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException("not XML: " + xml, e);
    }
  }

  private static Element first(Element root, String localName) {
    NodeList nodes = root.getElementsByTagNameNS("*", localName);
    return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
  }

  private static Element firstElement(Element parent) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element) {
        return element;
      }
    }
    throw new IllegalStateException("an empty SOAP body");
  }

  private static String text(Element call, String localName) {
    Element element = first(call, localName);
    return element == null ? "" : element.getTextContent();
  }

  /** Unused ids for new test records of a type, by key prefix ({@code 003} Contact, {@code 006} Opportunity). */
  public static String id(String prefix, long number) {
    return prefix + String.format("%012d", number) + "AAA";
  }

  static Set<String> keys(Map<String, ?> map) {
    return new LinkedHashSet<>(map.keySet());
  }
}
