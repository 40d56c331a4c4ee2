package io.npsconnector.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.npsconnector.config.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What closing an H2 file store leaves in its folder: the compacted file, and nothing an admin would puzzle over. */
class H2FileCloseTest {
  @TempDir
  Path folder;

  @Test
  void closingCompactsTheFileAndLeavesNoTraceFile() throws IOException {
    Path store = folder.resolve("npsconnector");
    Database database = Database.open(new StoreConfig.H2(store));
    database.jdbi().useHandle(handle -> {
      // versions H2 keeps appending while the store is open: a file several times its data
      for (int round = 0; round < 20; round++) {
        handle.execute("INSERT INTO sync_cursors (connection, cursor_value, updated_at) SELECT 'c' || X, "
            + "REPEAT('v', 500), CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, 2000)");
        handle.execute("DELETE FROM sync_cursors");
      }
      handle.execute("INSERT INTO sync_cursors (connection, cursor_value, updated_at) VALUES ('crm', 'x', "
          + "CURRENT_TIMESTAMP)");
      handle.execute("CHECKPOINT"); // on disk now, not only in H2's memory: the size below is the open file's
    });
    long open = Files.size(folder.resolve("npsconnector.mv.db"));

    database.close();

    assertThat(Files.size(folder.resolve("npsconnector.mv.db"))).as("compacted on close").isLessThan(open / 2);
    Path trace = folder.resolve("npsconnector.trace.db");
    String traced = Files.exists(trace) ? Files.readString(trace) : "";
    try (Stream<Path> files = Files.list(folder)) {
      // H2 writes npsconnector.trace.db when a call fails inside it, e.g. on a connection its SHUTDOWN closed
      assertThat(files.map(file -> file.getFileName().toString())).as(traced).containsExactly("npsconnector.mv.db");
    }
    Database reopened = Database.open(new StoreConfig.H2(store));
    try {
      String cursor = reopened.jdbi().withHandle(handle -> handle.createQuery("SELECT cursor_value FROM sync_cursors")
          .mapTo(String.class).one());
      assertThat(cursor).isEqualTo("x");
    } finally {
      reopened.close();
    }
  }
}
