package io.npsconnector.core.engine;

import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.PostgresDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresAlertTest extends AlertContract {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  /** The class's schema, migrated by the first test, emptied for each one. */
  @Override
  Database openEmpty() {
    return PostgresEngineTest.emptied(reopen());
  }

  @Override
  Database reopen() {
    return Database.open(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }
}
