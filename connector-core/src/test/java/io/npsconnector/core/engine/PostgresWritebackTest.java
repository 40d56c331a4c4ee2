package io.npsconnector.core.engine;

import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresWritebackTest extends WritebackContract {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  /** The class's schema, migrated by the first test and emptied (not dropped) before each later one: faster. */
  @Override
  Database open() {
    try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery("SELECT table_name FROM information_schema.tables "
          + "WHERE table_schema = '" + postgres.schema() + "' AND table_name <> 'flyway_schema_history'")) {
        while (rs.next()) {
          tables.add(postgres.schema() + "." + rs.getString(1));
        }
      }
      if (!tables.isEmpty()) {
        statement.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return Database.open(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }
}
