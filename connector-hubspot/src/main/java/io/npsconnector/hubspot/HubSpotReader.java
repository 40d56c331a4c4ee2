package io.npsconnector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.EventAttributes;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.hubspot.client.Budget;
import io.npsconnector.hubspot.client.HubSpotApiException;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.mapping.ContactMapping;
import io.npsconnector.hubspot.mapping.HubSpotCursor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a HubSpot portal's changes one page per call: contacts modified since the last sync, then won
 * deals, then closed tickets, each with the contacts associated to it.
 *
 * <p>Each type is read in a window fixed when its read starts ({@code modified >= checkpoint - overlap}
 * and {@code <= now}), sorted by {@code hs_object_id}; each page after the first asks for
 * {@code hs_object_id > last id read} (a keyset, never an offset), so any number of records sharing one
 * timestamp are read once, the search's 10,000-result cap is never reached, and a record that changes
 * (and so leaves the window) while the window is read moves no other record out of its page. The checkpoint moves to the window's end only when the window is read to its
 * end. "Won" and "closed" are read from the pipelines, never assumed.
 *
 * <p>Read once: the overlap ({@link #OVERLAP}) is there for changes HubSpot's search index shows late,
 * not to hand the same change over twice. Each window remembers the records it read in its last
 * {@link #OVERLAP} (id and modified time, in the cursor); the next window, which searches that stretch
 * again, passes over those whose modified time is unchanged: they become no contact, no event and no
 * association read. A change made while a window is read is modified after the window's end and falls in
 * the next one. The assumption: a change is in the search index within {@link #OVERLAP} of its modified
 * time (HubSpot's index lags by seconds), clock skew between HubSpot and us included.
 *
 * <p>A deal or ticket's contacts are read through v4 association batch reads, following each record's
 * {@code paging.next.after} until its last contact. Associating a contact later moves no modified date, so
 * a record won or closed without any contact waits in the cursor (at most {@value #MAX_WAITING} per type,
 * for {@link #WAIT_FOR_CONTACTS}); its associations are read again at most every
 * {@link #RECHECK_WAITING}, and it becomes an event once it has a contact and is still won or closed.
 *
 * <p>Lower bound of API calls: one search per type with changes per 200 records, one association read
 * per page of deals or tickets (and one more per page of associations past a record's first), and the
 * two pipeline reads once an hour; an incremental sync with nothing new costs one search per object type,
 * and one association read per type when records wait for their contacts and are due a check.
 */
public final class HubSpotReader {
  /** The attributes {@link #deal} and {@link #ticket} fill, which trigger filters may test. */
  static final EventAttributes EVENT_ATTRIBUTES = new EventAttributes(Map.of(
      EventKind.PURCHASE, Map.of("amount", EventAttributes.Type.NUMBER, "pipeline", EventAttributes.Type.TEXT,
          "dealstage", EventAttributes.Type.TEXT, "dealname", EventAttributes.Type.TEXT,
          "dealtype", EventAttributes.Type.TEXT),
      EventKind.SUPPORT, Map.of("pipeline", EventAttributes.Type.TEXT, "stage", EventAttributes.Type.TEXT,
          "priority", EventAttributes.Type.TEXT, "category", EventAttributes.Type.TEXT,
          "subject", EventAttributes.Type.TEXT)));
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotReader.class);
  /** The search API's largest page. */
  static final int PAGE = 200;
  /**
   * Search this much before the checkpoint again: new writes reach the search index with a short lag
   * (seconds). Records the previous window already read there are passed over (see the class comment).
   */
  static final Duration OVERLAP = Duration.ofMinutes(2);
  static final Duration PIPELINES_FRESH_FOR = Duration.ofHours(1);
  static final String NO_ASSOCIATIONS = "crm.associations.NO_ASSOCIATIONS_FOUND";
  /** Ids per v4 association batch read. */
  static final int ASSOCIATION_BATCH = 1000;
  /** Ids per batch read of objects. */
  static final int READ_BATCH = 100;
  /** Records without contacts waiting per type; one batch read of objects holds them all. */
  static final int MAX_WAITING = 100;
  /** How long after its win or close a record without contacts is still worth waiting for. */
  static final Duration WAIT_FOR_CONTACTS = Duration.ofDays(30);
  static final Duration RECHECK_WAITING = Duration.ofMinutes(15);
  static final List<String> DEAL_PROPERTIES = List.of("dealname", "amount", "pipeline", "dealstage", "closedate",
      "dealtype", "hs_lastmodifieddate");
  static final List<String> TICKET_PROPERTIES = List.of("subject", "hs_pipeline", "hs_pipeline_stage",
      "hs_ticket_priority", "hs_ticket_category", "closed_date", "hs_lastmodifieddate");

  private final HubSpotClient client;
  private final String connection;
  private final ContactMapping contacts;
  private final Clock clock;
  private final int pageSize;
  private Stages stages;

  public HubSpotReader(HubSpotClient client, ConnectionConfig connection, Clock clock) {
    this(client, connection, clock, PAGE);
  }

  /** @param pageSize records per search page, at most {@value #PAGE} (smaller in tests) */
  HubSpotReader(HubSpotClient client, ConnectionConfig connection, Clock clock, int pageSize) {
    if (pageSize < 1 || pageSize > PAGE) {
      throw new IllegalArgumentException("pageSize must be from 1 to " + PAGE + ", got " + pageSize);
    }
    this.pageSize = pageSize;
    this.client = client;
    this.connection = connection.name();
    this.contacts = new ContactMapping(connection);
    this.clock = clock;
  }

  /** Won deal stages and closed ticket stages, read from the pipelines. */
  record Stages(Set<String> wonDealStages, Set<String> closedTicketStages, Instant readAt) {}

  /**
   * Reads the next page after {@code syncCursor}; see the class comment for the order. A type whose
   * window holds nothing new is passed over within the same call, so an incremental sync with nothing
   * new is one call that returns the cursor it was given.
   */
  public synchronized ChangePage read(SyncCursor syncCursor) {
    HubSpotCursor cursor = HubSpotCursor.decode(syncCursor);
    int[] calls = {0};
    try {
      while (true) {
        if (!cursor.windowOpen()) {
          long to = clock.instant().toEpochMilli();
          long checkpoint = cursor.checkpoint(cursor.phase());
          cursor = cursor.open(checkpoint == 0 ? 0 : Math.max(0, checkpoint - OVERLAP.toMillis()), to);
        }
        ChangePage page = switch (cursor.phase()) {
          case HubSpotCursor.CONTACTS -> readContacts(cursor, calls);
          case HubSpotCursor.DEALS -> readEvents(cursor, calls, EventKind.PURCHASE);
          default -> readEvents(cursor, calls, EventKind.SUPPORT);
        };
        HubSpotCursor next = HubSpotCursor.decode(page.next());
        boolean empty = page.contacts().isEmpty() && page.events().isEmpty();
        if (!empty || !page.hasMore() || next.windowOpen()) {
          return page;
        }
        cursor = next; // this type had nothing: go on to the next in the same call
      }
    } catch (HubSpotApiException e) {
      throw HubSpotErrors.crmException(connection, e);
    }
  }

  private ChangePage readContacts(HubSpotCursor cursor, int[] calls) {
    JsonNode page = search("contacts", ContactMapping.MODIFIED, cursor, List.of(), contacts.properties(), calls);
    List<Contact> read = new ArrayList<>();
    Map<String, Long> modified = new LinkedHashMap<>();
    for (JsonNode object : page.path("results")) {
      Contact contact = contacts.contact(object);
      long at = contact.modifiedAt().toEpochMilli();
      modified.put(contact.crmId(), at);
      if (!cursor.readBefore(contact.crmId(), at)) {
        read.add(contact);
      }
    }
    return next(cursor.remember(modified, OVERLAP.toMillis()), page, read, List.of(), calls[0], HubSpotCursor.DEALS);
  }

  private ChangePage readEvents(HubSpotCursor cursor, int[] calls, EventKind kind) {
    boolean deals = kind == EventKind.PURCHASE;
    Stages known = stages(calls);
    Set<String> wanted = deals ? known.wonDealStages() : known.closedTicketStages();
    String nextPhase = deals ? HubSpotCursor.TICKETS : HubSpotCursor.CONTACTS;
    if (wanted.isEmpty()) {
      LOG.warn("{}: no {} stage in any {} pipeline; no {} events are read", connection, deals ? "won" : "closed",
          deals ? "deal" : "ticket", kind.id());
      HubSpotCursor skipped = cursor.skipTo(nextPhase);
      if (nextPhase.equals(HubSpotCursor.CONTACTS)) {
        return new ChangePage(List.of(), List.of(), skipped.encode(), false, calls[0]);
      }
      return new ChangePage(List.of(), List.of(), skipped.encode(), !nextPhase.equals(HubSpotCursor.CONTACTS),
          calls[0]);
    }
    String type = deals ? "deals" : "tickets";
    long now = clock.instant().toEpochMilli();
    Map<String, Long> waiting = new TreeMap<>(cursor.waiting(type).ids());
    long checkedAt = cursor.waiting(type).checkedAt();
    List<InteractionEvent> events = new ArrayList<>();
    if (cursor.firstPage() && !waiting.isEmpty() && now - checkedAt >= RECHECK_WAITING.toMillis()) {
      events.addAll(contactsFound(kind, wanted, waiting, calls));
      checkedAt = now;
    }
    Map<String, Object> stageFilter = Map.of("propertyName", deals ? "dealstage" : "hs_pipeline_stage",
        "operator", "IN", "values", List.copyOf(wanted));
    JsonNode page = search(type, "hs_lastmodifieddate", cursor, List.of(stageFilter),
        deals ? DEAL_PROPERTIES : TICKET_PROPERTIES, calls);
    List<JsonNode> objects = new ArrayList<>();
    Map<String, Long> modified = new LinkedHashMap<>();
    for (JsonNode object : page.path("results")) {
      String id = object.path("id").asText();
      Optional<Instant> at = ContactMapping.instant(ContactMapping.text(object.path("properties"),
          "hs_lastmodifieddate"));
      at.ifPresent(instant -> modified.put(id, instant.toEpochMilli()));
      if (at.isEmpty() || !cursor.readBefore(id, at.get().toEpochMilli())) {
        objects.add(object); // passed over when the last window read it, unchanged: no second event
      }
    }
    Map<String, List<String>> contactsOf = associations(type, ids(objects), calls);
    for (JsonNode object : objects) {
      String id = object.path("id").asText();
      List<String> contactIds = contactsOf.getOrDefault(id, List.of());
      InteractionEvent event = deals ? deal(object, contactIds) : ticket(object, contactIds);
      if (!contactIds.isEmpty()) {
        waiting.remove(id);
        events.add(event);
      } else if (event.occurredAt().toEpochMilli() > now - WAIT_FOR_CONTACTS.toMillis()) {
        LOG.debug("{}: {} {} has no contacts yet; its associations are read again later", connection, type, id);
        checkedAt = waiting.isEmpty() ? now : checkedAt;
        waiting.put(id, event.occurredAt().getEpochSecond());
      }
    }
    HubSpotCursor.Waiting still = new HubSpotCursor.Waiting(stillWorthWaiting(type, waiting, now), checkedAt);
    return next(cursor.waiting(type, still).remember(modified, OVERLAP.toMillis()), page, List.of(), events, calls[0], nextPhase);
  }

  /** Drops records past {@link #WAIT_FOR_CONTACTS}, then the oldest beyond {@link #MAX_WAITING}. */
  private Map<String, Long> stillWorthWaiting(String type, Map<String, Long> waiting, long now) {
    long horizon = (now - WAIT_FOR_CONTACTS.toMillis()) / 1000;
    waiting.values().removeIf(occurred -> occurred <= horizon);
    if (waiting.size() > MAX_WAITING) {
      List<String> oldestFirst = waiting.entrySet().stream().sorted(Map.Entry.comparingByValue())
          .map(Map.Entry::getKey).toList();
      List<String> dropped = oldestFirst.subList(0, waiting.size() - MAX_WAITING);
      LOG.warn("{}: {} won or closed {} have no contacts; the oldest {} are no longer waited for (a contact "
          + "associated to them later is not surveyed): {}", connection, waiting.size(), type, dropped.size(),
          dropped);
      dropped.forEach(waiting::remove);
    }
    return waiting;
  }

  /**
   * Reads the associations of the records waiting for contacts; those that have some now, and are still
   * won or closed, become events. Found records stop waiting.
   */
  private List<InteractionEvent> contactsFound(EventKind kind, Set<String> wanted, Map<String, Long> waiting,
      int[] calls) {
    boolean deals = kind == EventKind.PURCHASE;
    String type = deals ? "deals" : "tickets";
    Map<String, List<String>> contactsOf = associations(type, List.copyOf(waiting.keySet()), calls);
    List<String> found = waiting.keySet().stream().filter(id -> !contactsOf.getOrDefault(id, List.of()).isEmpty())
        .toList();
    found.forEach(waiting::remove);
    List<InteractionEvent> events = new ArrayList<>();
    for (JsonNode object : objects(kind, found, wanted, "read " + type + " whose contacts were added", calls)) {
      String id = object.path("id").asText();
      events.add(deals ? deal(object, contactsOf.get(id)) : ticket(object, contactsOf.get(id)));
    }
    return events;
  }

  /** Batch reads of up to {@value #READ_BATCH} records by id, keeping those now in a {@code wanted} stage. */
  private List<JsonNode> objects(EventKind kind, List<String> ids, Set<String> wanted, String operation,
      int[] calls) {
    boolean deals = kind == EventKind.PURCHASE;
    String type = deals ? "deals" : "tickets";
    String stageProperty = deals ? "dealstage" : "hs_pipeline_stage";
    List<JsonNode> objects = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += READ_BATCH) {
      List<Map<String, String>> inputs = ids.subList(from, Math.min(ids.size(), from + READ_BATCH)).stream()
          .map(id -> Map.of("id", id)).toList();
      calls[0]++;
      JsonNode answer = client.post(operation, "/crm/v3/objects/" + type + "/batch/read",
          Map.of("inputs", inputs, "properties", deals ? DEAL_PROPERTIES : TICKET_PROPERTIES), Budget.STANDARD)
          .body();
      for (JsonNode object : answer.path("results")) {
        if (ContactMapping.text(object.path("properties"), stageProperty).filter(wanted::contains).isPresent()) {
          objects.add(object);
        }
      }
    }
    return objects;
  }

  private static List<String> ids(List<JsonNode> objects) {
    return objects.stream().map(object -> object.path("id").asText()).toList();
  }

  /**
   * The events of deals or tickets HubSpot reported by id (a webhook): each record is read (batch reads
   * of up to 100), kept only when it is now in a won or closed stage, and given its contacts.
   */
  public synchronized List<InteractionEvent> events(EventKind kind, List<String> ids) {
    boolean deals = kind == EventKind.PURCHASE;
    String type = deals ? "deals" : "tickets";
    int[] calls = {0};
    try {
      Stages known = stages(calls);
      Set<String> wanted = deals ? known.wonDealStages() : known.closedTicketStages();
      List<JsonNode> objects = objects(kind, List.copyOf(new LinkedHashSet<>(ids)), wanted,
          "read " + type + " named by a webhook", calls);
      Map<String, List<String>> contactsOf = associations(type, ids(objects), calls);
      List<InteractionEvent> events = new ArrayList<>();
      for (JsonNode object : objects) {
        List<String> contactIds = contactsOf.getOrDefault(object.path("id").asText(), List.of());
        if (!contactIds.isEmpty()) {
          events.add(deals ? deal(object, contactIds) : ticket(object, contactIds));
        }
      }
      return events;
    } catch (HubSpotApiException e) {
      throw HubSpotErrors.crmException(connection, e);
    }
  }

  /** The page after this one: the next offset, a keyset restart before the cap, or the next type. */
  private ChangePage next(HubSpotCursor cursor, JsonNode page, List<Contact> read, List<InteractionEvent> events,
      int calls, String nextPhase) {
    JsonNode results = page.path("results");
    boolean anything = results.size() > 0;
    Optional<String> after = Optional.ofNullable(page.path("paging").path("next").path("after").textValue());
    HubSpotCursor next;
    if (after.isPresent() && anything) {
      // every page starts after the last id read (a keyset), never at an offset: a record read earlier that
      // changes while the window is read leaves the window, which would move every later offset by one and
      // skip a record; and the search's 10,000-result cap is never reached
      long lastId = results.get(results.size() - 1).path("id").asLong();
      next = cursor.page(lastId, 0, true);
    } else {
      next = cursor.complete(nextPhase, anything);
    }
    boolean passDone = !next.windowOpen() && nextPhase.equals(HubSpotCursor.CONTACTS);
    return new ChangePage(read, events, next.encode(), !passDone, calls);
  }

  private JsonNode search(String type, String modified, HubSpotCursor cursor, List<Map<String, Object>> extra,
      List<String> properties, int[] calls) {
    List<Map<String, Object>> filters = new ArrayList<>();
    filters.add(Map.of("propertyName", modified, "operator", "GTE", "value", Long.toString(cursor.from())));
    filters.add(Map.of("propertyName", modified, "operator", "LTE", "value", Long.toString(cursor.to())));
    if (cursor.afterId() > 0) {
      filters.add(Map.of("propertyName", "hs_object_id", "operator", "GT", "value",
          Long.toString(cursor.afterId())));
    }
    filters.addAll(extra);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("filterGroups", List.of(Map.of("filters", filters)));
    body.put("sorts", List.of(Map.of("propertyName", "hs_object_id", "direction", "ASCENDING")));
    body.put("properties", properties);
    body.put("limit", pageSize);
    if (cursor.offset() > 0) {
      body.put("after", Integer.toString(cursor.offset()));
    }
    calls[0]++;
    return client.post("search " + type + " changed since the last sync", "/crm/v3/objects/" + type + "/search",
        body, Budget.SEARCH).body();
  }

  /**
   * The contacts of each record, through v4 association batch reads of up to {@value #ASSOCIATION_BATCH}
   * inputs. A result holds one page of a record's associations; while its {@code paging.next.after} is
   * there, the record is asked again with that {@code after}, batched with the others that have more.
   */
  private Map<String, List<String>> associations(String type, List<String> ids, int[] calls) {
    Map<String, LinkedHashSet<String>> contactsOf = new LinkedHashMap<>();
    Set<String> asked = new HashSet<>();
    List<Map<String, String>> pending = ids.stream().map(id -> Map.of("id", id)).toList();
    while (!pending.isEmpty()) {
      List<Map<String, String>> more = new ArrayList<>();
      for (int from = 0; from < pending.size(); from += ASSOCIATION_BATCH) {
        List<Map<String, String>> inputs = pending.subList(from, Math.min(pending.size(), from + ASSOCIATION_BATCH));
        calls[0]++;
        JsonNode answer = client.post("read the contacts of " + type, "/crm/v4/associations/" + type
            + "/contacts/batch/read", Map.of("inputs", inputs), Budget.STANDARD).body();
        for (JsonNode result : answer.path("results")) {
          String id = result.path("from").path("id").asText();
          LinkedHashSet<String> contacts = contactsOf.computeIfAbsent(id, key -> new LinkedHashSet<>());
          result.path("to").forEach(to -> contacts.add(to.path("toObjectId").asText())); // a number in the JSON
          String after = result.path("paging").path("next").path("after").textValue();
          // a token handed out twice would loop: each (record, after) is asked once
          if (after != null && asked.add(id + " " + after)) {
            more.add(Map.of("id", id, "after", after));
          }
        }
        for (JsonNode error : answer.path("errors")) {
          if (!NO_ASSOCIATIONS.equals(error.path("subCategory").asText())) {
            LOG.warn("{}: reading the contacts of {} failed in part: {} {}", connection, type,
                error.path("category").asText(), error.path("message").asText());
          }
        }
      }
      pending = more;
    }
    Map<String, List<String>> lists = new LinkedHashMap<>();
    contactsOf.forEach((id, contacts) -> lists.put(id, List.copyOf(contacts)));
    return lists;
  }

  private InteractionEvent deal(JsonNode object, List<String> contactIds) {
    JsonNode properties = object.path("properties");
    Instant occurred = ContactMapping.instant(ContactMapping.text(properties, "closedate"))
        .or(() -> ContactMapping.instant(ContactMapping.text(properties, "hs_lastmodifieddate")))
        .orElse(clock.instant());
    Map<String, String> attributes = new LinkedHashMap<>();
    for (String name : EVENT_ATTRIBUTES.of(EventKind.PURCHASE).orElseThrow().keySet()) {
      ContactMapping.text(properties, name).ifPresent(value -> attributes.put(name, value));
    }
    return new InteractionEvent(object.path("id").asText(), EventKind.PURCHASE, occurred, contactIds, attributes);
  }

  private InteractionEvent ticket(JsonNode object, List<String> contactIds) {
    JsonNode properties = object.path("properties");
    Instant occurred = ContactMapping.instant(ContactMapping.text(properties, "closed_date"))
        .or(() -> ContactMapping.instant(ContactMapping.text(properties, "hs_lastmodifieddate")))
        .orElse(clock.instant());
    Map<String, String> attributes = new LinkedHashMap<>();
    ContactMapping.text(properties, "hs_pipeline").ifPresent(value -> attributes.put("pipeline", value));
    ContactMapping.text(properties, "hs_pipeline_stage").ifPresent(value -> attributes.put("stage", value));
    ContactMapping.text(properties, "hs_ticket_priority").ifPresent(value -> attributes.put("priority", value));
    ContactMapping.text(properties, "hs_ticket_category").ifPresent(value -> attributes.put("category", value));
    ContactMapping.text(properties, "subject").ifPresent(value -> attributes.put("subject", value));
    return new InteractionEvent(object.path("id").asText(), EventKind.SUPPORT, occurred, contactIds, attributes);
  }

  /** The stages that count, read from the pipelines at most once an hour. */
  private Stages stages(int[] calls) {
    if (stages != null && stages.readAt().plus(PIPELINES_FRESH_FOR).isAfter(clock.instant())) {
      return stages;
    }
    calls[0] += 2;
    JsonNode deals = client.get("read the deal pipelines", "/crm/v3/pipelines/deals", Map.of(), Budget.STANDARD)
        .body();
    JsonNode tickets = client.get("read the ticket pipelines", "/crm/v3/pipelines/tickets", Map.of(),
        Budget.STANDARD).body();
    stages = new Stages(stageIds(deals, stage -> "1.0".equals(number(stage.path("metadata").path("probability")))),
        stageIds(tickets, stage -> "CLOSED".equalsIgnoreCase(stage.path("metadata").path("ticketState").asText())),
        clock.instant());
    return stages;
  }

  /** HubSpot writes the probability as "1.0"; accept "1" too. */
  private static String number(JsonNode value) {
    try {
      return Double.parseDouble(value.asText()) == 1.0 ? "1.0" : value.asText();
    } catch (NumberFormatException e) {
      return value.asText();
    }
  }

  private static Set<String> stageIds(JsonNode pipelines, java.util.function.Predicate<JsonNode> counts) {
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode pipeline : pipelines.path("results")) {
      if (pipeline.path("archived").asBoolean(false)) {
        continue;
      }
      for (JsonNode stage : pipeline.path("stages")) {
        if (!stage.path("archived").asBoolean(false) && counts.test(stage)) {
          ids.add(stage.path("id").asText());
        }
      }
    }
    return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(ids));
  }
}
