package io.npsconnector.core.store;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * A sync page's writes on PostgreSQL, one statement per table for the whole page: the page's values go as one array
 * per column and {@code unnest} makes them rows, so that a page costs a handful of round trips and statements
 * however many contacts it has (a batch of one statement per row costs a parse, plan and execution per row). Every
 * value goes as text and is cast where it lands, as the rows of the batched statements were. Given pages with one
 * copy of each contact and event (see {@link ContactRepository#upsertAll}).
 */
final class PostgresPages {
  private static final String CONTACTS = "INSERT INTO contacts (connection, crm_id, email, email_key, first_name, "
      + "last_name, phone, locale, time_zone, email_opt_out, owner_id, account_id, account_name, segments, "
      + "crm_modified_at, deleted, synced_at) SELECT ?, u.crm_id, u.email, u.email_key, u.first_name, u.last_name, "
      + "u.phone, u.locale, u.time_zone, CAST(u.email_opt_out AS BOOLEAN), u.owner_id, u.account_id, u.account_name, "
      + "u.segments, CAST(u.modified_at AS TIMESTAMP WITH TIME ZONE), CAST(u.deleted AS BOOLEAN), "
      + "CAST(? AS TIMESTAMP WITH TIME ZONE) FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
      + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
      + "AS u(crm_id, email, email_key, first_name, last_name, phone, locale, time_zone, email_opt_out, owner_id, "
      + "account_id, account_name, segments, modified_at, deleted) "
      + "ON CONFLICT (connection, crm_id) DO UPDATE SET email = EXCLUDED.email, email_key = EXCLUDED.email_key, "
      + "first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, phone = EXCLUDED.phone, "
      + "locale = EXCLUDED.locale, time_zone = EXCLUDED.time_zone, email_opt_out = EXCLUDED.email_opt_out, "
      + "owner_id = EXCLUDED.owner_id, account_id = EXCLUDED.account_id, account_name = EXCLUDED.account_name, "
      + "segments = EXCLUDED.segments, crm_modified_at = EXCLUDED.crm_modified_at, deleted = EXCLUDED.deleted, "
      + "synced_at = EXCLUDED.synced_at WHERE contacts.crm_modified_at <= EXCLUDED.crm_modified_at RETURNING crm_id";
  private static final String DELETE_SEGMENTS = "DELETE FROM contact_segments WHERE connection = ? "
      + "AND crm_id = ANY(?::text[])";
  private static final String INSERT_SEGMENTS = "INSERT INTO contact_segments (connection, crm_id, segment, "
      + "value_key, segment_value) SELECT ?, u.crm_id, u.segment, u.value_key, u.segment_value "
      + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS u(crm_id, segment, value_key, segment_value)";
  private static final String EVENTS = "INSERT INTO events (connection, kind, crm_id, occurred_at, attributes, "
      + "first_seen_at) SELECT ?, u.kind, u.crm_id, CAST(u.occurred_at AS TIMESTAMP WITH TIME ZONE), u.attributes, "
      + "CAST(? AS TIMESTAMP WITH TIME ZONE) FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) "
      + "AS u(kind, crm_id, occurred_at, attributes) ON CONFLICT DO NOTHING";
  private static final String PAIRS = "INSERT INTO event_contacts (event_id, contact_crm_id, seen_at, connection, "
      + "occurred_at) SELECT e.id, u.contact_crm_id, CAST(? AS TIMESTAMP WITH TIME ZONE), e.connection, e.occurred_at "
      + "FROM unnest(?::text[], ?::text[], ?::text[]) AS u(kind, crm_id, contact_crm_id) JOIN events e "
      + "ON e.connection = ? AND e.kind = u.kind AND e.crm_id = u.crm_id ON CONFLICT DO NOTHING";

  private PostgresPages() {}

  /**
   * Inserts the contacts not stored yet and replaces the stored copies not newer than the given ones, in one
   * statement.
   *
   * @return the CRM ids of the contacts written (inserted or replaced)
   */
  static Set<String> upsertContacts(Handle handle, String connection, List<Contact> contacts, Instant now) {
    int size = contacts.size();
    String[][] columns = new String[15][size];
    for (int i = 0; i < size; i++) {
      Contact contact = contacts.get(i);
      columns[0][i] = contact.crmId();
      columns[1][i] = contact.email().orElse(null);
      columns[2][i] = contact.email().map(ContactRepository::emailKey).orElse(null);
      columns[3][i] = contact.firstName().orElse(null);
      columns[4][i] = contact.lastName().orElse(null);
      columns[5][i] = contact.phone().orElse(null);
      columns[6][i] = contact.locale().map(Locale::toLanguageTag).orElse(null);
      columns[7][i] = contact.timeZone().map(ZoneId::getId).orElse(null);
      columns[8][i] = Boolean.toString(contact.emailOptOut());
      columns[9][i] = contact.ownerId().orElse(null);
      columns[10][i] = contact.accountId().orElse(null);
      columns[11][i] = contact.accountName().orElse(null);
      columns[12][i] = Sql.json(contact.segments());
      columns[13][i] = contact.modifiedAt().toString();
      columns[14][i] = Boolean.toString(contact.deleted());
    }
    Set<String> written = new HashSet<>();
    run(handle, "store the contacts of " + connection, CONTACTS, statement -> {
      statement.setString(1, connection);
      statement.setString(2, now.toString());
      bindArrays(statement, 3, columns);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          written.add(rows.getString(1));
        }
      }
    });
    return written;
  }

  /** Replaces the segment rows of the given contacts: one delete and one insert. */
  static void replaceSegments(Handle handle, String connection, List<Contact> contacts) {
    List<String[]> rows = new ArrayList<>();
    String[] ids = new String[contacts.size()];
    for (int i = 0; i < ids.length; i++) {
      Contact contact = contacts.get(i);
      ids[i] = contact.crmId();
      for (Map.Entry<String, String> row : SegmentValues.rows(contact.segments()).entrySet()) {
        rows.add(new String[] {contact.crmId(), row.getKey(), SegmentValues.key(row.getValue()), row.getValue()});
      }
    }
    run(handle, "replace the segments of " + connection, DELETE_SEGMENTS, statement -> {
      statement.setString(1, connection);
      bindArrays(statement, 2, new String[][] {ids});
      statement.executeUpdate();
    });
    if (rows.isEmpty()) {
      return;
    }
    run(handle, "store the segments of " + connection, INSERT_SEGMENTS, statement -> {
      statement.setString(1, connection);
      bindArrays(statement, 2, transpose(rows, 4));
      statement.executeUpdate();
    });
  }

  /** Inserts the events not stored yet, then the pairs of event and contact not stored yet: two statements. */
  static void insertEvents(Handle handle, String connection, List<InteractionEvent> events, Instant now) {
    // an event given twice in the page: its first copy is stored, with the contacts of every copy
    List<String[]> eventRows = new ArrayList<>();
    List<String[]> pairRows = new ArrayList<>();
    Set<List<String>> seenEvents = new HashSet<>();
    Set<List<String>> seenPairs = new HashSet<>();
    for (InteractionEvent event : events) {
      if (seenEvents.add(List.of(event.kind().name(), event.crmId()))) {
        eventRows.add(new String[] {event.kind().name(), event.crmId(), event.occurredAt().toString(),
            Sql.json(event.attributes())});
      }
      for (String contactId : event.contactIds()) {
        if (seenPairs.add(List.of(event.kind().name(), event.crmId(), contactId))) {
          pairRows.add(new String[] {event.kind().name(), event.crmId(), contactId});
        }
      }
    }
    run(handle, "store the events of " + connection, EVENTS, statement -> {
      statement.setString(1, connection);
      statement.setString(2, now.toString());
      bindArrays(statement, 3, transpose(eventRows, 4));
      statement.executeUpdate();
    });
    if (pairRows.isEmpty()) {
      return;
    }
    run(handle, "store the contacts of the events of " + connection, PAIRS, statement -> {
      statement.setString(1, now.toString());
      bindArrays(statement, 2, transpose(pairRows, 3));
      statement.setString(5, connection);
      statement.executeUpdate();
    });
  }

  private static String[][] transpose(List<String[]> rows, int width) {
    String[][] columns = new String[width][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int c = 0; c < width; c++) {
        columns[c][i] = rows.get(i)[c];
      }
    }
    return columns;
  }

  private static void bindArrays(PreparedStatement statement, int first, String[][] columns) throws SQLException {
    Connection connection = statement.getConnection();
    for (int c = 0; c < columns.length; c++) {
      Array array = connection.createArrayOf("text", columns[c]);
      statement.setArray(first + c, array);
    }
  }

  private interface Work {
    void run(PreparedStatement statement) throws SQLException;
  }

  private static void run(Handle handle, String what, String sql, Work work) {
    try (PreparedStatement statement = handle.getConnection().prepareStatement(sql)) {
      work.run(statement);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
    }
  }
}
