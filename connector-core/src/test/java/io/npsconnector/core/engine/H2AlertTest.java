package io.npsconnector.core.engine;

import io.npsconnector.core.store.Database;
import java.util.UUID;

class H2AlertTest extends AlertContract {
  private String url;

  @Override
  Database openEmpty() {
    url = "jdbc:h2:mem:alerts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    return Database.open(url, "sa", "");
  }

  @Override
  Database reopen() {
    return Database.open(url, "sa", "");
  }
}
