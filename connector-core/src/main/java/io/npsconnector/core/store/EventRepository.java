package io.npsconnector.core.store;

import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Interaction events and the contacts each concerns. Internal to the engine. */
public final class EventRepository {
  private final Jdbi jdbi;

  public EventRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** An event stored under its own id, as the trigger pass sees it for one contact. */
  public record StoredEvent(long id, InteractionEvent event) {}

  /**
   * Stores an event once per connection, kind and CRM id, and each of its contacts once; reading the
   * same event again (a repeated sync) adds only contacts it did not have.
   *
   * @return the event's id
   */
  public long upsert(Handle handle, String connection, InteractionEvent event, Instant now) {
    upsertAll(handle, connection, List.of(event), now);
    return handle.createQuery("SELECT id FROM events WHERE connection = :connection AND kind = :kind "
            + "AND crm_id = :crmId")
        .bind("connection", connection).bind("kind", event.kind().name()).bind("crmId", event.crmId())
        .mapTo(Long.class).one();
  }

  /**
   * As {@link #upsert} for a page of events, whatever the page's size in a few statements: on H2 a look-up of the
   * events stored before, one batched insert of the others and a look-up of their ids, then the pairs of event and
   * contact in one batched insert for the new events and one for the others; on PostgreSQL one statement
   * ({@link PostgresPages#insertEvents}). An event or pair already stored is left as it is; an event given twice
   * in one page is stored as its first copy, with the contacts of every copy.
   */
  public void upsertAll(Handle handle, String connection, List<InteractionEvent> events, Instant now) {
    if (events.isEmpty()) {
      return;
    }
    if (Sql.postgres(handle)) {
      PostgresPages.insertEvents(handle, connection, events, now);
      return;
    }
    // the page's events by key, their copies in page order: the first copy is the one stored, every copy's contacts
    Map<String, List<InteractionEvent>> copies = new java.util.LinkedHashMap<>();
    for (InteractionEvent event : events) {
      copies.computeIfAbsent(key(event.kind().name(), event.crmId()), k -> new java.util.ArrayList<>()).add(event);
    }
    // the events stored before this page are looked up once; only the others are inserted (a writer that inserts
    // one of them meanwhile makes the insert fail on the unique key, and the caller stores the page again)
    List<InteractionEvent> firsts = copies.values().stream().map(copiesOf -> copiesOf.get(0)).toList();
    Map<String, Long> before = storedIds(handle, connection, firsts);
    List<InteractionEvent> added = firsts.stream()
        .filter(event -> !before.containsKey(key(event.kind().name(), event.crmId()))).toList();
    var insertEvents = handle.prepareBatch("INSERT INTO events (connection, kind, crm_id, occurred_at, attributes, "
        + "first_seen_at) VALUES (:connection, :kind, :crmId, :occurredAt, :attributes, :now)");
    for (InteractionEvent event : added) {
      insertEvents.bind("connection", connection).bind("kind", event.kind().name()).bind("crmId", event.crmId())
          .bind("occurredAt", Sql.timestamp(event.occurredAt())).bind("attributes", Sql.json(event.attributes()))
          .bind("now", Sql.timestamp(now)).add();
    }
    Map<String, Long> ids = new HashMap<>(before);
    if (!added.isEmpty()) {
      insertEvents.execute();
      ids.putAll(storedIds(handle, connection, added));
    }
    // a new event's pairs are new; an event stored before may have some of them already
    var newPairs = handle.prepareBatch("INSERT INTO event_contacts (event_id, contact_crm_id, seen_at, connection, "
        + "occurred_at) VALUES (:eventId, :contactId, :now, :connection, :occurredAt)");
    var morePairs = handle.prepareBatch("INSERT INTO event_contacts (event_id, contact_crm_id, seen_at, connection, "
        + "occurred_at) SELECT e.id, CAST(:contactId AS VARCHAR(255)), CAST(:now AS TIMESTAMP WITH TIME ZONE), "
        + "e.connection, e.occurred_at FROM events e WHERE e.id = :eventId AND NOT EXISTS (SELECT 1 FROM "
        + "event_contacts x WHERE x.event_id = e.id AND x.contact_crm_id = :contactId)");
    int fresh = 0;
    int more = 0;
    for (Map.Entry<String, List<InteractionEvent>> event : copies.entrySet()) {
      long id = ids.get(event.getKey());
      boolean stored = before.containsKey(event.getKey());
      Set<String> contactIds = new java.util.LinkedHashSet<>();
      event.getValue().forEach(copy -> contactIds.addAll(copy.contactIds()));
      for (String contactId : contactIds) {
        if (stored) {
          morePairs.bind("eventId", id).bind("contactId", contactId).bind("now", Sql.timestamp(now)).add();
          more++;
        } else {
          newPairs.bind("eventId", id).bind("contactId", contactId).bind("now", Sql.timestamp(now))
              .bind("connection", connection).bind("occurredAt", Sql.timestamp(event.getValue().get(0).occurredAt()))
              .add();
          fresh++;
        }
      }
    }
    if (fresh > 0) {
      newPairs.execute();
    }
    if (more > 0) {
      morePairs.execute();
    }
  }

  private static String key(String kind, String crmId) {
    return kind + "\n" + crmId;
  }

  /** The ids of these events (of one connection) that are stored, by {@link #key}, one look-up per kind and chunk. */
  private static Map<String, Long> storedIds(Handle handle, String connection, List<InteractionEvent> events) {
    Map<String, List<String>> byKind = new java.util.LinkedHashMap<>();
    events.forEach(event -> byKind.computeIfAbsent(event.kind().name(), k -> new java.util.ArrayList<>())
        .add(event.crmId()));
    Map<String, Long> ids = new HashMap<>();
    byKind.forEach((kind, crmIds) -> Sql.idsByKey(handle, "events", "kind", "crm_id", connection, kind, crmIds)
        .forEach((crmId, id) -> ids.put(key(kind, crmId), id)));
    return ids;
  }

  /** A contact of an event that no trigger pass has decided on yet, and when the sync first saw it. */
  public record PendingEvaluation(StoredEvent event, String contactId, Instant seenAt) {}

  /** Pending evaluations of a connection, oldest event first. */
  public List<PendingEvaluation> pending(String connection, int limit) {
    return jdbi.withHandle(handle -> pending(handle, connection, Optional.empty(), limit));
  }

  /**
   * Pending evaluations of a connection in the order (occurred at, event id, contact), starting after
   * {@code after} when given, so that a pass can page past evaluations it leaves pending.
   */
  public List<PendingEvaluation> pending(Handle handle, String connection, Optional<PendingEvaluation> after,
      int limit) {
    var query = handle.createQuery(pendingSql(after.isPresent()))
        .bind("connection", connection).bind("limit", limit);
    after.ifPresent(position -> query.bind("at", Sql.timestamp(position.event().event().occurredAt()))
        .bind("id", position.event().id()).bind("contact", position.contactId()));
    return query.map((rs, ctx) -> new PendingEvaluation(new StoredEvent(rs.getLong("id"), new InteractionEvent(
            rs.getString("crm_id"), EventKind.valueOf(rs.getString("kind")),
            rs.getTimestamp("occurred_at").toInstant(), List.of(rs.getString("contact_crm_id")),
            Sql.map(rs.getString("attributes")))), rs.getString("contact_crm_id"),
            rs.getTimestamp("seen_at").toInstant()))
        .list();
  }

  /**
   * The pending page's query. Every column of its order is in {@code ix_event_contacts_pending}, after the two
   * it fixes: the index gives the order, and a page starts where the last one ended ({@code occurred_at >= :at}
   * is the range both databases seek to; the rest of the condition only skips the ties before the position).
   */
  static String pendingSql(boolean after) {
    String keyset = after ? "AND ec.occurred_at >= :at AND (ec.occurred_at > :at OR (ec.event_id > :id "
        + "OR (ec.event_id = :id AND ec.contact_crm_id > :contact))) " : "";
    return "SELECT e.id, e.kind, e.crm_id, e.occurred_at, e.attributes, ec.contact_crm_id, ec.seen_at "
        + "FROM event_contacts ec JOIN events e ON e.id = ec.event_id "
        + "WHERE ec.connection = :connection AND ec.evaluated_at IS NULL " + keyset
        + "ORDER BY ec.connection, ec.evaluated_at, ec.occurred_at, ec.event_id, ec.contact_crm_id LIMIT :limit";
  }

  /** Marks pending pairs decided on, in one batched statement. */
  public void markEvaluated(Handle handle, List<PendingEvaluation> evaluated, Instant now) {
    if (evaluated.isEmpty()) {
      return;
    }
    var batch = handle.prepareBatch("UPDATE event_contacts SET evaluated_at = :now WHERE event_id = :eventId "
        + "AND contact_crm_id = :contactId");
    for (PendingEvaluation pending : evaluated) {
      batch.bind("now", Sql.timestamp(now)).bind("eventId", pending.event().id()).bind("contactId", pending.contactId())
          .add();
    }
    batch.execute();
  }

  public void markEvaluated(Handle handle, long eventId, String contactId, Instant now) {
    handle.createUpdate("UPDATE event_contacts SET evaluated_at = :now WHERE event_id = :eventId "
            + "AND contact_crm_id = :contactId")
        .bind("now", Sql.timestamp(now)).bind("eventId", eventId).bind("contactId", contactId).execute();
  }

  public Optional<StoredEvent> find(long id) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT id, kind, crm_id, occurred_at, attributes FROM events "
            + "WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> new StoredEvent(rs.getLong("id"), new InteractionEvent(rs.getString("crm_id"),
            EventKind.valueOf(rs.getString("kind")), rs.getTimestamp("occurred_at").toInstant(), List.of(),
            Sql.map(rs.getString("attributes")))))
        .findOne());
  }

  /** Every event that concerns a contact, oldest first. */
  public List<StoredEvent> forContact(String connection, String contactId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT e.id, e.kind, e.crm_id, e.occurred_at, e.attributes "
            + "FROM events e JOIN event_contacts ec ON ec.event_id = e.id WHERE e.connection = :connection "
            + "AND ec.contact_crm_id = :contactId ORDER BY e.occurred_at, e.id")
        .bind("connection", connection).bind("contactId", contactId)
        .map((rs, ctx) -> new StoredEvent(rs.getLong("id"), new InteractionEvent(rs.getString("crm_id"),
            EventKind.valueOf(rs.getString("kind")), rs.getTimestamp("occurred_at").toInstant(), List.of(contactId),
            Sql.map(rs.getString("attributes")))))
        .list());
  }

  /** How many events a connection has stored, for reports and tests. */
  public int count(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM events WHERE connection = :c")
        .bind("c", connection).mapTo(Integer.class).one());
  }

  /** Events stored per kind ({@code PURCHASE}, {@code SUPPORT}) for one connection. */
  public java.util.Map<String, Integer> countByKind(String connection) {
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT kind, COUNT(*) AS n FROM events WHERE connection = :c "
            + "GROUP BY kind").bind("c", connection)
        .map((rs, ctx) -> java.util.Map.entry(rs.getString("kind"), rs.getInt("n")))
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
    return counts;
  }
}
