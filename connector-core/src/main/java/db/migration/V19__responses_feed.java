package db.migration;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.npsconnector.core.store.SegmentValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 19: what the responses feed and the filtered dashboard read. Indexes for answers by time and
 * invitations by trigger; each contact's segment values one per row with their case-folded key
 * ({@code contact_segments}, filled here from the stored contacts, kept by the contact store afterwards);
 * the CRM's labels of segment values, read once per sync ({@code segment_labels}). A Java migration because
 * the contacts' segments are stored as JSON, which H2 and PostgreSQL cannot both take apart in SQL.
 */
public class V19__responses_feed extends BaseJavaMigration {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void migrate(Context context) throws Exception {
    Connection connection = context.getConnection();
    try (Statement ddl = connection.createStatement()) {
      ddl.execute("CREATE INDEX ix_answers_answered ON answers (answered_at, id)");
      ddl.execute("CREATE INDEX ix_invitations_trigger ON invitations (trigger_name, connection)");
      ddl.execute("CREATE TABLE contact_segments ("
          + "connection VARCHAR(63) NOT NULL, crm_id VARCHAR(255) NOT NULL, segment VARCHAR(63) NOT NULL, "
          + "value_key VARCHAR(255) NOT NULL, segment_value VARCHAR(255) NOT NULL, "
          + "CONSTRAINT pk_contact_segments PRIMARY KEY (connection, crm_id, segment))");
      ddl.execute("CREATE INDEX ix_contact_segments_value ON contact_segments (segment, value_key)");
      ddl.execute("CREATE TABLE segment_labels ("
          + "connection VARCHAR(63) NOT NULL, segment VARCHAR(63) NOT NULL, value_key VARCHAR(255) NOT NULL, "
          + "label VARCHAR(255) NOT NULL, read_at TIMESTAMP WITH TIME ZONE NOT NULL, "
          + "CONSTRAINT pk_segment_labels PRIMARY KEY (connection, segment, value_key))");
    }
    try (Statement read = connection.createStatement();
        ResultSet contacts = read.executeQuery("SELECT connection, crm_id, segments FROM contacts");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO contact_segments "
            + "(connection, crm_id, segment, value_key, segment_value) VALUES (?, ?, ?, ?, ?)")) {
      while (contacts.next()) {
        Map<String, String> segments = JSON.readValue(contacts.getString("segments"),
            new TypeReference<LinkedHashMap<String, String>>() {});
        for (Map.Entry<String, String> segment : SegmentValues.rows(segments).entrySet()) {
          insert.setString(1, contacts.getString("connection"));
          insert.setString(2, contacts.getString("crm_id"));
          insert.setString(3, segment.getKey());
          insert.setString(4, SegmentValues.key(segment.getValue()));
          insert.setString(5, segment.getValue());
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
  }
}
