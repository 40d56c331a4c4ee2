package io.npsconnector.core.engine;

import io.npsconnector.core.store.Database;
import java.util.UUID;

class H2PageHistoryTest extends PageHistoryContract {
  @Override
  Database openEmpty() {
    return Database.open("jdbc:h2:mem:page-history-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
  }
}
