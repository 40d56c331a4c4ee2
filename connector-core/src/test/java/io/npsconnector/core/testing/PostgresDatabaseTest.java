package io.npsconnector.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.TestAbortedException;

class PostgresDatabaseTest {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  @Test
  void givesEachTestClassItsOwnSchema() throws Exception {
    try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE probe (id int primary key)");
      statement.execute("INSERT INTO probe VALUES (1)");
      try (ResultSet result = statement.executeQuery("SELECT current_schema(), count(*) FROM probe")) {
        result.next();
        assertThat(result.getString(1)).isEqualTo(postgres.schema()).startsWith("test_");
        assertThat(result.getInt(2)).isEqualTo(1);
      }
    }
  }

  @Test
  void skipsWhenUnreachableUnlessRequired() {
    Map<String, String> unreachable = Map.of("NPS_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:1/none");

    assertThatThrownBy(() -> new PostgresDatabase(unreachable).beforeAll(null))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("not reachable at jdbc:postgresql://127.0.0.1:1/none");
  }

  @Test
  void failsWhenUnreachableAndRequired() {
    Map<String, String> required = Map.of("NPS_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:1/none",
        PostgresDatabase.REQUIRE_VARIABLE, "true");

    assertThatThrownBy(() -> new PostgresDatabase(required).beforeAll(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NPS_REQUIRE_POSTGRES=true makes PostgreSQL tests mandatory");
  }
}
