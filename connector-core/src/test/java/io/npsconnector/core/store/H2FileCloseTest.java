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
    Path storeFile = folder.resolve("npsconnector.mv.db");
    long open = database.jdbi().withHandle(handle -> {
      // versions H2 keeps appending while the store is open: a file several times its data. Each round is written
      // out (CHECKPOINT) before and after its delete, so that the churn reaches the file whatever H2's background
      // writer does meanwhile; rounds go on until the open file holds at least 2 MB that closing can give back.
      long size = 0;
      for (int round = 0; round < 200 && size < 2 << 20; round++) {
        handle.execute("INSERT INTO sync_cursors (connection, cursor_value, updated_at) SELECT 'c' || X, "
            + "REPEAT('v', 500), CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, 2000)");
        handle.execute("CHECKPOINT");
        handle.execute("DELETE FROM sync_cursors");
        handle.execute("CHECKPOINT");
        size = Files.size(storeFile);
      }
      handle.execute("INSERT INTO sync_cursors (connection, cursor_value, updated_at) VALUES ('crm', 'x', "
          + "CURRENT_TIMESTAMP)");
      handle.execute("CHECKPOINT"); // on disk now, not only in H2's memory: the size below is the open file's
      return Files.size(storeFile);
    });
    assertThat(open).as("the open file, bloated by the churn").isGreaterThanOrEqualTo(1 << 20);

    database.close();

    assertThat(Files.size(storeFile)).as("compacted on close").isLessThan(open / 2);
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
