package io.npsconnector.core.engine;

import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.PostgresDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresPageHistoryTest extends PageHistoryContract {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  @Override
  Database openEmpty() {
    return PostgresEngineTest.emptied(Database.open(postgres.jdbcUrl(), postgres.user(), postgres.password()));
  }
}
