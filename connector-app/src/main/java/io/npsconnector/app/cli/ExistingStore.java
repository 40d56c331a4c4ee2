package io.npsconnector.app.cli;

import io.npsconnector.config.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a configuration's store is there already, so that a command that only looks never creates one. */
final class ExistingStore {
  private ExistingStore() {}

  /** An H2 store whose file exists, or a PostgreSQL store (a server's database is there by definition). */
  static boolean exists(StoreConfig store) {
    if (store instanceof StoreConfig.H2 h2) {
      return Files.isRegularFile(Path.of(h2.path().toAbsolutePath() + ".mv.db"));
    }
    return true;
  }
}
