package io.npsconnector.core.engine;

import io.npsconnector.core.store.Database;
import java.util.UUID;

class H2WritebackTest extends WritebackContract {
  @Override
  Database open() {
    return Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
  }
}
