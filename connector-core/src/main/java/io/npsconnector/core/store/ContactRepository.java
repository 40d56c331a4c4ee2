package io.npsconnector.core.store;

import io.npsconnector.core.model.Contact;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Contacts per connection and CRM id. Internal to the engine. */
public final class ContactRepository {
  private static final String COLUMNS = "crm_id, email, first_name, last_name, phone, locale, time_zone, "
      + "email_opt_out, owner_id, account_id, account_name, segments, crm_modified_at, deleted";

  private final Jdbi jdbi;

  public ContactRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Stores the contact, replacing an older copy; a copy older than the stored one is ignored. */
  public void upsert(Handle handle, String connection, Contact contact, Instant now) {
    int updated = bind(handle.createUpdate("UPDATE contacts SET email = :email, email_key = :emailKey, "
        + "first_name = :firstName, "
        + "last_name = :lastName, phone = :phone, locale = :locale, time_zone = :timeZone, "
        + "email_opt_out = :emailOptOut, owner_id = :ownerId, account_id = :accountId, account_name = :accountName, "
        + "segments = :segments, crm_modified_at = :modifiedAt, deleted = :deleted, synced_at = :now "
        + "WHERE connection = :connection AND crm_id = :crmId AND crm_modified_at <= :modifiedAt"), connection,
        contact, now).execute();
    boolean stored = updated > 0;
    if (updated == 0) {
      stored = Sql.insertIfAbsent(handle, h -> bind(h.createUpdate("INSERT INTO contacts (connection, email_key, "
          + COLUMNS + ", synced_at) VALUES (:connection, :emailKey, :crmId, :email, :firstName, :lastName, :phone, :locale, :timeZone, "
          + ":emailOptOut, :ownerId, :accountId, :accountName, :segments, :modifiedAt, :deleted, :now)"),
          connection, contact, now).execute());
    }
    if (stored) {
      storeSegments(handle, connection, contact);
    }
  }

  /** The contact's segment values one per row with their case-folded key, for filters and groups (V19). */
  private static void storeSegments(Handle handle, String connection, Contact contact) {
    handle.createUpdate("DELETE FROM contact_segments WHERE connection = :connection AND crm_id = :crmId")
        .bind("connection", connection).bind("crmId", contact.crmId()).execute();
    Map<String, String> rows = SegmentValues.rows(contact.segments());
    if (rows.isEmpty()) {
      return;
    }
    org.jdbi.v3.core.statement.PreparedBatch batch = handle.prepareBatch("INSERT INTO contact_segments (connection, "
        + "crm_id, segment, value_key, segment_value) VALUES (:connection, :crmId, :segment, :key, :value)");
    rows.forEach((segment, value) -> batch.bind("connection", connection).bind("crmId", contact.crmId())
        .bind("segment", segment).bind("key", SegmentValues.key(value)).bind("value", value).add());
    batch.execute();
  }

  public Optional<Contact> find(String connection, String crmId) {
    return jdbi.withHandle(handle -> find(handle, connection, crmId));
  }

  public Optional<Contact> find(Handle handle, String connection, String crmId) {
    return handle.createQuery("SELECT " + COLUMNS + " FROM contacts WHERE connection = :connection AND crm_id = :crmId")
        .bind("connection", connection).bind("crmId", crmId)
        .map((rs, ctx) -> map(rs)).findOne();
  }

  /** Every live contact of a connection, in CRM id order. */
  public List<Contact> all(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
            + " FROM contacts WHERE connection = :connection AND deleted = FALSE ORDER BY crm_id")
        .bind("connection", connection).map((rs, ctx) -> map(rs)).list());
  }

  /** How contacts are matched as one person across connections: the e-mail address, ignoring case. */
  static String emailKey(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  public int count(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM contacts WHERE connection = :c")
        .bind("c", connection).mapTo(Integer.class).one());
  }

  private static org.jdbi.v3.core.statement.Update bind(org.jdbi.v3.core.statement.Update update, String connection,
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
