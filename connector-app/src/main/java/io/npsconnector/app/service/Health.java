package io.npsconnector.app.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.store.Database;

/**
 * Liveness (the process answers) and readiness: the store answers a query, and each CRM connection's
 * credentials work. A CRM's check costs API calls, so its result is kept for {@link #CRM_CHECK_FRESH_FOR}.
 */
final class Health {
  static final Duration CRM_CHECK_FRESH_FOR = Duration.ofMinutes(5);

  /** One component's state. */
  record Status(boolean up, String detail) {}

  private record Checked(Status status, Instant at) {}

  private final Database database;
  private final Map<String, CrmAdapter> adapters;
  private final Clock clock;
  private final Map<String, Checked> crmChecks = new ConcurrentHashMap<>();

  Health(Database database, Map<String, CrmAdapter> adapters, Clock clock) {
    this.database = database;
    this.adapters = adapters;
    this.clock = clock;
  }

  /** The store and every connection, in that order. */
  Map<String, Status> readiness() {
    Map<String, Status> components = new LinkedHashMap<>();
    components.put("store", store());
    adapters.forEach((name, adapter) -> components.put("crm:" + name, crm(name, adapter)));
    return components;
  }

  static boolean allUp(Map<String, Status> components) {
    return components.values().stream().allMatch(Status::up);
  }

  private Status store() {
    try {
      int one = database.jdbi().withHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
      return new Status(one == 1, "answers queries");
    } catch (RuntimeException e) {
      return new Status(false, "cannot query the store: " + e.getClass().getSimpleName());
    }
  }

  private Status crm(String name, CrmAdapter adapter) {
    Instant now = clock.instant();
    Checked cached = crmChecks.get(name);
    if (cached != null && cached.at().plus(CRM_CHECK_FRESH_FOR).isAfter(now)) {
      return cached.status();
    }
    Status status;
    try {
      ConnectionCheck check = adapter.check();
      status = !check.authenticated() ? new Status(false, "cannot sign in: " + String.join("; ", check.problems()))
          : new Status(true, check.problems().isEmpty() ? "ready" : check.problems().size() + " problem(s): "
              + String.join("; ", check.problems()));
    } catch (CrmException e) {
      status = new Status(false, e.getMessage());
    } catch (RuntimeException e) {
      status = new Status(false, "check failed: " + e.getClass().getSimpleName());
    }
    crmChecks.put(name, new Checked(status, now));
    return status;
  }
}
