package io.npsconnector.core.store;

import io.npsconnector.core.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresReportTest extends ReportContract {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  @Override
  Database open() {
    try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
      // each test starts from an empty schema: drop what the previous test's migration made
      statement.execute("DROP SCHEMA " + postgres.schema() + " CASCADE");
      statement.execute("CREATE SCHEMA " + postgres.schema());
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return Database.open(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }
}
