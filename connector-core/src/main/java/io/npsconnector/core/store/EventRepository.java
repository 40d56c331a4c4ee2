package io.npsconnector.core.store;

import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
   * As {@link #upsert} for a page of events, in two batched statements (the events, then the pairs of event
   * and contact), whatever the page's size. An event or pair already stored is left as it is.
   */
  public void upsertAll(Handle handle, String connection, List<InteractionEvent> events, Instant now) {
    if (events.isEmpty()) {
      return;
    }
    if (Sql.postgres(handle)) {
      PostgresPages.insertEvents(handle, connection, events, now);
      return;
    }
    String onConflict = Sql.onConflictDoNothing(handle);
    var insertEvents = handle.prepareBatch("INSERT INTO events (connection, kind, crm_id, occurred_at, attributes, "
        + "first_seen_at) SELECT CAST(:connection AS VARCHAR(63)), CAST(:kind AS VARCHAR(16)), "
        + "CAST(:crmId AS VARCHAR(255)), CAST(:occurredAt AS TIMESTAMP WITH TIME ZONE), "
        + "CAST(:attributes AS VARCHAR(8000)), CAST(:now AS TIMESTAMP WITH TIME ZONE) WHERE NOT EXISTS "
        + "(SELECT 1 FROM events WHERE connection = :connection AND kind = :kind AND crm_id = :crmId)" + onConflict);
    var insertPairs = handle.prepareBatch("INSERT INTO event_contacts (event_id, contact_crm_id, seen_at, connection, "
        + "occurred_at) SELECT e.id, CAST(:contactId AS VARCHAR(255)), CAST(:now AS TIMESTAMP WITH TIME ZONE), "
        + "e.connection, e.occurred_at FROM events e WHERE e.connection = :connection AND e.kind = :kind "
        + "AND e.crm_id = :crmId AND NOT EXISTS (SELECT 1 FROM event_contacts x WHERE x.event_id = e.id "
        + "AND x.contact_crm_id = :contactId)" + onConflict);
    int pairs = 0;
    for (InteractionEvent event : events) {
      insertEvents.bind("connection", connection).bind("kind", event.kind().name()).bind("crmId", event.crmId())
          .bind("occurredAt", Sql.timestamp(event.occurredAt())).bind("attributes", Sql.json(event.attributes()))
          .bind("now", Sql.timestamp(now)).add();
      for (String contactId : new java.util.LinkedHashSet<>(event.contactIds())) {
        insertPairs.bind("connection", connection).bind("kind", event.kind().name()).bind("crmId", event.crmId())
            .bind("contactId", contactId).bind("now", Sql.timestamp(now)).add();
        pairs++;
      }
    }
    insertEvents.execute();
    if (pairs > 0) {
      insertPairs.execute();
    }
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
