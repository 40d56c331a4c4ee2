package io.npsconnector.core.store;

import java.util.UUID;

class H2ReportTest extends ReportContract {
  @Override
  Database open() {
    return Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
  }
}
