package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.config.StoreConfig;
import io.npsconnector.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a configuration's store is there already, so that a command that only looks never creates one. */
final class ExistingStore {
  private ExistingStore() {}

  /** An H2 store whose file exists, or a PostgreSQL store (a server's database is there by definition). */
  static boolean exists(StoreConfig store) {
    if (store instanceof StoreConfig.H2 h2) {
      return Files.isRegularFile(file(h2));
    }
    return true;
  }

  /**
   * The store of a command that only reads it: refused, naming the file, when there is none (nothing is created),
   * and a store that cannot be opened as one line naming it.
   */
  static Database open(Composition app, StoreConfig store, Path configFile) {
    if (store instanceof StoreConfig.H2 h2 && !exists(store)) {
      throw new CommandFailure("no store at " + file(h2) + " (store.path in " + configFile + "): nothing has run "
          + "on this configuration yet; start the connector (run) or the demo first, or correct store.path");
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
