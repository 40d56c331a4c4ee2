package io.npsconnector.core.store;

import io.npsconnector.core.model.Contact;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Contacts per connection and CRM id. Internal to the engine. */
public final class ContactRepository {
  private static final String COLUMNS = "crm_id, email, first_name, last_name, phone, locale, time_zone, "
      + "email_opt_out, owner_id, account_id, account_name, segments, crm_modified_at, deleted";

  /** The tables a sync writes, whose statistics {@link #upsertAll} keeps current. */
  private static final List<String> SYNCED_TABLES = List.of("contacts", "contact_segments", "events",
      "event_contacts");

  /** Values per {@code IN} list of a read by key. */
  public static final int IN_LIST = 500;

  private final Jdbi jdbi;
  private final Statistics statistics = new Statistics();

  public ContactRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  private static final String UPDATE = "UPDATE contacts SET email = :email, email_key = :emailKey, "
      + "first_name = :firstName, last_name = :lastName, phone = :phone, locale = :locale, time_zone = :timeZone, "
      + "email_opt_out = :emailOptOut, owner_id = :ownerId, account_id = :accountId, account_name = :accountName, "
      + "segments = :segments, crm_modified_at = :modifiedAt, deleted = :deleted, synced_at = :now "
      + "WHERE connection = :connection AND crm_id = :crmId AND crm_modified_at <= :modifiedAt";
  private static final String INSERT = "INSERT INTO contacts (connection, email_key, " + COLUMNS + ", synced_at) "
      + "VALUES (:connection, :emailKey, :crmId, :email, :firstName, :lastName, :phone, :locale, :timeZone, "
      + ":emailOptOut, :ownerId, :accountId, :accountName, :segments, :modifiedAt, :deleted, :now)";

  /** Stores the contact, replacing an older copy; a copy older than the stored one is ignored. */
  public void upsert(Handle handle, String connection, Contact contact, Instant now) {
    upsertAll(handle, connection, List.of(contact), now);
  }

  /**
   * As {@link #upsert} for a page of contacts: on H2, one look-up of the page's stored copies, then one batched
   * update of those the page has as new or newer and one batched insert of those not stored at all; on
   * PostgreSQL, one statement ({@link PostgresPages#upsertContacts}). A contact given twice in one page ends as its
   * newest copy.
   */
  public void upsertAll(Handle handle, String connection, List<Contact> contacts, Instant now) {
    if (contacts.isEmpty()) {
      return;
    }
    // before the page's statements: their plans see the base as it has grown
    statistics.wrote(handle, contacts.size(), SYNCED_TABLES);
    if (Sql.postgres(handle)) {
      List<Contact> newest = newestCopies(contacts);
      Set<String> written = PostgresPages.upsertContacts(handle, connection, newest, now);
      List<Contact> stored = newest.stream().filter(contact -> written.contains(contact.crmId())).toList();
      if (!stored.isEmpty()) {
        PostgresPages.replaceSegments(handle, connection, stored);
      }
      return;
    }
    // the page's stored copies in one look-up: only those get an update, only the others an insert, so that a
    // first sync inserts without a failed update and a check per contact (a writer that inserts one of them
    // meanwhile makes the insert fail on the unique key, and the caller stores the page again)
    List<Contact> newest = newestCopies(contacts);
    Map<String, Instant> stored = storedVersions(handle, connection, newest);
    List<Contact> older = new java.util.ArrayList<>();
    List<Contact> added = new java.util.ArrayList<>();
    for (Contact contact : newest) {
      Instant at = stored.get(contact.crmId());
      if (at == null) {
        added.add(contact);
      } else if (!at.isAfter(contact.modifiedAt())) {
        older.add(contact);
      }
    }
    List<Contact> replaced = new java.util.ArrayList<>();
    if (!older.isEmpty()) {
      var updates = handle.prepareBatch(UPDATE);
      older.forEach(contact -> bind(updates, connection, contact, now).add());
      int[] updated = updates.execute();
      for (int i = 0; i < older.size(); i++) {
        if (updated[i] > 0) {
          replaced.add(older.get(i));
        }
      }
    }
    if (!added.isEmpty()) {
      var inserts = handle.prepareBatch(INSERT);
      added.forEach(contact -> bind(inserts, connection, contact, now).add());
      inserts.execute();
    }
    storeSegments(handle, connection, replaced, added);
  }

  /** When the CRM last changed each of these contacts' stored copies; a contact not stored has no entry. */
  private static Map<String, Instant> storedVersions(Handle handle, String connection, List<Contact> contacts) {
    Map<String, Instant> stored = new HashMap<>();
    for (List<String> some : Sql.chunks(contacts.stream().map(Contact::crmId).toList())) {
      Sql.bindKeys(handle.createQuery("SELECT c.crm_id, c.crm_modified_at FROM " + Sql.keys(some.size())
              + " JOIN contacts c ON c.connection = :connection AND c.crm_id = wanted.id"), some)
          .bind("connection", connection)
          .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getTimestamp(2).toInstant()))
          .forEach(entry -> stored.put(entry.getKey(), entry.getValue()));
    }
    return stored;
  }

  /**
   * One copy of each contact of a page, in the order of their first copies: the one that a copy after copy
   * upsert would leave, the newest (of equally new copies, the last).
   */
  static List<Contact> newestCopies(List<Contact> contacts) {
    Map<String, Contact> newest = new java.util.LinkedHashMap<>();
    for (Contact contact : contacts) {
      newest.merge(contact.crmId(), contact, (kept, copy) -> kept.modifiedAt().isAfter(copy.modifiedAt()) ? kept
          : copy);
    }
    return List.copyOf(newest.values());
  }

  /**
   * The written contacts' segment values one per row with their case-folded key, for filters and groups (V19): one
   * batched delete of the replaced contacts' rows (a contact just inserted has none) and one batched insert.
   */
  private static void storeSegments(Handle handle, String connection, List<Contact> replaced, List<Contact> added) {
    if (!replaced.isEmpty()) {
      var deletes = handle.prepareBatch("DELETE FROM contact_segments WHERE connection = :connection "
          + "AND crm_id = :crmId");
      replaced.forEach(contact -> deletes.bind("connection", connection).bind("crmId", contact.crmId()).add());
      deletes.execute();
    }
    org.jdbi.v3.core.statement.PreparedBatch batch = handle.prepareBatch("INSERT INTO contact_segments (connection, "
        + "crm_id, segment, value_key, segment_value) VALUES (:connection, :crmId, :segment, :key, :value)");
    int rows = 0;
    for (List<Contact> contacts : List.of(replaced, added)) {
      for (Contact contact : contacts) {
        for (Map.Entry<String, String> row : SegmentValues.rows(contact.segments()).entrySet()) {
          batch.bind("connection", connection).bind("crmId", contact.crmId()).bind("segment", row.getKey())
              .bind("key", SegmentValues.key(row.getValue())).bind("value", row.getValue()).add();
          rows++;
        }
      }
    }
    if (rows > 0) {
      batch.execute();
    }
  }

  public Optional<Contact> find(String connection, String crmId) {
    return jdbi.withHandle(handle -> find(handle, connection, crmId));
  }

  public Optional<Contact> find(Handle handle, String connection, String crmId) {
    return handle.createQuery("SELECT " + COLUMNS + " FROM contacts WHERE connection = :connection AND crm_id = :crmId")
        .bind("connection", connection).bind("crmId", crmId)
        .map((rs, ctx) -> map(rs)).findOne();
  }

  /**
   * The stored copies (deleted ones too, as {@link #find} gives them) of these contacts of one connection, by CRM
   * id, in one query per {@value #IN_LIST} ids, each sought on the primary key; an id not stored has no entry.
   */
  public Map<String, Contact> findAll(Handle handle, String connection, Collection<String> crmIds) {
    Map<String, Contact> found = new HashMap<>();
    for (List<String> some : Sql.chunks(crmIds)) {
      Sql.bindKeys(handle.createQuery("SELECT " + COLUMNS.replace(", ", ", c.").replaceFirst("^", "c.") + " FROM "
              + Sql.keys(some.size()) + " JOIN contacts c ON c.connection = :connection AND c.crm_id = wanted.id"), some)
          .bind("connection", connection).map((rs, ctx) -> map(rs)).forEach(contact -> found.put(contact.crmId(),
              contact));
    }
    return found;
  }

  /** Every live contact of a connection, in CRM id order. */
  public List<Contact> all(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
            + " FROM contacts WHERE connection = :connection AND deleted = FALSE ORDER BY crm_id")
        .bind("connection", connection).map((rs, ctx) -> map(rs)).list());
  }

  /**
   * One keyset page of the live contacts of a connection in CRM id order: the first {@code limit} after
   * {@code after} (from the start when empty), read on the connection and CRM id key, so that a walk over a
   * large base holds one page at a time and never sorts it.
   */
  public List<Contact> page(Handle handle, String connection, Optional<String> after, int limit) {
    var query = handle.createQuery("SELECT " + COLUMNS + " FROM contacts WHERE connection = :connection "
            + "AND deleted = FALSE" + (after.isPresent() ? " AND crm_id > :after" : "")
            + " ORDER BY connection, crm_id LIMIT :limit")
        .bind("connection", connection).bind("limit", limit);
    after.ifPresent(id -> query.bind("after", id));
    return query.map((rs, ctx) -> map(rs)).list();
  }

  /** A live contact with its latest survey that counts (an invitation sent or planned), empty if never. */
  public record Surveyed(Contact contact, Optional<Instant> lastSurveyedAt) {}

  /**
   * As {@link #page}, each contact with its latest survey, in one query: correlated lookups per contact on
   * {@code ix_invitations_contact} (and, with {@code perPerson}, on {@code ix_contacts_email_key} for every
   * contact with the same address in any connection), so that the cost of a page is its own contacts', whatever
   * the size of the base or the planner's statistics.
   */
  public List<Surveyed> surveyedPage(Handle handle, String connection, boolean perPerson, Optional<String> after,
      int limit) {
    String counting = InvitationRepository.Counting.ALL.where("i.");
    String own = "(SELECT MAX(COALESCE(i.sent_at, i.send_at)) FROM invitations i WHERE i.connection = c.connection "
        + "AND i.contact_crm_id = c.crm_id" + counting + ")";
    String person = perPerson ? "(SELECT MAX(COALESCE(i.sent_at, i.send_at)) FROM contacts p JOIN invitations i "
        + "ON i.connection = p.connection AND i.contact_crm_id = p.crm_id WHERE p.email_key = c.email_key" + counting
        + ")" : "CAST(NULL AS TIMESTAMP WITH TIME ZONE)";
    var query = InvitationRepository.Counting.ALL.bind(handle.createQuery("SELECT " + COLUMNS.replace(", ", ", c.")
            .replaceFirst("^", "c.") + ", " + own + " AS own_last, " + person + " AS person_last FROM contacts c "
            + "WHERE c.connection = :connection AND c.deleted = FALSE" + (after.isPresent() ? " AND c.crm_id > :after"
            : "") + " ORDER BY c.connection, c.crm_id LIMIT :limit"))
        .bind("connection", connection).bind("limit", limit);
    after.ifPresent(id -> query.bind("after", id));
    return query.map((rs, ctx) -> {
      Optional<Instant> last = Optional.ofNullable(rs.getTimestamp("own_last")).map(java.sql.Timestamp::toInstant);
      Optional<Instant> personLast = Optional.ofNullable(rs.getTimestamp("person_last"))
          .map(java.sql.Timestamp::toInstant);
      if (personLast.isPresent() && (last.isEmpty() || personLast.get().isAfter(last.get()))) {
        last = personLast;
      }
      return new Surveyed(map(rs), last);
    }).list();
  }

  /** How contacts are matched as one person across connections: the e-mail address, ignoring case. */
  public static String emailKey(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  public int count(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM contacts WHERE connection = :c")
        .bind("c", connection).mapTo(Integer.class).one());
  }

  private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bind(T update, String connection,
      Contact contact, Instant now) {
    return update.bind("connection", connection)
        .bind("crmId", contact.crmId())
        .bind("email", contact.email().orElse(null))
        .bind("emailKey", contact.email().map(ContactRepository::emailKey).orElse(null))
        .bind("firstName", contact.firstName().orElse(null))
        .bind("lastName", contact.lastName().orElse(null))
        .bind("phone", contact.phone().orElse(null))
        .bind("locale", contact.locale().map(Locale::toLanguageTag).orElse(null))
        .bind("timeZone", contact.timeZone().map(ZoneId::getId).orElse(null))
        .bind("emailOptOut", contact.emailOptOut())
        .bind("ownerId", contact.ownerId().orElse(null))
        .bind("accountId", contact.accountId().orElse(null))
        .bind("accountName", contact.accountName().orElse(null))
        .bind("segments", Sql.json(contact.segments()))
        .bind("modifiedAt", Sql.timestamp(contact.modifiedAt()))
        .bind("deleted", contact.deleted())
        .bind("now", Sql.timestamp(now));
  }

  static Contact map(ResultSet rs) throws SQLException {
    return new Contact(
        rs.getString("crm_id"),
        Optional.ofNullable(rs.getString("email")),
        Optional.ofNullable(rs.getString("first_name")),
        Optional.ofNullable(rs.getString("last_name")),
        Optional.ofNullable(rs.getString("phone")),
        Optional.ofNullable(rs.getString("locale")).map(Locale::forLanguageTag),
        Optional.ofNullable(rs.getString("time_zone")).flatMap(ContactRepository::zone),
        rs.getBoolean("email_opt_out"),
        Optional.ofNullable(rs.getString("owner_id")),
        Optional.ofNullable(rs.getString("account_id")),
        Optional.ofNullable(rs.getString("account_name")),
        Sql.map(rs.getString("segments")),
        rs.getTimestamp("crm_modified_at").toInstant(),
        rs.getBoolean("deleted"));
  }

  private static Optional<ZoneId> zone(String id) {
    try {
      return Optional.of(ZoneId.of(id));
    } catch (java.time.DateTimeException e) {
      return Optional.empty(); // a CRM's unknown zone falls back to the connection's default
    }
  }
}
