package io.npsconnector.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.PostgresDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
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

  @Test
  void aPassThatGrowsTheInvitationsKeepsThePlannersStatisticsOfThemCurrent() {
    // the pass starts on an empty invitations table; planned for that, a page's survey look-ups scan every
    // invitation made so far, and a first sync's pass takes time quadratic in its events
    int contacts = 2_500;
    for (int i = 0; i < contacts; i++) {
      String id = String.format("p%05d", i);
      crm.putContact(contact(id).build());
      crm.addEvent(purchase("opp-" + id, id, T0.minus(HOUR)));
    }
    Engine engine = engine(config().purchase().build());

    assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(contacts);

    float estimated = database.jdbi().withHandle(handle -> handle.createQuery("SELECT c.reltuples FROM pg_class c "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
        + "AND c.relname = 'invitations'").mapTo(Float.class).one());
    assertThat(estimated).as("the planner's row count of invitations after the pass").isGreaterThan(contacts / 2f);
  }

  @Override
  Database reopen() {
    return Database.open(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }
}
