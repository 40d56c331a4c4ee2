package io.npsconnector.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** A store made before V19: its contacts' segment values become rows the filters use, keyed case-folded. */
class SegmentBackfillTest {
  @Test
  void v19FillsContactSegmentsFromTheStoredContacts() throws Exception {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration")
        .placeholders(Map.of("binary_type", "VARBINARY(1000000)")).target("16").load().migrate();
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        Statement insert = connection.createStatement()) {
      insert.execute("INSERT INTO contacts (connection, crm_id, segments, crm_modified_at, synced_at) VALUES "
          + "('east', 'c1', '{\"region\":\"Emea \",\"tier\":\"\"}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
          + "('east', 'c2', '{\"region\":\"EMEA\",\"tier\":\"Gold\"}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
          + "('west', 'c3', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
    }

    try (Database database = Database.open(url, "sa", "")) {
      ReportRepository reports = new ReportRepository(database.jdbi());
      assertThat(reports.segmentValues()).isEqualTo(Map.of("region", Map.of("emea", "EMEA"),
          "tier", Map.of("gold", "Gold")));
      int rows = database.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM contact_segments")
          .mapTo(Integer.class).one());
      assertThat(rows).as("blank values make no row").isEqualTo(3);
    }
  }
}
