package io.npsconnector.core.engine;

import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.PostgresDatabase;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresEngineTest extends EngineContract {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  /**
   * The class's schema, migrated by the first test, emptied for each one: truncating is much cheaper than
   * dropping the schema and migrating it again, and leaves the same empty tables.
   */
  @Override
  Database openEmpty() {
    return emptied(reopen());
  }

  /** The database with every table of its schema but Flyway's emptied. */
  static Database emptied(Database database) {
    database.jdbi().useHandle(handle -> {
      List<String> tables = handle.createQuery("SELECT table_name FROM information_schema.tables "
              + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
              + "AND table_name <> 'flyway_schema_history'")
          .mapTo(String.class).list();
      handle.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
    });
    return database;
  }

  @Override
  Database reopen() {
    return Database.open(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }
}
