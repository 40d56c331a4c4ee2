package io.npsconnector.sandbox.hubspot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The state of one simulated portal (objects, associations, property definitions, opt-outs) and the
 * answers of its endpoints, in HubSpot's shapes. Not thread-safe: {@link HubSpotSandbox} serializes calls.
 */
final class Portal {
  /** HubSpot's {@code hs_task_type} options; TODO is HubSpot's own name for a plain task, not a note. */
  private static final Set<String> TASK_TYPES = Set.of("EMAIL", "CALL", "TODO", "LINKED_IN", "MEETING");

  static final ObjectMapper JSON = new ObjectMapper();
  static final long PORTAL_ID = 4_410_023L;
  static final int SEARCH_LIMIT = 200;
  static final int SEARCH_CAP = 10_000;
  static final int BATCH_LIMIT = 100;
  static final int ASSOCIATION_LIMIT = 1_000;
  /** Associations per record in one batch-read result, as the single-record v4 read pages them. */
  static final int ASSOCIATION_PAGE = 500;
  static final Set<String> TYPES = Set.of("contacts", "companies", "deals", "tickets", "tasks", "notes");
  static final Set<String> SEARCHABLE = Set.of("contacts", "companies", "deals", "tickets", "tasks", "notes");
  static final Set<String> DESCRIBED = Set.of("contacts", "companies", "tasks", "notes");

  /** An answer: status and JSON body. */
  record Reply(int status, JsonNode body) {}

  /** One CRM record. */
  static final class Record {
    final long id;
    final Props properties = new Props(this);
    Instant createdAt;
    Instant updatedAt;
    /** Where the record lies in its type's {@link RecordTable}. */
    int slot;

    Record(long id, Instant createdAt) {
      this.id = id;
      this.createdAt = createdAt;
      this.updatedAt = createdAt;
    }
  }

  /**
   * A record's property values; a change of its modified date reaches its {@link RecordTable}'s column, whatever
   * path writes it.
   */
  static final class Props extends io.npsconnector.sandbox.CompactMap {
    /** Stored for {@code hs_object_id}: the record's id. */
    static final String ID = new String("(the record id)");
    /** Stored for the create date: the record's {@code createdAt}, as text. */
    static final String CREATED = new String("(createdAt)");
    /** Stored for the modified date: the record's {@code updatedAt}, as text. */
    static final String UPDATED = new String("(updatedAt)");

    private final Record record;
    private RecordTable table;

    Props(Record record) {
      super(4);
      this.record = record;
    }

    void attach(RecordTable owner) {
      this.table = owner;
      modifiedChanged(stored(owner.modifiedName()));
    }

    @Override
    protected String shown(String stored) {
      if (stored == ID) {
        return Long.toString(record.id);
      }
      if (stored == CREATED) {
        return record.createdAt.toString();
      }
      if (stored == UPDATED) {
        return record.updatedAt.toString();
      }
      return stored;
    }

    /** Tells the table the modified date's new value; the record's own instant needs no parsing. */
    private void modifiedChanged(String value) {
      if (value == UPDATED) {
        table.modifiedChanged(record, record.updatedAt.toEpochMilli());
      } else {
        table.modifiedChanged(record, shown(value));
      }
    }

    @Override
    public String put(String name, String value) {
      String old = super.put(name, value);
      if (table != null && name.equals(table.modifiedName())) {
        modifiedChanged(value);
      }
      return old;
    }

    @Override
    public String remove(Object name) {
      String old = super.remove(name);
      if (table != null && table.modifiedName().equals(name)) {
        table.modifiedChanged(record, null);
      }
      return old;
    }

    @Override
    public void clear() {
      super.clear();
      if (table != null) {
        table.modifiedChanged(record, null);
      }
    }
  }

  // ---- pipelines (the only source of stage ids; the seeded deals and tickets use these) ----

  record Stage(String id, String label, String probability, String ticketState, boolean closed) {}

  record Pipeline(String id, String label, List<Stage> stages) {}

  static final List<Pipeline> DEAL_PIPELINES = List.of(
      new Pipeline("default", "Sales Pipeline", List.of(
          new Stage("appointmentscheduled", "Appointment Scheduled", "0.2", null, false),
          new Stage("qualifiedtobuy", "Qualified To Buy", "0.4", null, false),
          new Stage("presentationscheduled", "Presentation Scheduled", "0.6", null, false),
          new Stage("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", null, false),
          new Stage("contractsent", "Contract Sent", "0.9", null, false),
          new Stage("closedwon", "Closed Won", "1.0", null, true),
          new Stage("closedlost", "Closed Lost", "0.0", null, true))),
      new Pipeline("812345", "Renewals", List.of(
          new Stage("812346", "Renewal due", "0.6", null, false),
          new Stage("812347", "Renewed", "1.0", null, true),
          new Stage("812348", "Not renewed", "0.0", null, true))));
  static final List<Pipeline> TICKET_PIPELINES = List.of(
      new Pipeline("0", "Support Pipeline", List.of(
          new Stage("1", "New", null, "OPEN", false),
          new Stage("2", "Waiting on contact", null, "OPEN", false),
          new Stage("3", "Waiting on us", null, "OPEN", false),
          new Stage("4", "Closed", null, "CLOSED", true))));

  // ---- association types (HubSpot's defaults) ----

  /** typeId by "from:to". */
  static final Map<String, Integer> ASSOCIATION_TYPES = Map.ofEntries(
      Map.entry("contacts:companies", 1), Map.entry("companies:contacts", 2),
      Map.entry("deals:contacts", 3), Map.entry("contacts:deals", 4),
      Map.entry("contacts:tickets", 15), Map.entry("tickets:contacts", 16),
      Map.entry("notes:contacts", 202), Map.entry("contacts:notes", 201),
      Map.entry("tasks:contacts", 204), Map.entry("contacts:tasks", 203),
      Map.entry("deals:companies", 5), Map.entry("companies:deals", 6));

  private static final String[] FIRST = {"Ada", "Bo", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines",
      "Jonas", "Kaja", "Luis", "Mara", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tereza", "Ugo", "Vera",
      "Wim", "Xenia", "Yusuf", "Zoe"};
  private static final String[] LAST = {"Berg", "Lind", "Moreau", "Schmidt", "Garcia", "Silva", "Novak", "Rossi",
      "Jensen", "Kowalski", "Dubois", "Fischer", "Santos", "Ortega", "Weber", "Costa", "Laurent", "Meyer"};
  private static final String[] COMPANY_WORDS = {"Northwind", "Contoso", "Fabrikam", "Tailspin", "Woodgrove",
      "Litware", "Proseware", "Adatum", "Lucerne", "Wingtip", "Fourth Coffee", "Alpine Ski"};
  private static final String[] INDUSTRIES = {"COMPUTER_SOFTWARE", "RETAIL", "HOSPITAL_HEALTH_CARE",
      "FINANCIAL_SERVICES", "MECHANICAL_OR_INDUSTRIAL_ENGINEERING", "EDUCATION_MANAGEMENT", "LOGISTICS_AND_SUPPLY_CHAIN"};
  private static final String[] REGIONS = {"EMEA", "NA", "APAC", "LATAM"};
  /** The labels HubSpot shows for the options (values stay as stored; the labels are what people read). */
  private static final Map<String, String> OPTION_LABELS = Map.ofEntries(
      Map.entry("EMEA", "Europe, Middle East and Africa"), Map.entry("NA", "North America"),
      Map.entry("APAC", "Asia Pacific"), Map.entry("LATAM", "Latin America"),
      Map.entry("COMPUTER_SOFTWARE", "Computer Software"), Map.entry("RETAIL", "Retail"),
      Map.entry("HOSPITAL_HEALTH_CARE", "Hospital & Health Care"), Map.entry("FINANCIAL_SERVICES",
          "Financial Services"), Map.entry("MECHANICAL_OR_INDUSTRIAL_ENGINEERING",
          "Mechanical or Industrial Engineering"), Map.entry("EDUCATION_MANAGEMENT", "Education Management"),
      Map.entry("LOGISTICS_AND_SUPPLY_CHAIN", "Logistics and Supply Chain"));
  private static final String[] LANGUAGES = {"en", "en", "en", "de", "de", "fr", "es", "pt-br"};
  private static final Map<String, String[]> ZONES = Map.of(
      "en", new String[] {"america_slash_new_york", "america_slash_chicago", "europe_slash_london",
          "america_slash_los_angeles"},
      "de", new String[] {"europe_slash_berlin", "europe_slash_vienna", "europe_slash_zurich"},
      "fr", new String[] {"europe_slash_paris", "europe_slash_brussels"},
      "es", new String[] {"europe_slash_madrid", "america_slash_mexico_city"},
      "pt-br", new String[] {"america_slash_sao_paulo"});
  static final List<String> OWNERS = List.of("61200451", "61200452", "61200453", "61200454", "61200455");
  /** The user id behind each owner (HubSpot keeps owners and users apart; hs_updated_by_user_id is a user). */
  static final Map<String, String> OWNER_USERS = Map.of("61200451", "9100241", "61200452", "9100242",
      "61200453", "9100243", "61200454", "9100244", "61200455", "9100245");
  /** {@code +1 555 0100} to {@code +1 555 0199}, made once: a million contacts share these hundred strings. */
  private static final String[] SEEDED_PHONES = java.util.stream.IntStream.range(0, 100)
      .mapToObj(i -> String.format(Locale.ROOT, "+1 555 01%02d", i)).toArray(String[]::new);
  private static final Pattern PROPERTY_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}");

  private final Clock clock;
  private final Random random;
  private final Map<String, RecordTable> objects = new LinkedHashMap<>();
  /** "from:to" → from id → to ids. */
  private final Map<String, Map<Long, NavigableSet<Long>>> associations = new LinkedHashMap<>();
  private final Map<String, Map<String, ObjectNode>> properties = new LinkedHashMap<>();
  private final Map<String, Map<String, ObjectNode>> groups = new LinkedHashMap<>();
  private final List<String> unsubscribed = new ArrayList<>();
  private final Set<String> unsubscribedLower = new LinkedHashSet<>();
  private long nextId = 10_000_001L;
  private int associationPage = ASSOCIATION_PAGE;

  Portal(Clock clock, long seed) {
    this.clock = clock;
    this.random = new Random(seed);
    TYPES.forEach(type -> objects.put(type, new RecordTable(modifiedProperty(type))));
    catalog();
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  // ================================================================ seeding

  /** Deterministic synthetic data; every change lies at least an hour before the clock's time. */
  void seed(int contactCount) {
    Instant base = now().minus(1, ChronoUnit.HOURS);
    int companyCount = Math.max(1, contactCount / 8);
    List<Record> companies = new ArrayList<>();
    for (int i = 0; i < companyCount; i++) {
      Instant modified = past(base, 200);
      Record company = create("companies", modified.minus(random.nextInt(700) + 1, ChronoUnit.DAYS), modified);
      String word = COMPANY_WORDS[i % COMPANY_WORDS.length];
      String name = word + (i < COMPANY_WORDS.length ? "" : " " + (i / COMPANY_WORDS.length + 1));
      company.properties.put("name", name);
      company.properties.put("domain", name.toLowerCase(Locale.ROOT).replace(' ', '-') + ".test");
      company.properties.put("industry", INDUSTRIES[random.nextInt(INDUSTRIES.length)]);
      company.properties.put("region", REGIONS[random.nextInt(REGIONS.length)]);
      company.properties.put("hubspot_owner_id", OWNERS.get(random.nextInt(OWNERS.size())));
      companies.add(company);
    }
    for (int i = 0; i < contactCount; i++) {
      newContact(past(base, 180), companies);
    }
    List<Long> contactIds = objects.get("contacts").ids();
    int dealCount = contactCount * 2 / 5;
    for (int i = 0; i < dealCount; i++) {
      newDeal(past(base, 180), contactIds, random.nextDouble() < 0.55);
    }
    int ticketCount = contactCount * 3 / 10;
    for (int i = 0; i < ticketCount; i++) {
      newTicket(past(base, 180), contactIds, random.nextDouble() < 0.6);
    }
  }

  private Instant past(Instant base, int days) {
    return base.minusMillis((long) (random.nextDouble() * days * 86_400_000L)).truncatedTo(ChronoUnit.MILLIS);
  }

  private Record create(String type, Instant created, Instant modified) {
    Record record = new Record(nextId++, created);
    record.updatedAt = modified;
    // companies keep their id as text: their contacts share it as associatedcompanyid
    record.properties.put("hs_object_id", type.equals("companies") ? Long.toString(record.id) : Props.ID);
    record.properties.put("createdate", Props.CREATED);
    record.properties.put(modifiedProperty(type), Props.UPDATED);
    objects.get(type).add(record);
    return record;
  }

  private Record newContact(Instant modified, List<Record> companies) {
    Record contact = create("contacts", modified.minus(random.nextInt(900) + 1, ChronoUnit.DAYS), modified);
    String first = FIRST[random.nextInt(FIRST.length)];
    String last = LAST[random.nextInt(LAST.length)];
    Record company = companies.isEmpty() || random.nextDouble() >= 0.85 ? null
        : companies.get(random.nextInt(companies.size()));
    String local = (first + "." + last).toLowerCase(Locale.ROOT) + "." + contact.id;
    String domain = company != null && random.nextBoolean() ? company.properties.get("domain") : "example.com";
    String language = LANGUAGES[random.nextInt(LANGUAGES.length)];
    String[] zones = ZONES.get(language);
    Props p = contact.properties;
    p.put("email", local + "@" + domain);
    p.put("firstname", first);
    p.put("lastname", last);
    if (random.nextDouble() < 0.6) {
      p.put("phone", SEEDED_PHONES[random.nextInt(SEEDED_PHONES.length)]);
    }
    p.put("hs_language", language);
    p.put("hs_timezone", zones[random.nextInt(zones.length)]);
    p.put("hs_email_optout", random.nextDouble() < 0.05 ? "true" : "false");
    if (random.nextDouble() < 0.9) {
      p.put("hubspot_owner_id", OWNERS.get(random.nextInt(OWNERS.size())));
    }
    p.put("lifecyclestage", "customer");
    if (company != null) {
      p.put("associatedcompanyid", company.properties.get("hs_object_id"));
      p.put("company", company.properties.get("name"));
      // segments read from the contact: its company's industry and region, as a sync workflow would copy them
      p.put("industry", company.properties.get("industry"));
      p.put("region", company.properties.get("region"));
      associate("contacts", contact.id, "companies", company.id);
    }
    p.trim();
    return contact;
  }

  private Record newDeal(Instant modified, List<Long> contactIds, boolean won) {
    Record deal = create("deals", modified.minus(random.nextInt(120) + 1, ChronoUnit.DAYS), modified);
    Pipeline pipeline = random.nextDouble() < 0.8 ? DEAL_PIPELINES.get(0) : DEAL_PIPELINES.get(1);
    Stage stage = won ? wonStage(pipeline) : pipeline.stages().get(random.nextInt(pipeline.stages().size() - 1));
    if (!won && "1.0".equals(stage.probability())) {
      stage = pipeline.stages().get(0);
    }
    Props p = deal.properties;
    p.put("dealname", (pipeline.id().equals("default") ? "New business " : "Renewal ") + deal.id);
    p.put("amount", Integer.toString((random.nextInt(200) + 1) * 250));
    p.put("pipeline", pipeline.id());
    p.put("dealstage", stage.id());
    p.put("dealtype", pipeline.id().equals("default") ? "newbusiness" : "existingbusiness");
    if (stage.closed()) {
      p.put("closedate", modified.minus(random.nextInt(600), ChronoUnit.MINUTES).toString());
    }
    p.put("hubspot_owner_id", OWNERS.get(random.nextInt(OWNERS.size())));
    attachContacts("deals", deal.id, contactIds, 0.03);
    p.trim();
    return deal;
  }

  private Record newTicket(Instant modified, List<Long> contactIds, boolean closed) {
    Record ticket = create("tickets", modified.minus(random.nextInt(30) + 1, ChronoUnit.DAYS), modified);
    Pipeline pipeline = TICKET_PIPELINES.get(0);
    Stage stage = closed ? pipeline.stages().get(3) : pipeline.stages().get(random.nextInt(3));
    Props p = ticket.properties;
    p.put("subject", List.of("Cannot sign in", "Invoice question", "Export fails", "Feature idea", "Slow dashboard")
        .get(random.nextInt(5)) + " (#" + ticket.id + ")");
    p.put("hs_pipeline", pipeline.id());
    p.put("hs_pipeline_stage", stage.id());
    p.put("hs_ticket_priority", List.of("LOW", "MEDIUM", "HIGH").get(random.nextInt(3)));
    p.put("hs_ticket_category", List.of("PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY")
        .get(random.nextInt(4)));
    if (closed) {
      p.put("closed_date", modified.minus(random.nextInt(600), ChronoUnit.MINUTES).toString());
    }
    attachContacts("tickets", ticket.id, contactIds, 0.05);
    p.trim();
    return ticket;
  }

  private void attachContacts(String type, long id, List<Long> contactIds, double none) {
    if (contactIds.isEmpty() || random.nextDouble() < none) {
      return;
    }
    associate(type, id, "contacts", contactIds.get(random.nextInt(contactIds.size())));
    if (random.nextDouble() < 0.1) {
      associate(type, id, "contacts", contactIds.get(random.nextInt(contactIds.size())));
    }
  }

  private static Stage wonStage(Pipeline pipeline) {
    return pipeline.stages().stream().filter(s -> "1.0".equals(s.probability())).findFirst().orElseThrow();
  }

  // ================================================================ events over time

  /** One new event at {@code at}: a new or changed contact, a deal won, or a ticket closed. */
  String event(Instant when) {
    Instant at = when.truncatedTo(ChronoUnit.MILLIS);
    List<Long> contactIds = objects.get("contacts").ids();
    double kind = random.nextDouble();
    if (kind < 0.25 || contactIds.isEmpty()) {
      Record contact = newContact(at, objects.get("companies").records());
      contact.createdAt = at;
      contact.properties.put("createdate", Props.CREATED);
      return "contact " + contact.id + " created";
    }
    if (kind < 0.4) {
      Record contact = objects.get("contacts").get(contactIds.get(random.nextInt(contactIds.size())));
      contact.properties.put("phone", String.format(Locale.ROOT, "+1 555 02%02d", random.nextInt(100)));
      touch("contacts", contact, at);
      return "contact " + contact.id + " changed";
    }
    if (kind < 0.75) {
      Optional<Record> open = objects.get("deals").records().stream()
          .filter(d -> !stage(DEAL_PIPELINES, d.properties.get("pipeline"), d.properties.get("dealstage"))
              .map(Stage::closed).orElse(true))
          .findFirst();
      Record deal = open.orElseGet(() -> newDeal(at, contactIds, true));
      Pipeline pipeline = DEAL_PIPELINES.stream().filter(p -> p.id().equals(deal.properties.get("pipeline")))
          .findFirst().orElse(DEAL_PIPELINES.get(0));
      deal.properties.put("dealstage", wonStage(pipeline).id());
      deal.properties.put("closedate", at.toString());
      if (!associations.getOrDefault("deals:contacts", Map.of()).containsKey(deal.id)) {
        associate("deals", deal.id, "contacts", contactIds.get(random.nextInt(contactIds.size())));
      }
      touch("deals", deal, at);
      return "deal " + deal.id + " won";
    }
    Optional<Record> open = objects.get("tickets").records().stream()
        .filter(t -> !"4".equals(t.properties.get("hs_pipeline_stage"))).findFirst();
    Record ticket = open.orElseGet(() -> newTicket(at, contactIds, true));
    ticket.properties.put("hs_pipeline_stage", "4");
    ticket.properties.put("closed_date", at.toString());
    if (!associations.getOrDefault("tickets:contacts", Map.of()).containsKey(ticket.id)) {
      associate("tickets", ticket.id, "contacts", contactIds.get(random.nextInt(contactIds.size())));
    }
    touch("tickets", ticket, at);
    return "ticket " + ticket.id + " closed";
  }

  private static Optional<Stage> stage(List<Pipeline> pipelines, String pipeline, String stage) {
    return pipelines.stream().filter(p -> p.id().equals(pipeline)).flatMap(p -> p.stages().stream())
        .filter(s -> s.id().equals(stage)).findFirst();
  }

  private void touch(String type, Record record, Instant at) {
    record.updatedAt = at;
    record.properties.put(modifiedProperty(type), Props.UPDATED);
  }

  static String modifiedProperty(String type) {
    return type.equals("contacts") ? "lastmodifieddate" : "hs_lastmodifieddate";
  }

  void associationPage(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("an association page holds at least 1, got " + size);
    }
    associationPage = size;
  }

  /** A deal in the default pipeline's won stage, closed at {@code at}, with these contacts. */
  String wonDeal(Instant at, List<String> contactIds) {
    Instant when = at.truncatedTo(ChronoUnit.MILLIS);
    Record deal = create("deals", when, when);
    Pipeline pipeline = DEAL_PIPELINES.get(0);
    deal.properties.put("dealname", "New business " + deal.id);
    deal.properties.put("amount", "1000");
    deal.properties.put("pipeline", pipeline.id());
    deal.properties.put("dealstage", wonStage(pipeline).id());
    deal.properties.put("dealtype", "newbusiness");
    deal.properties.put("closedate", when.toString());
    deal.properties.put("hubspot_owner_id", OWNERS.get(0));
    contactIds.forEach(contact -> associate("deals", Long.toString(deal.id), "contacts", contact));
    return Long.toString(deal.id);
  }

  /** A ticket in the support pipeline's closed stage, closed at {@code at}, with these contacts. */
  String closedTicket(Instant at, List<String> contactIds) {
    Instant when = at.truncatedTo(ChronoUnit.MILLIS);
    Record ticket = create("tickets", when, when);
    Pipeline pipeline = TICKET_PIPELINES.get(0);
    ticket.properties.put("subject", "Export fails (#" + ticket.id + ")");
    ticket.properties.put("hs_pipeline", pipeline.id());
    ticket.properties.put("hs_pipeline_stage", pipeline.stages().stream().filter(Stage::closed).findFirst()
        .orElseThrow().id());
    ticket.properties.put("hs_ticket_priority", "HIGH");
    ticket.properties.put("hs_ticket_category", "PRODUCT_ISSUE");
    ticket.properties.put("closed_date", when.toString());
    contactIds.forEach(contact -> associate("tickets", Long.toString(ticket.id), "contacts", contact));
    return Long.toString(ticket.id);
  }

  /** Links two existing records both ways; the records themselves are not touched. */
  void associate(String from, String fromId, String to, String toId) {
    Record one = record(from, fromId);
    Record other = record(to, toId);
    if (one == null || other == null) {
      throw new IllegalArgumentException("no " + singular(one == null ? from : to) + " "
          + (one == null ? fromId : toId));
    }
    associate(from, one.id, to, other.id);
  }

  void associate(String from, long fromId, String to, long toId) {
    associations.computeIfAbsent(from + ":" + to, k -> new TreeMap<>())
        .computeIfAbsent(fromId, k -> new TreeSet<>()).add(toId);
    associations.computeIfAbsent(to + ":" + from, k -> new TreeMap<>())
        .computeIfAbsent(toId, k -> new TreeSet<>()).add(fromId);
  }

  // ================================================================ views for tests

  /** One type's records (tests compare searches with a scan of these). */
  RecordTable table(String type) {
    return objects.get(type);
  }

  Optional<Map<String, String>> properties(String type, String id) {
    Record record = record(type, id);
    return record == null ? Optional.empty() : Optional.of(Map.copyOf(withoutNulls(record.properties)));
  }

  private static Map<String, String> withoutNulls(Map<String, String> properties) {
    Map<String, String> copy = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (v != null) {
        copy.put(k, v);
      }
    });
    return copy;
  }

  List<String> ids(String type) {
    RecordTable table = objects.get(type);
    return table == null ? List.of() : table.ids().stream().map(String::valueOf).toList();
  }

  List<String> ids(String type, Predicate<Map<String, String>> where) {
    RecordTable table = objects.get(type);
    return table == null ? List.of() : table.records().stream().filter(r -> where.test(r.properties))
        .map(r -> Long.toString(r.id)).toList();
  }

  List<String> associated(String from, String id, String to) {
    return associations.getOrDefault(from + ":" + to, Map.of()).getOrDefault(parseId(id), new TreeSet<>()).stream()
        .map(String::valueOf).toList();
  }

  Set<String> propertyNames(String object) {
    return Set.copyOf(properties.getOrDefault(object, Map.of()).keySet());
  }

  List<String> unsubscribed() {
    return List.copyOf(unsubscribed);
  }

  static Set<String> wonDealStages() {
    Set<String> ids = new TreeSet<>();
    DEAL_PIPELINES.forEach(p -> p.stages().stream().filter(s -> "1.0".equals(s.probability()))
        .forEach(s -> ids.add(s.id())));
    return ids;
  }

  static Set<String> closedTicketStages() {
    Set<String> ids = new TreeSet<>();
    TICKET_PIPELINES.forEach(p -> p.stages().stream().filter(s -> "CLOSED".equals(s.ticketState()))
        .forEach(s -> ids.add(s.id())));
    return ids;
  }

  private Record record(String type, String id) {
    Long key = parseId(id);
    RecordTable table = objects.get(type);
    return key == null || table == null ? null : table.get(key);
  }

  private static Long parseId(String id) {
    try {
      return Long.parseLong(id.strip());
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ================================================================ search

  Reply search(String type, JsonNode request, int bodyLength) {
    if (!SEARCHABLE.contains(type)) {
      return unknownType(type);
    }
    if (bodyLength > 3_000) {
      return error(400, "VALIDATION_ERROR", "The request body is " + bodyLength
          + " characters long; search requests may be at most 3000 characters.");
    }
    int limit = request.path("limit").asInt(10);
    if (limit < 1 || limit > SEARCH_LIMIT) {
      return error(400, "VALIDATION_ERROR", "limit must be between 1 and " + SEARCH_LIMIT + ", got " + limit + ".");
    }
    int offset;
    try {
      offset = request.hasNonNull("after") ? Integer.parseInt(request.path("after").asText()) : 0;
    } catch (NumberFormatException e) {
      return error(400, "VALIDATION_ERROR", "after must be a number, got '" + request.path("after").asText() + "'.");
    }
    if (offset + limit > SEARCH_CAP) {
      return error(400, "VALIDATION_ERROR", "There was a problem with the request.");
    }
    JsonNode groupsNode = request.path("filterGroups");
    int total = 0;
    for (JsonNode group : groupsNode) {
      if (group.path("filters").size() > 6) {
        return error(400, "VALIDATION_ERROR", "A filter group may hold at most 6 filters.");
      }
      total += group.path("filters").size();
    }
    if (groupsNode.size() > 5 || total > 18) {
      return error(400, "VALIDATION_ERROR", "At most 5 filter groups and 18 filters in all are allowed.");
    }
    for (JsonNode group : groupsNode) {
      for (JsonNode filter : group.path("filters")) {
        String operator = filter.path("operator").asText("EQ");
        if (!OPERATORS.contains(operator)) {
          return error(400, "VALIDATION_ERROR", "Unknown filter operator '" + operator + "'.");
        }
      }
    }
    String sortName = null;
    boolean descending = false;
    JsonNode sort = request.path("sorts").path(0);
    if (!sort.isMissingNode()) {
      sortName = sort.isTextual() ? sort.asText() : sort.path("propertyName").asText("hs_object_id");
      descending = "DESCENDING".equalsIgnoreCase(sort.path("direction").asText("ASCENDING"));
    }
    if (offset < 0) {
      throw new IndexOutOfBoundsException("fromIndex = " + offset);
    }
    RecordSearch.Found found = new RecordSearch(objects.get(type), groupsNode, sortName, descending)
        .page(offset, limit);
    List<String> wanted = names(request.path("properties"));
    if (wanted.isEmpty()) {
      wanted = defaultProperties(type);
    }
    Set<String> shown = shown(type, wanted);
    ObjectNode body = JSON.createObjectNode();
    body.put("total", found.total());
    ArrayNode results = body.putArray("results");
    for (Record record : found.page()) {
      results.add(object(record, shown));
    }
    if (offset + limit < found.total()) {
      ObjectNode next = body.putObject("paging").putObject("next");
      next.put("after", Integer.toString(offset + limit));
      next.put("link", "?after=" + (offset + limit));
    }
    return new Reply(200, body);
  }

  private static final Set<String> OPERATORS = Set.of("EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN",
      "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN");

  static String value(Record record, String name) {
    return name.equals("hs_object_id") || name.equals("id") ? Long.toString(record.id) : record.properties.get(name);
  }

  static int compareNullable(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return compare(a, b);
  }

  /** Numbers as numbers, dates (ISO or epoch ms) as instants, anything else as text without case. */
  static int compare(String a, String b) {
    OptionalDouble x = number(a);
    OptionalDouble y = number(b);
    if (x.isPresent() && y.isPresent()) {
      return Double.compare(x.getAsDouble(), y.getAsDouble());
    }
    Optional<Long> s = millis(a);
    Optional<Long> t = millis(b);
    if (s.isPresent() && t.isPresent()) {
      return Long.compare(s.get(), t.get());
    }
    return a.compareToIgnoreCase(b);
  }

  static OptionalDouble number(String text) {
    if (!mayBeNumber(text)) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(new BigDecimal(text.strip()).doubleValue());
    } catch (RuntimeException e) {
      return OptionalDouble.empty();
    }
  }

  /** False for a text {@link BigDecimal} certainly refuses (a character no number has): spares the exception. */
  private static boolean mayBeNumber(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isDigit(c) && c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E'
          && !Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
        return false;
      }
    }
    return true;
  }

  static Optional<Long> millis(String text) {
    String value = text.strip();
    if (value.length() != 10 && value.indexOf('T') < 0 && value.indexOf('t') < 0
        && !(!value.isEmpty() && value.chars().allMatch(Character::isDigit))) {
      return Optional.empty(); // neither digits, nor a date, nor an instant (which has its T): spares the exception
    }
    try {
      if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
        return Optional.of(Long.parseLong(value));
      }
      if (value.length() == 10) {
        return Optional.of(LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
      }
      return Optional.of(Instant.parse(value).toEpochMilli());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static List<String> defaultProperties(String type) {
    return switch (type) {
      case "contacts" -> List.of("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname");
      case "companies" -> List.of("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name");
      case "deals" -> List.of("amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate",
          "hs_object_id", "pipeline");
      case "tickets" -> List.of("content", "createdate", "hs_lastmodifieddate", "hs_object_id", "hs_pipeline",
          "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_priority", "subject");
      default -> List.of("hs_createdate", "hs_lastmodifieddate", "hs_object_id");
    };
  }

  /** A record as the CRM API shows it: the properties asked for (null when unset) and the defaults. */
  private static ObjectNode object(String type, Record record, List<String> wanted) {
    return object(record, shown(type, wanted));
  }

  /** The properties a record is shown with: those asked for and the defaults, by name. */
  private static Set<String> shown(String type, List<String> wanted) {
    Set<String> names = new TreeSet<>(wanted);
    names.add("hs_object_id");
    names.add("createdate");
    names.add(modifiedProperty(type));
    return names;
  }

  private static ObjectNode object(Record record, Set<String> names) {
    ObjectNode object = JSON.createObjectNode();
    object.put("id", Long.toString(record.id));
    ObjectNode props = object.putObject("properties");
    for (String name : names) {
      String value = value(record, name);
      if (value == null) {
        props.putNull(name);
      } else {
        props.put(name, value);
      }
    }
    object.put("createdAt", record.createdAt.toString());
    object.put("updatedAt", record.updatedAt.toString());
    object.put("archived", false);
    return object;
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(name -> names.add(name.asText()));
    return names;
  }

  // ================================================================ associations (v4)

  Reply readAssociations(String from, String to, JsonNode request) {
    if (!TYPES.contains(from) || !TYPES.contains(to)) {
      return unknownType(TYPES.contains(from) ? to : from);
    }
    JsonNode inputs = request.path("inputs");
    if (inputs.size() > ASSOCIATION_LIMIT) {
      return error(400, "VALIDATION_ERROR", "At most " + ASSOCIATION_LIMIT + " inputs are allowed, got "
          + inputs.size() + ".");
    }
    Map<Long, NavigableSet<Long>> links = associations.getOrDefault(from + ":" + to, Map.of());
    int typeId = ASSOCIATION_TYPES.getOrDefault(from + ":" + to, 0);
    ObjectNode body = started();
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode input : inputs) {
      String id = input.path("id").asText();
      Long key = parseId(id);
      NavigableSet<Long> all = key == null ? new TreeSet<>() : links.getOrDefault(key, new TreeSet<>());
      Optional<Long> after = afterToken(input.path("after").textValue());
      if (after.isEmpty() && input.hasNonNull("after")) {
        return error(400, "VALIDATION_ERROR", "Invalid input JSON: the after token of " + singular(from) + " "
            + id + " is not one this API handed out.");
      }
      NavigableSet<Long> rest = after.isPresent() ? all.tailSet(after.get(), false) : all;
      List<Long> targets = rest.stream().limit(associationPage).toList();
      if (all.isEmpty()) {
        ObjectNode error = errors.addObject();
        error.put("status", "error");
        error.put("category", "OBJECT_NOT_FOUND");
        error.put("subCategory", "crm.associations.NO_ASSOCIATIONS_FOUND");
        error.putObject("context").putArray("fromObjectId").add(id);
        error.put("message", singular(from) + " " + id + " has no " + to + ".");
        continue;
      }
      ObjectNode result = results.addObject();
      result.putObject("from").put("id", id);
      ArrayNode targetNodes = result.putArray("to");
      for (long target : targets) {
        ObjectNode node = targetNodes.addObject();
        node.put("toObjectId", target);
        ObjectNode type = node.putArray("associationTypes").addObject();
        type.put("category", "HUBSPOT_DEFINED");
        type.put("typeId", typeId);
        type.putNull("label");
      }
      if (rest.size() > targets.size()) {
        // only present when more follow; the deprecated link is left out
        result.putObject("paging").putObject("next").put("after", afterToken(targets.get(targets.size() - 1)));
      }
    }
    return finish(body, errors, 200);
  }

  /** An opaque paging token: the last associated id of the page, Base64-encoded. */
  private static String afterToken(long lastId) {
    return java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("0-" + lastId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static Optional<Long> afterToken(String token) {
    if (token == null) {
      return Optional.empty();
    }
    try {
      String text = new String(java.util.Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.US_ASCII);
      return text.startsWith("0-") ? Optional.of(Long.parseLong(text.substring(2))) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String singular(String type) {
    return type.endsWith("s") ? type.substring(0, type.length() - 1) : type;
  }

  // ================================================================ batch read, update, create

  Reply batchRead(String type, JsonNode request) {
    if (!TYPES.contains(type)) {
      return unknownType(type);
    }
    JsonNode inputs = request.path("inputs");
    if (inputs.size() > BATCH_LIMIT) {
      return tooMany(inputs.size());
    }
    String idProperty = request.path("idProperty").asText("hs_object_id");
    List<String> wanted = names(request.path("properties"));
    if (wanted.isEmpty()) {
      wanted = defaultProperties(type);
    }
    // HubSpot answers no error for a property it does not know: it leaves it out of every record. Only tasks'
    // catalog here holds every property a portal has that the connector reads, so only there is it applied.
    Map<String, ObjectNode> defined = properties.get(type);
    if (type.equals("tasks") && defined != null) {
      wanted = wanted.stream().filter(defined::containsKey).toList();
    }
    ObjectNode body = started();
    ArrayNode results = body.putArray("results");
    List<String> missing = new ArrayList<>();
    for (JsonNode input : inputs) {
      String id = input.path("id").asText();
      Optional<Record> found = idProperty.equals("hs_object_id")
          ? Optional.ofNullable(record(type, id))
          : objects.get(type).records().stream().filter(r -> id.equalsIgnoreCase(r.properties.get(idProperty)))
              .findFirst();
      if (found.isPresent()) {
        results.add(object(type, found.get(), wanted));
      } else {
        missing.add(id);
      }
    }
    ArrayNode errors = JSON.createArrayNode();
    if (!missing.isEmpty()) {
      errors.add(notFound(type, missing));
    }
    return finish(body, errors, 200);
  }

  /**
   * What HubSpot keeps up by itself when a task is saved: the completion date, set when its status becomes
   * COMPLETED and cleared when it is reopened, and the user who changed it (none for a private app's call).
   */
  private void taskSaved(String type, Record record, String statusBefore, Optional<String> userId, Instant now) {
    if (!type.equals("tasks")) {
      return;
    }
    boolean completed = "COMPLETED".equals(record.properties.get("hs_task_status"));
    if (completed && !"COMPLETED".equals(statusBefore)) {
      record.properties.put("hs_task_completion_date", now.toString());
    } else if (!completed) {
      record.properties.remove("hs_task_completion_date");
    }
    if (userId.isPresent()) {
      record.properties.put("hs_updated_by_user_id", userId.get());
    } else {
      record.properties.remove("hs_updated_by_user_id");
    }
  }

  /**
   * {@code PATCH /crm/v3/objects/{type}/{id}}: one record's properties, checked as a batch update checks them;
   * 404 {@code OBJECT_NOT_FOUND} for a record that does not exist (or was archived).
   */
  Reply update(String type, String id, JsonNode request) {
    if (!TYPES.contains(type)) {
      return unknownType(type);
    }
    Record record = record(type, id);
    if (record == null) {
      return error(404, "OBJECT_NOT_FOUND", "resource not found");
    }
    List<ObjectNode> invalid = new ArrayList<>();
    validate(type, request.path("properties"), invalid);
    if (!invalid.isEmpty()) {
      return invalidValues(invalid);
    }
    String statusBefore = record.properties.get("hs_task_status");
    request.path("properties").properties().forEach(entry -> record.properties.put(entry.getKey(),
        entry.getValue().isNull() ? null : entry.getValue().asText()));
    Instant now = now();
    touch(type, record, now);
    taskSaved(type, record, statusBefore, Optional.empty(), now);
    return new Reply(200, object(type, record, names(fieldNames(request.path("properties")))));
  }

  /** {@code DELETE /crm/v3/objects/{type}/{id}}: archives the record (gone from reads and searches); 204 either way. */
  Reply archive(String type, String id) {
    if (!TYPES.contains(type)) {
      return unknownType(type);
    }
    Record record = record(type, id);
    if (record != null) {
      objects.get(type).remove(record);
    }
    return new Reply(204, null);
  }

  /** A user working in HubSpot's own pages saves a task's properties, at the clock's now. */
  void saveTaskAs(String id, Map<String, String> values, String userId) {
    Record record = record("tasks", id);
    if (record == null) {
      throw new IllegalArgumentException("no task " + id);
    }
    String statusBefore = record.properties.get("hs_task_status");
    record.properties.putAll(values);
    Instant now = now();
    touch("tasks", record, now);
    taskSaved("tasks", record, statusBefore, Optional.of(userId), now);
  }

  private static ObjectNode notFound(String type, List<String> ids) {
    ObjectNode error = JSON.createObjectNode();
    error.put("status", "error");
    error.put("category", "OBJECT_NOT_FOUND");
    error.put("message", "Could not get some " + singular(type).toUpperCase(Locale.ROOT)
        + " objects, they may be deleted or not exist.");
    ArrayNode context = error.putObject("context").putArray("ids");
    ids.forEach(context::add);
    return error;
  }

  Reply batchUpdate(String type, JsonNode request) {
    if (!TYPES.contains(type)) {
      return unknownType(type);
    }
    JsonNode inputs = request.path("inputs");
    if (inputs.size() > BATCH_LIMIT) {
      return tooMany(inputs.size());
    }
    Set<String> seen = new LinkedHashSet<>();
    List<ObjectNode> invalid = new ArrayList<>();
    for (JsonNode input : inputs) {
      String id = input.path("id").asText();
      if (!seen.add(id)) {
        return error(400, "VALIDATION_ERROR", "Duplicate IDs found in batch input: [" + id + "]. IDs must be unique");
      }
      validate(type, input.path("properties"), invalid);
    }
    if (!invalid.isEmpty()) {
      return invalidValues(invalid);
    }
    Instant now = now();
    ObjectNode body = started();
    ArrayNode results = body.putArray("results");
    List<String> missing = new ArrayList<>();
    for (JsonNode input : inputs) {
      String id = input.path("id").asText();
      Record record = record(type, id);
      if (record == null) {
        missing.add(id);
        continue;
      }
      String statusBefore = record.properties.get("hs_task_status");
      input.path("properties").properties().forEach(entry -> record.properties.put(entry.getKey(),
          entry.getValue().isNull() ? null : entry.getValue().asText()));
      touch(type, record, now);
      taskSaved(type, record, statusBefore, Optional.empty(), now);
      results.add(object(type, record, names(fieldNames(input.path("properties")))));
    }
    ArrayNode errors = JSON.createArrayNode();
    if (!missing.isEmpty()) {
      errors.add(notFound(type, missing));
    }
    return finish(body, errors, 200);
  }

  private static JsonNode fieldNames(JsonNode object) {
    ArrayNode names = JSON.createArrayNode();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  Reply batchCreate(String type, JsonNode request) {
    if (!TYPES.contains(type)) {
      return unknownType(type);
    }
    JsonNode inputs = request.path("inputs");
    if (inputs.size() > BATCH_LIMIT) {
      return tooMany(inputs.size());
    }
    List<ObjectNode> invalid = new ArrayList<>();
    for (JsonNode input : inputs) {
      validate(type, input.path("properties"), invalid);
      if ((type.equals("tasks") || type.equals("notes")) && !input.path("properties").hasNonNull("hs_timestamp")) {
        invalid.add(problem("REQUIRED_PROPERTY", "hs_timestamp", "hs_timestamp is required"));
      }
    }
    if (!invalid.isEmpty()) {
      return invalidValues(invalid);
    }
    Instant now = now();
    ObjectNode body = started();
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode input : inputs) {
      String trace = input.path("objectWriteTraceId").asText(null);
      List<long[]> links = new ArrayList<>();
      List<String> targets = new ArrayList<>();
      String refused = null;
      for (JsonNode association : input.path("associations")) {
        String toId = association.path("to").path("id").asText();
        for (JsonNode kind : association.path("types")) {
          int typeId = kind.path("associationTypeId").asInt();
          String target = ASSOCIATION_TYPES.entrySet().stream()
              .filter(e -> e.getValue() == typeId && e.getKey().startsWith(type + ":"))
              .map(e -> e.getKey().substring(type.length() + 1)).findFirst().orElse(null);
          if (target == null) {
            refused = "association type " + typeId + " does not go from " + singular(type);
          } else if (record(target, toId) == null) {
            refused = singular(target) + " " + toId + " does not exist";
          } else {
            links.add(new long[] {parseId(toId)});
            targets.add(target);
          }
        }
      }
      if (refused != null) {
        ObjectNode error = errors.addObject();
        error.put("status", "error");
        error.put("category", "VALIDATION_ERROR");
        error.put("message", "Could not create the " + singular(type) + ": " + refused + ".");
        ObjectNode context = error.putObject("context");
        if (trace != null) {
          context.putArray("objectWriteTraceId").add(trace);
        }
        continue;
      }
      Record record = create(type, now, now);
      if (!type.equals("contacts") && !type.equals("companies")) {
        record.properties.put("hs_createdate", now.toString());
      }
      input.path("properties").properties().forEach(entry -> record.properties.put(entry.getKey(),
          entry.getValue().isNull() ? null : entry.getValue().asText()));
      taskSaved(type, record, null, Optional.empty(), now);
      for (int i = 0; i < links.size(); i++) {
        associate(type, record.id, targets.get(i), links.get(i)[0]);
      }
      ObjectNode result = object(type, record, names(fieldNames(input.path("properties"))));
      if (trace != null) {
        result.put("objectWriteTraceId", trace);
      }
      results.add(result);
    }
    return finish(body, errors, 201);
  }

  /** Checks property values against the definitions (contacts and companies, tasks' enumerations). */
  private void validate(String type, JsonNode values, List<ObjectNode> invalid) {
    Map<String, ObjectNode> known = properties.get(type);
    values.properties().forEach(entry -> {
      String name = entry.getKey();
      String value = entry.getValue().isNull() ? "" : entry.getValue().asText();
      if (type.equals("tasks")) {
        Set<String> allowed = switch (name) {
          case "hs_task_status" -> Set.of("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED");
          case "hs_task_priority" -> Set.of("NONE", "LOW", "MEDIUM", "HIGH");
          case "hs_task_type" -> TASK_TYPES;
          default -> null;
        };
        if (allowed != null) {
          if (!allowed.contains(value)) {
            invalid.add(problem("INVALID_OPTION", name, value + " was not one of the allowed options: " + allowed));
          }
          return;
        }
      }
      if (known == null) {
        return;
      }
      ObjectNode definition = known.get(name);
      if (definition == null) {
        invalid.add(problem("PROPERTY_DOESNT_EXIST", name, "Property \"" + name + "\" does not exist"));
        return;
      }
      if (definition.path("modificationMetadata").path("readOnlyValue").asBoolean(false)
          || definition.path("calculated").asBoolean(false)) {
        invalid.add(problem("READ_ONLY_VALUE", name, "\"" + name + "\" is a read only property; its value cannot "
            + "be set."));
        return;
      }
      if (value.isEmpty()) {
        return;
      }
      String kind = definition.path("type").asText();
      String problem = switch (kind) {
        case "number" -> number(value).isPresent() ? null : "INVALID_FLOAT";
        case "date" -> validDate(value) ? null : "INVALID_DATE";
        case "datetime" -> millis(value).isPresent() ? null : "INVALID_DATETIME";
        case "bool" -> value.equals("true") || value.equals("false") ? null : "INVALID_BOOLEAN";
        case "enumeration" -> {
          if (definition.path("externalOptions").asBoolean(false)) {
            yield null;
          }
          Set<String> options = new LinkedHashSet<>();
          definition.path("options").forEach(option -> options.add(option.path("value").asText()));
          boolean ok = true;
          for (String part : value.split(";", -1)) {
            ok &= options.contains(part);
          }
          yield ok ? null : "INVALID_OPTION";
        }
        default -> value.length() > 65_536 ? "INVALID_LONG_STRING" : null;
      };
      if (problem != null) {
        invalid.add(problem(problem, name, problem.equals("INVALID_OPTION")
            ? value + " was not one of the allowed options: " + optionList(definition)
            : value + " is not a valid " + kind + " value for " + name
                + (kind.equals("date") ? " (a date must be midnight UTC)" : "")));
      }
    });
  }

  private static String optionList(ObjectNode definition) {
    List<String> values = new ArrayList<>();
    definition.path("options").forEach(option -> values.add(option.path("value").asText()));
    return values.toString();
  }

  private static boolean validDate(String value) {
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseLong(value) % 86_400_000L == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    try {
      LocalDate.parse(value);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static ObjectNode problem(String code, String name, String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("isValid", false);
    node.put("message", message);
    node.put("error", code);
    node.put("name", name);
    node.put("localizedErrorMessage", message);
    return node;
  }

  private static Reply invalidValues(List<ObjectNode> invalid) {
    ArrayNode list = JSON.createArrayNode();
    invalid.forEach(list::add);
    return error(400, "VALIDATION_ERROR", "Property values were not valid: " + list);
  }

  // ================================================================ pipelines

  Reply pipelines(String type) {
    List<Pipeline> pipelines = switch (type) {
      case "deals" -> DEAL_PIPELINES;
      case "tickets" -> TICKET_PIPELINES;
      default -> null;
    };
    if (pipelines == null) {
      return unknownType(type);
    }
    String created = "2021-05-04T09:12:44.201Z";
    ObjectNode body = JSON.createObjectNode();
    ArrayNode results = body.putArray("results");
    int order = 0;
    for (Pipeline pipeline : pipelines) {
      ObjectNode node = results.addObject();
      node.put("label", pipeline.label());
      node.put("displayOrder", order++);
      node.put("id", pipeline.id());
      ArrayNode stages = node.putArray("stages");
      int stageOrder = 0;
      for (Stage stage : pipeline.stages()) {
        ObjectNode s = stages.addObject();
        s.put("label", stage.label());
        s.put("displayOrder", stageOrder++);
        ObjectNode metadata = s.putObject("metadata");
        if (stage.ticketState() != null) {
          metadata.put("ticketState", stage.ticketState());
        }
        metadata.put("isClosed", Boolean.toString(stage.closed()));
        if (stage.probability() != null) {
          metadata.put("probability", stage.probability());
        }
        s.put("id", stage.id());
        s.put("createdAt", created);
        s.put("updatedAt", created);
        s.put("archived", false);
        s.put("writePermissions", "CRM_PERMISSIONS_ENFORCEMENT");
      }
      node.put("createdAt", created);
      node.put("updatedAt", created);
      node.put("archived", false);
    }
    return new Reply(200, body);
  }

  // ================================================================ properties and groups

  private void catalog() {
    String created = "2019-08-06T02:41:52.112Z";
    Map<String, ObjectNode> contacts = new LinkedHashMap<>();
    define(contacts, standard("email", "Email", "string", "text", "contactinformation", false, created));
    define(contacts, standard("firstname", "First Name", "string", "text", "contactinformation", false, created));
    define(contacts, standard("lastname", "Last Name", "string", "text", "contactinformation", false, created));
    define(contacts, standard("phone", "Phone Number", "string", "phonenumber", "contactinformation", false,
        created));
    define(contacts, options(standard("hs_language", "Preferred language", "enumeration", "select",
        "contactinformation", false, created), "en", "de", "fr", "es", "pt-br"));
    ObjectNode zone = standard("hs_timezone", "Time Zone", "enumeration", "select", "contactinformation", false,
        created);
    List<String> zones = new ArrayList<>();
    ZONES.values().forEach(values -> zones.addAll(List.of(values)));
    define(contacts, options(zone, zones.stream().sorted().toArray(String[]::new)));
    define(contacts, options(standard("hs_email_optout", "Unsubscribed from all email", "enumeration",
        "booleancheckbox", "contactinformation", true, created), "true", "false"));
    define(contacts, standard("hubspot_owner_id", "Contact owner", "enumeration", "select", "contactinformation",
        false, created));
    define(contacts, standard("associatedcompanyid", "Primary Associated Company ID", "number", "number",
        "contactinformation", false, created));
    define(contacts, standard("company", "Company Name", "string", "text", "contactinformation", false, created));
    define(contacts, options(standard("lifecyclestage", "Lifecycle Stage", "enumeration", "radio",
        "contactinformation", false, created), "subscriber", "lead", "customer"));
    define(contacts, standard("createdate", "Create Date", "datetime", "date", "contactinformation", true, created));
    define(contacts, standard("lastmodifieddate", "Last Modified Date", "datetime", "date", "contactinformation",
        true, created));
    define(contacts, standard("hs_object_id", "Record ID", "number", "number", "contactinformation", true, created));
    define(contacts, options(standard("industry", "Industry", "enumeration", "select", "contactinformation", false,
        created), INDUSTRIES));
    define(contacts, options(standard("region", "Region", "enumeration", "select", "contactinformation", false,
        created), REGIONS));
    properties.put("contacts", contacts);
    Map<String, ObjectNode> companies = new LinkedHashMap<>();
    define(companies, standard("name", "Company name", "string", "text", "companyinformation", false, created));
    define(companies, standard("domain", "Company Domain Name", "string", "text", "companyinformation", false,
        created));
    define(companies, options(standard("industry", "Industry", "enumeration", "select", "companyinformation", false,
        created), INDUSTRIES));
    define(companies, options(standard("region", "Region", "enumeration", "select", "companyinformation", false,
        created), REGIONS));
    define(companies, standard("hubspot_owner_id", "Company owner", "enumeration", "select", "companyinformation",
        false, created));
    define(companies, standard("createdate", "Create Date", "datetime", "date", "companyinformation", true,
        created));
    define(companies, standard("hs_lastmodifieddate", "Last Modified Date", "datetime", "date",
        "companyinformation", true, created));
    define(companies, standard("hs_object_id", "Record ID", "number", "number", "companyinformation", true,
        created));
    properties.put("companies", companies);
    // tasks and notes: HubSpot's own properties the connector writes; custom ones (the NPS key) are created
    Map<String, ObjectNode> tasks = new LinkedHashMap<>();
    define(tasks, standard("hs_timestamp", "Due date", "datetime", "date", "task_information", false, created));
    define(tasks, standard("hs_task_subject", "Task Title", "string", "text", "task_information", false, created));
    define(tasks, standard("hs_task_body", "Notes", "string", "html", "task_information", false, created));
    define(tasks, options(standard("hs_task_status", "Task Status", "enumeration", "select", "task_information",
        false, created), "NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"));
    define(tasks, options(standard("hs_task_priority", "Priority", "enumeration", "select", "task_information",
        false, created), "NONE", "LOW", "MEDIUM", "HIGH"));
    define(tasks, options(standard("hs_task_type", "Task Type", "enumeration", "select", "task_information",
        false, created), TASK_TYPES.stream().sorted().toArray(String[]::new)));
    define(tasks, owners(standard("hubspot_owner_id", "Assigned to", "enumeration", "select", "task_information",
        false, created)));
    define(tasks, standard("hs_object_id", "Record ID", "number", "number", "task_information", true, created));
    define(tasks, standard("hs_createdate", "Create date", "datetime", "date", "task_information", true, created));
    define(tasks, standard("hs_lastmodifieddate", "Last Modified Date", "datetime", "date", "task_information",
        true, created));
    // kept by HubSpot itself: when the task was completed, and the user who last changed it
    define(tasks, standard("hs_task_completion_date", "Completed at", "datetime", "date", "task_information", true,
        created));
    define(tasks, standard("hs_updated_by_user_id", "Updated by user ID", "number", "number", "task_information",
        true, created));
    properties.put("tasks", tasks);
    Map<String, ObjectNode> notes = new LinkedHashMap<>();
    define(notes, standard("hs_timestamp", "Activity date", "datetime", "date", "note_information", false, created));
    define(notes, standard("hs_note_body", "Note body", "string", "html", "note_information", false, created));
    define(notes, owners(standard("hubspot_owner_id", "Activity assigned to", "enumeration", "select",
        "note_information", false, created)));
    define(notes, standard("hs_object_id", "Record ID", "number", "number", "note_information", true, created));
    define(notes, standard("hs_createdate", "Create date", "datetime", "date", "note_information", true, created));
    define(notes, standard("hs_lastmodifieddate", "Last Modified Date", "datetime", "date", "note_information",
        true, created));
    properties.put("notes", notes);
    groups.put("tasks", new LinkedHashMap<>(Map.of("task_information", group("task_information",
        "Task information"))));
    groups.put("notes", new LinkedHashMap<>(Map.of("note_information", group("note_information",
        "Note information"))));
    groups.put("contacts", new LinkedHashMap<>(Map.of("contactinformation", group("contactinformation",
        "Contact information"))));
    groups.put("companies", new LinkedHashMap<>(Map.of("companyinformation", group("companyinformation",
        "Company information"))));
  }

  private static void define(Map<String, ObjectNode> catalog, ObjectNode definition) {
    catalog.put(definition.path("name").asText(), definition);
  }

  private static ObjectNode standard(String name, String label, String type, String fieldType, String group,
      boolean readOnly, String created) {
    ObjectNode node = JSON.createObjectNode();
    node.put("updatedAt", created);
    node.put("createdAt", created);
    node.put("name", name);
    node.put("label", label);
    node.put("type", type);
    node.put("fieldType", fieldType);
    node.put("description", "");
    node.put("groupName", group);
    node.putArray("options");
    node.put("displayOrder", -1);
    node.put("calculated", false);
    node.put("externalOptions", false);
    node.put("hasUniqueValue", false);
    node.put("hidden", false);
    node.put("hubspotDefined", true);
    ObjectNode metadata = node.putObject("modificationMetadata");
    metadata.put("archivable", false);
    metadata.put("readOnlyDefinition", true);
    metadata.put("readOnlyValue", readOnly);
    node.put("formField", !readOnly);
    node.put("dataSensitivity", "non_sensitive");
    return node;
  }

  private static ObjectNode options(ObjectNode definition, String... values) {
    ArrayNode options = definition.putArray("options");
    int order = 0;
    for (String value : values) {
      ObjectNode option = options.addObject();
      option.put("label", OPTION_LABELS.getOrDefault(value, value));
      option.put("value", value);
      option.put("displayOrder", order++);
      option.put("hidden", false);
    }
    return definition;
  }

  /** An owner property: its options are the portal's users (external options), not a stored list. */
  private static ObjectNode owners(ObjectNode definition) {
    definition.put("externalOptions", true);
    return definition;
  }

  private static ObjectNode group(String name, String label) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", name);
    node.put("label", label);
    node.put("displayOrder", -1);
    node.put("archived", false);
    return node;
  }

  Reply listProperties(String object) {
    if (!DESCRIBED.contains(object)) {
      return unknownType(object);
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode results = body.putArray("results");
    properties.get(object).values().forEach(definition -> results.add(definition.deepCopy()));
    return new Reply(200, body);
  }

  Reply listGroups(String object) {
    if (!DESCRIBED.contains(object)) {
      return unknownType(object);
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode results = body.putArray("results");
    groups.get(object).values().forEach(group -> results.add(group.deepCopy()));
    return new Reply(200, body);
  }

  Reply createGroup(String object, JsonNode request) {
    if (!DESCRIBED.contains(object)) {
      return unknownType(object);
    }
    String name = request.path("name").asText("");
    if (!PROPERTY_NAME.matcher(name).matches() || request.path("label").asText("").isBlank()) {
      return error(400, "VALIDATION_ERROR", "A property group needs a name (lower case letters, digits and _) "
          + "and a label.");
    }
    if (groups.get(object).containsKey(name)) {
      return error(409, "CONFLICT", "A property group named '" + name + "' already exists.");
    }
    ObjectNode group = group(name, request.path("label").asText());
    groups.get(object).put(name, group);
    return new Reply(201, group.deepCopy());
  }

  Reply createProperties(String object, JsonNode request) {
    if (!DESCRIBED.contains(object)) {
      return unknownType(object);
    }
    JsonNode inputs = request.path("inputs");
    if (inputs.size() > BATCH_LIMIT) {
      return tooMany(inputs.size());
    }
    Map<String, ObjectNode> catalog = properties.get(object);
    String now = now().toString();
    ObjectNode body = started();
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode input : inputs) {
      String name = input.path("name").asText("");
      String type = input.path("type").asText("");
      String problem = null;
      String category = "VALIDATION_ERROR";
      if (!PROPERTY_NAME.matcher(name).matches()) {
        problem = "Property name '" + name + "' is not valid: use lower case letters, digits and _";
      } else if (catalog.containsKey(name)) {
        problem = "Property named '" + name + "' already exists.";
        category = "CONFLICT";
      } else if (!Set.of("string", "number", "date", "datetime", "enumeration", "bool").contains(type)
          || input.path("fieldType").asText("").isEmpty() || input.path("label").asText("").isBlank()) {
        problem = "Property '" + name + "' needs a label, a valid type and a fieldType.";
      } else if (!groups.get(object).containsKey(input.path("groupName").asText(""))) {
        problem = "Property group '" + input.path("groupName").asText("") + "' does not exist.";
      } else if (type.equals("enumeration") && input.path("options").isEmpty()) {
        problem = "An enumeration property needs options.";
      }
      if (problem != null) {
        ObjectNode error = errors.addObject();
        error.put("status", "error");
        error.put("category", category);
        error.put("message", problem);
        error.putObject("context").putArray("name").add(name);
        continue;
      }
      ObjectNode definition = standard(name, input.path("label").asText(), type, input.path("fieldType").asText(),
          input.path("groupName").asText(), false, now);
      definition.put("description", input.path("description").asText(""));
      definition.put("hubspotDefined", false);
      ObjectNode metadata = (ObjectNode) definition.path("modificationMetadata");
      metadata.put("archivable", true);
      metadata.put("readOnlyDefinition", false);
      definition.put("formField", true);
      if (input.has("options")) {
        ArrayNode options = definition.putArray("options");
        int order = 0;
        for (JsonNode option : input.path("options")) {
          ObjectNode copy = options.addObject();
          copy.put("label", option.path("label").asText(option.path("value").asText()));
          copy.put("value", option.path("value").asText());
          copy.put("displayOrder", option.path("displayOrder").asInt(order));
          copy.put("hidden", option.path("hidden").asBoolean(false));
          order++;
        }
      }
      definition.put("createdUserId", "9100231");
      definition.put("updatedUserId", "9100231");
      catalog.put(name, definition);
      results.add(definition.deepCopy());
    }
    return finish(body, errors, 201);
  }

  // ================================================================ communication preferences

  Reply unsubscribeAll(String channel, JsonNode request) {
    if (!"EMAIL".equals(channel)) {
      return error(400, "VALIDATION_ERROR", "channel must be EMAIL, got '" + channel + "'.");
    }
    JsonNode inputs = request.path("inputs");
    if (inputs.size() > BATCH_LIMIT) {
      return tooMany(inputs.size());
    }
    Instant now = now();
    ObjectNode body = started();
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode input : inputs) {
      String address = input.asText("").strip();
      if (!EMAIL.matcher(address).matches()) {
        ObjectNode error = errors.addObject();
        error.put("status", "error");
        error.put("category", "VALIDATION_ERROR");
        error.put("subCategory", "INVALID_EMAIL");
        error.put("message", "Invalid email address");
        error.putObject("context").putArray("subscriberIdString").add(address);
        error.putArray("errors");
        error.putObject("links");
        continue;
      }
      String lower = address.toLowerCase(Locale.ROOT);
      if (unsubscribedLower.add(lower)) {
        unsubscribed.add(lower);
      }
      for (Record contact : objects.get("contacts").records()) {
        if (lower.equalsIgnoreCase(contact.properties.get("email"))
            && !"true".equals(contact.properties.get("hs_email_optout"))) {
          contact.properties.put("hs_email_optout", "true");
          touch("contacts", contact, now);
        }
      }
      ObjectNode status = results.addObject();
      status.put("subscriberIdString", address);
      status.put("wideStatusType", "PORTAL_WIDE");
      status.put("status", "UNSUBSCRIBED");
      status.put("channel", "EMAIL");
      status.put("timestamp", now.toString());
    }
    return finish(body, errors, 200);
  }

  // ================================================================ answers

  private ObjectNode started() {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "COMPLETE");
    return body;
  }

  private Reply finish(ObjectNode body, ArrayNode errors, int okStatus) {
    Instant now = now();
    body.put("startedAt", now.toString());
    body.put("completedAt", now.toString());
    if (errors.isEmpty()) {
      return new Reply(okStatus, body);
    }
    body.put("numErrors", errors.size());
    body.set("errors", errors);
    return new Reply(207, body);
  }

  private static Reply tooMany(int count) {
    return error(400, "VALIDATION_ERROR", "Batch input may hold at most " + BATCH_LIMIT + " inputs, got " + count
        + ".");
  }

  private static Reply unknownType(String type) {
    return error(400, "VALIDATION_ERROR", "Unable to infer object type from: " + type);
  }

  /** HubSpot's error shape; the correlation id is added by the server. */
  static Reply error(int status, String category, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "error");
    body.put("message", message);
    body.put("category", category);
    return new Reply(status, body);
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
