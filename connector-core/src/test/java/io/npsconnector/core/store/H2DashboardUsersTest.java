package io.npsconnector.core.store;

import java.util.UUID;

class H2DashboardUsersTest extends DashboardUsersContract {
  @Override
  String[] emptyDatabase() {
    return new String[] {"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""};
  }
}
