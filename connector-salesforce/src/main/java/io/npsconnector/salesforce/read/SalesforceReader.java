package io.npsconnector.salesforce.read;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sforce.soap.partner.QueryResult;
import com.sforce.ws.bind.XmlObject;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.salesforce.SalesforceSettings;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.EventAttributes;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.salesforce.client.QueryLocatorExpired;
import io.npsconnector.salesforce.client.SalesforceSession;

/**
 * Reads an org's changes one query page per call, in passes (see {@link SalesforceCursor}): contacts
 * changed or deleted ({@code queryAll}, so deleted rows come with {@code IsDeleted = true}), won
 * opportunities ({@code IsWon = true}) with their contact roles, contact roles added to opportunities won
 * earlier (by the role's own {@code SystemModstamp}), and closed cases ({@code IsClosed = true}) with their
 * {@code ContactId}. Every query is {@code ORDER BY SystemModstamp, Id} over a window that ends a little
 * behind now; pages come through {@code queryMore}; an expired locator restarts the query from the last
 * record handed out, dropping what was handed out already.
 *
 * <p>Lower bound of API calls: one call per query page per object with changes (pages of 2,000: 5,000
 * contacts read in 3 calls), and one call per object for a sync with nothing new (4 calls; none on the
 * first sync for contact roles, which the opportunities bring).
 */
public final class SalesforceReader {
  /** The attributes {@link #purchase} and {@link #closedCase} fill, which trigger filters may test. */
  public static final EventAttributes EVENT_ATTRIBUTES = new EventAttributes(Map.of(
      EventKind.PURCHASE, Map.of("amount", EventAttributes.Type.NUMBER, "stage", EventAttributes.Type.TEXT,
          "type", EventAttributes.Type.TEXT, "name", EventAttributes.Type.TEXT, "lead-source", EventAttributes.Type.TEXT,
          "account-id", EventAttributes.Type.TEXT),
      EventKind.SUPPORT, Map.of("status", EventAttributes.Type.TEXT, "priority", EventAttributes.Type.TEXT,
          "type", EventAttributes.Type.TEXT, "reason", EventAttributes.Type.TEXT, "origin", EventAttributes.Type.TEXT,
          "subject", EventAttributes.Type.TEXT, "case-number", EventAttributes.Type.TEXT,
          "account-id", EventAttributes.Type.TEXT)));
  private static final Logger LOG = LoggerFactory.getLogger(SalesforceReader.class);
  static final List<String> OPPORTUNITY_FIELDS = List.of("Id", "Name", "Amount", "StageName", "Type", "LeadSource",
      "CloseDate", "AccountId", "SystemModstamp");
  static final List<String> CASE_FIELDS = List.of("Id", "CaseNumber", "ContactId", "AccountId", "ClosedDate", "Status",
      "Priority", "Type", "Reason", "Origin", "Subject", "SystemModstamp");

  private final SalesforceSession session;
  private final ContactFields contacts;
  private final SalesforceSettings settings;
  private final ZoneId zone;
  private final Clock clock;
  private final String connection;

  public SalesforceReader(SalesforceSession session, ConnectionConfig connection, Clock clock) {
    this.session = session;
    this.contacts = new ContactFields(connection);
    this.settings = connection.settings(SalesforceSettings.class);
    this.zone = connection.timeZone();
    this.clock = clock;
    this.connection = connection.name();
  }

  /** What one query page gave. */
  private record Page(List<Contact> contacts, List<InteractionEvent> events, int records, SalesforceCursor next) {}

  /** Reads the next page after {@code syncCursor}; an idle sync returns the cursor it was given. */
  public synchronized ChangePage read(SyncCursor syncCursor) {
    SalesforceCursor given = SalesforceCursor.decode(syncCursor);
    SalesforceCursor cursor = given;
    int[] calls = {0};
    if (!cursor.passOpen()) {
      long end = clock.instant().minus(settings.windowLag()).getEpochSecond();
      if (cursor.checkpoint() >= 0 && end <= cursor.checkpoint()) {
        return new ChangePage(List.of(), List.of(), syncCursor, false, 0);
      }
      cursor = cursor.open(end);
    }
    while (true) {
      if (cursor.phase().equals(SalesforceCursor.ROLES) && cursor.checkpoint() < 0) {
        cursor = cursor.nextPhase(); // the first pass reads every role with its opportunity
        continue;
      }
      boolean foundBefore = cursor.found();
      Page page = readPhase(cursor, calls);
      SalesforceCursor next = page.next();
      boolean passEnded = !next.passOpen();
      if (page.records() > 0) {
        return new ChangePage(page.contacts(), page.events(), next.encode(), !passEnded, calls[0]);
      }
      if (passEnded) {
        SalesforceCursor result = foundBefore ? next
            : new SalesforceCursor(given.checkpoint(), -1, SalesforceCursor.CONTACTS, -1, null, null, false);
        return new ChangePage(List.of(), List.of(), result.encode(), false, calls[0]);
      }
      if (next.phase().equals(cursor.phase())) {
        return new ChangePage(List.of(), List.of(), next.encode(), true, calls[0]);
      }
      cursor = next; // this object had nothing: on to the next in the same call
    }
  }

  private Page readPhase(SalesforceCursor cursor, int[] calls) {
    QueryResult result;
    SalesforceCursor from = cursor;
    boolean restarted = false;
    if (cursor.locator() != null) {
      try {
        calls[0]++;
        result = session.call("queryMore", "read the next page of " + cursor.phase(),
            partner -> partner.queryMore(cursor.locator()));
      } catch (QueryLocatorExpired e) {
        LOG.info("{}: the query cursor for {} expired; reading again from the last record handed out", connection,
            cursor.phase());
        from = cursor.withoutLocator();
        result = query(from, calls);
        restarted = true;
      }
    } else {
      result = query(cursor, calls);
      restarted = cursor.afterStamp() >= 0;
    }
    List<XmlObject> records = new ArrayList<>(Arrays.asList(result.getRecords()));
    SalesforceCursor position = from;
    if (restarted) {
      records.removeIf(record -> handedOut(position, record));
    }
    String lastId = from.afterId();
    long lastStamp = from.afterStamp();
    if (result.getRecords().length > 0) {
      XmlObject last = result.getRecords()[result.getRecords().length - 1];
      lastId = Records.text(last, "Id").orElse(lastId);
      lastStamp = Records.instant(last, "SystemModstamp").map(Instant::toEpochMilli).orElse(lastStamp);
    }
    List<Contact> read = new ArrayList<>();
    List<InteractionEvent> events = new ArrayList<>();
    switch (from.phase()) {
      case SalesforceCursor.CONTACTS -> records.forEach(record -> read.add(contacts.contact(record)));
      case SalesforceCursor.OPPORTUNITIES -> records.forEach(record -> opportunity(record, calls).ifPresent(events::add));
      case SalesforceCursor.ROLES -> events.addAll(roles(records));
      default -> records.forEach(record -> closedCase(record).ifPresent(events::add));
    }
    boolean done = result.isDone() || result.getQueryLocator() == null;
    SalesforceCursor next = from.page(lastStamp, lastId, done ? null : result.getQueryLocator(), !records.isEmpty());
    return new Page(read, events, records.size(), done ? next.nextPhase() : next);
  }

  /** Whether a record sorts at or before the last one handed out (ORDER BY SystemModstamp, Id). */
  private static boolean handedOut(SalesforceCursor cursor, XmlObject record) {
    long stamp = Records.instant(record, "SystemModstamp").map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
    if (stamp != cursor.afterStamp()) {
      return stamp < cursor.afterStamp();
    }
    String id = Records.text(record, "Id").orElse("");
    return cursor.afterId() != null && id15(id).compareTo(id15(cursor.afterId())) <= 0;
  }

  private static String id15(String id) {
    return id.length() > 15 ? id.substring(0, 15) : id;
  }

  private QueryResult query(SalesforceCursor cursor, int[] calls) {
    String soql = soql(cursor);
    boolean all = cursor.phase().equals(SalesforceCursor.CONTACTS);
    calls[0]++;
    try {
      return session.call(all ? "queryAll" : "query", "read " + cursor.phase() + " changed since the last sync",
          partner -> all ? partner.queryAll(soql) : partner.query(soql));
    } catch (CrmException.Data e) {
      throw namingTheConfiguration(cursor.phase(), e);
    }
  }

  /** The SOQL of one phase's query in the cursor's window, from its keyset position. */
  String soql(SalesforceCursor cursor) {
    List<String> where = new ArrayList<>();
    String select;
    String from;
    boolean primaryOnly = settings.contactRoles() == SalesforceSettings.ContactRoles.PRIMARY;
    switch (cursor.phase()) {
      case SalesforceCursor.CONTACTS -> {
        select = String.join(", ", contacts.select());
        from = "Contact";
      }
      case SalesforceCursor.OPPORTUNITIES -> {
        select = String.join(", ", OPPORTUNITY_FIELDS) + ", (SELECT ContactId, IsPrimary, Role FROM "
            + "OpportunityContactRoles" + (primaryOnly ? " WHERE IsPrimary = true" : "") + " ORDER BY ContactId)";
        from = "Opportunity";
        where.add("IsWon = true");
      }
      case SalesforceCursor.ROLES -> {
        select = "Id, ContactId, IsPrimary, Role, SystemModstamp, OpportunityId, "
            + String.join(", ", OPPORTUNITY_FIELDS.stream().filter(field -> !field.equals("Id"))
                .map(field -> "Opportunity." + field).toList());
        from = "OpportunityContactRole";
        where.add("Opportunity.IsWon = true");
        // opportunities changed in this window or later bring their roles themselves
        where.add("Opportunity.SystemModstamp < " + Soql.dateTime(Instant.ofEpochSecond(cursor.checkpoint())));
        if (primaryOnly) {
          where.add("IsPrimary = true");
        }
      }
      default -> {
        select = String.join(", ", CASE_FIELDS);
        from = "Case";
        where.add("IsClosed = true");
        where.add("ContactId != null");
      }
    }
    if (cursor.checkpoint() >= 0) {
      where.add("SystemModstamp >= " + Soql.dateTime(Instant.ofEpochSecond(cursor.checkpoint())));
    }
    where.add("SystemModstamp < " + Soql.dateTime(Instant.ofEpochSecond(cursor.to())));
    if (cursor.afterStamp() >= 0) {
      where.add("SystemModstamp >= " + Soql.dateTime(Instant.ofEpochMilli(cursor.afterStamp())));
    }
    return "SELECT " + select + " FROM " + from + " WHERE " + String.join(" AND ", where)
        + " ORDER BY SystemModstamp, Id";
  }

  private Optional<InteractionEvent> opportunity(XmlObject record, int[] calls) {
    String id = Records.text(record, "Id").orElseThrow();
    LinkedHashSet<String> contactIds = new LinkedHashSet<>();
    List<XmlObject> roles = new ArrayList<>(Records.subRecords(record, "OpportunityContactRoles"));
    Optional<String> more = Records.subLocator(record, "OpportunityContactRoles");
    while (more.isPresent()) {
      String locator = more.get();
      calls[0]++;
      QueryResult page = session.call("queryMore", "read more contact roles of opportunity " + id,
          partner -> partner.queryMore(locator));
      roles.addAll(Arrays.asList(page.getRecords()));
      more = page.isDone() ? Optional.empty() : Optional.ofNullable(page.getQueryLocator());
    }
    for (XmlObject role : roles) {
      if (settings.contactRoles() == SalesforceSettings.ContactRoles.ALL || Records.flag(role, "IsPrimary")) {
        Records.text(role, "ContactId").ifPresent(contactIds::add);
      }
    }
    if (contactIds.isEmpty()) {
      LOG.debug("{}: opportunity {} has no {} contact role; nobody to survey", connection, id,
          settings.contactRoles() == SalesforceSettings.ContactRoles.ALL ? "" : "primary");
      return Optional.empty();
    }
    return Optional.of(purchase(id, record, "", List.copyOf(contactIds)));
  }

  /** Roles added to opportunities won earlier, one event per opportunity with the roles' contacts. */
  private List<InteractionEvent> roles(List<XmlObject> records) {
    Map<String, LinkedHashSet<String>> contactsOf = new LinkedHashMap<>();
    Map<String, XmlObject> opportunityOf = new LinkedHashMap<>();
    for (XmlObject role : records) {
      Optional<String> opportunity = Records.text(role, "OpportunityId");
      Optional<String> contact = Records.text(role, "ContactId");
      if (opportunity.isEmpty() || contact.isEmpty()) {
        continue;
      }
      contactsOf.computeIfAbsent(opportunity.get(), key -> new LinkedHashSet<>()).add(contact.get());
      opportunityOf.putIfAbsent(opportunity.get(), role);
    }
    List<InteractionEvent> events = new ArrayList<>();
    contactsOf.forEach((opportunity, ids) ->
        events.add(purchase(opportunity, opportunityOf.get(opportunity), "Opportunity.", List.copyOf(ids))));
    return events;
  }

  /**
   * A won opportunity. It happened when it was last changed, if that was on or before its close date
   * (an opportunity is usually marked won on the day), else at the end of its close date in the
   * connection's time zone (won opportunities edited later, or read the first time long after).
   */
  private InteractionEvent purchase(String id, XmlObject record, String prefix, List<String> contactIds) {
    Optional<Instant> changed = Records.instant(record, prefix + "SystemModstamp");
    Optional<LocalDate> closeDate = Records.date(record, prefix + "CloseDate");
    Instant occurred;
    if (closeDate.isPresent()) {
      Instant endOfCloseDay = closeDate.get().plusDays(1).atStartOfDay(zone).toInstant().minusSeconds(1);
      occurred = changed.filter(time -> time.isBefore(endOfCloseDay)).orElse(endOfCloseDay);
    } else {
      occurred = changed.orElse(clock.instant());
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    put(attributes, "amount", record, prefix + "Amount");
    put(attributes, "stage", record, prefix + "StageName");
    put(attributes, "type", record, prefix + "Type");
    put(attributes, "name", record, prefix + "Name");
    put(attributes, "lead-source", record, prefix + "LeadSource");
    put(attributes, "account-id", record, prefix + "AccountId");
    return new InteractionEvent(id, EventKind.PURCHASE, occurred, contactIds, attributes);
  }

  private Optional<InteractionEvent> closedCase(XmlObject record) {
    String id = Records.text(record, "Id").orElseThrow();
    Optional<String> contact = Records.text(record, "ContactId");
    if (contact.isEmpty()) {
      return Optional.empty();
    }
    Instant occurred = Records.instant(record, "ClosedDate")
        .or(() -> Records.instant(record, "SystemModstamp")).orElse(clock.instant());
    Map<String, String> attributes = new LinkedHashMap<>();
    put(attributes, "status", record, "Status");
    put(attributes, "priority", record, "Priority");
    put(attributes, "type", record, "Type");
    put(attributes, "reason", record, "Reason");
    put(attributes, "origin", record, "Origin");
    put(attributes, "subject", record, "Subject");
    put(attributes, "case-number", record, "CaseNumber");
    put(attributes, "account-id", record, "AccountId");
    return Optional.of(new InteractionEvent(id, EventKind.SUPPORT, occurred, List.of(contact.get()), attributes));
  }

  private static void put(Map<String, String> attributes, String name, XmlObject record, String path) {
    Records.text(record, path).ifPresent(value -> attributes.put(name, value));
  }

  /** An unknown field in a contact read is almost always a configured one: name its key. */
  private CrmException namingTheConfiguration(String phase, CrmException.Data e) {
    if (!phase.equals(SalesforceCursor.CONTACTS)
        || !(e.vendorCode().equals("INVALID_FIELD") || e.vendorCode().equals("INVALID_TYPE"))) {
      return e;
    }
    for (Map.Entry<String, String> configured : contacts.configuredPaths().entrySet()) {
      String path = configured.getKey();
      String first = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
      String last = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
      String message = e.getMessage();
      if (message.contains("'" + path + "'") || message.contains("'" + first + "'") || message.contains("'" + last + "'")) {
        return new CrmException.Data(connection, e.operation(), e.vendorCode(), configured.getValue() + " names '"
            + path + "', which Contact does not have or the integration user cannot read; fix the configuration or "
            + "the field-level security (Salesforce said: " + e.getMessage().substring(e.getMessage().indexOf(": ",
            connection.length() + 2) + 2) + ")", e);
      }
    }
    return e;
  }
}
