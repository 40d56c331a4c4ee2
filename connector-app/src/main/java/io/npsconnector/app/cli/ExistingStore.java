package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.config.Secret;
import io.npsconnector.config.StoreConfig;
import io.npsconnector.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Whether a configuration's store is there already, so that a command that only looks never creates one. */
final class ExistingStore {
  private ExistingStore() {}

  /**
   * An H2 store whose file exists, or a PostgreSQL database that holds the store's tables (one the connector has
   * migrated: its Flyway history is in the schema the connection uses). A database that cannot be reached counts
   * as there, so that opening it names the reason.
   */
  static boolean exists(StoreConfig store) {
    if (store instanceof StoreConfig.H2 h2) {
      return Files.isRegularFile(file(h2));
    }
    StoreConfig.Postgres postgres = (StoreConfig.Postgres) store;
    if (postgres.password().filter(password -> !password.isSet()).isPresent()) {
      return true; // opening it says which variable is missing
    }
    try (Connection connection = DriverManager.getConnection(postgres.url(), postgres.user(),
        postgres.password().map(Secret::reveal).orElse(""));
        PreparedStatement query = connection.prepareStatement("SELECT 1 FROM information_schema.tables "
            + "WHERE table_schema = current_schema() AND table_name = 'flyway_schema_history'");
        ResultSet found = query.executeQuery()) {
      return found.next();
    } catch (SQLException e) {
      return true;
    }
  }

  /**
   * The store of a command that only reads it: refused, naming the file, when there is none (nothing is created),
   * and a store that cannot be opened as one line naming it.
   */
  static Database open(Composition app, StoreConfig store, Path configFile) {
    if (!exists(store)) {
      String where = store instanceof StoreConfig.H2 h2 ? "no store at " + file(h2) + " (store.path in " + configFile
          + ")" : "no store in the database at " + ((StoreConfig.Postgres) store).url() + " (store.url in " + configFile
          + "; its tables are not in the schema the connection uses)";
      throw new CommandFailure(where + ": nothing has run on this configuration yet; start the connector (run) or "
          + "the demo first, or correct " + (store instanceof StoreConfig.H2 ? "store.path" : "store.url"));
    }
    try {
      return app.get(Database.class);
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
      throw new CommandFailure(message.lines().findFirst().orElse(message)
          + (message.startsWith("cannot open the store") ? "" : " (store in " + configFile + ")"));
    }
  }

  private static Path file(StoreConfig.H2 h2) {
    return Path.of(h2.path().toAbsolutePath().normalize() + ".mv.db");
  }
}
