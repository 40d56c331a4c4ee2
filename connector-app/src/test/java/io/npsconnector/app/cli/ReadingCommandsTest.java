package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.PostgresDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain} and {@code simulate} on the shipped production example (PostgreSQL, HubSpot), with the store
 * in use by another opener as {@code run} would hold it: they need only the secret they use (the store's
 * password), not the CRM token, the admin password or the signing secret, and say in one line which one is
 * missing when it is.
 */
class ReadingCommandsTest {
  @RegisterExtension static final PostgresDatabase POSTGRES = new PostgresDatabase();
  private static final Path EXAMPLE = Path.of("..", "config", "examples", "hubspot.yaml");

  @TempDir Path dir;

  @Test
  void explainAndSimulateReadAPostgresStoreInUseWithOnlyTheStoresSecretSet() throws IOException {
    Path config = exampleOnThisSchema();
    try (Database inUse = Database.open(POSTGRES.jdbcUrl(), POSTGRES.user(), POSTGRES.password())) {
      Map<String, String> onlyTheStoresSecret = Map.of("PGPASSWORD", "ignored-by-trust-authentication");

      CommandRun explain = run(onlyTheStoresSecret, "explain", "--config", config.toString(), "--contact",
          "hubspot:101");
      CommandRun simulate = run(onlyTheStoresSecret, "simulate", "--config", config.toString(), "--days", "2");

      assertThat(explain.exitCode()).as(explain.err()).isZero();
      assertThat(explain.out()).startsWith("The store has nothing about hubspot:101:");
      assertThat(simulate.exitCode()).as(simulate.err()).isZero();
      assertThat(simulate.out()).startsWith("Simulation of the next 2 days");
    }
  }

  @Test
  void aReadingCommandWithoutTheStoresSecretSaysWhichOneInOneLine() throws IOException {
    CommandRun explain = run(Map.of(), "explain", "--config", exampleOnThisSchema().toString(), "--contact",
        "hubspot:101");

    assertThat(explain.exitCode()).isEqualTo(1);
    assertThat(explain.err().lines()).containsExactly("the environment variable of ${PGPASSWORD} is not set (store in "
        + dir.resolve("hubspot.yaml") + ")");
  }

  @Test
  void commandsThatUseTheCrmStillRequireItsSecrets() throws IOException {
    CommandRun check = run(Map.of("PGPASSWORD", "x"), "check", "--config", exampleOnThisSchema().toString());

    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.err()).contains("credentials.token: environment variable HUBSPOT_TOKEN is not set");
  }

  @Test
  void readingCommandsNeverTurnAnEmptyDatabaseIntoAStore() throws Exception {
    String empty = POSTGRES.schema() + "_empty";
    try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + empty);
    }
    try {
      String url = POSTGRES.serverUrl() + (POSTGRES.serverUrl().contains("?") ? "&" : "?") + "currentSchema=" + empty;
      Path config = exampleOn(url);
      Map<String, String> onlyTheStoresSecret = Map.of("PGPASSWORD", "ignored-by-trust-authentication");

      CommandRun explain = run(onlyTheStoresSecret, "explain", "--config", config.toString(), "--contact",
          "hubspot:101");
      CommandRun simulate = run(onlyTheStoresSecret, "simulate", "--config", config.toString(), "--days", "2");

      for (CommandRun command : List.of(explain, simulate)) {
        assertThat(command.exitCode()).isEqualTo(1);
        assertThat(command.err().lines()).singleElement().asString()
            .startsWith("no store in the database at " + url + " (store.url in " + config);
      }
      try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement();
          ResultSet tables = statement.executeQuery("SELECT COUNT(*) FROM information_schema.tables "
              + "WHERE table_schema = '" + empty + "'")) {
        tables.next();
        assertThat(tables.getInt(1)).as("tables created in %s", empty).isZero();
      }
    } finally {
      try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA " + empty + " CASCADE");
      }
    }
  }

  /** The production example with its store on this test's schema, every other line as shipped. */
  private Path exampleOnThisSchema() throws IOException {
    return exampleOn(POSTGRES.jdbcUrl());
  }

  /** The production example with its store at {@code jdbcUrl}, every other line as shipped. */
  private Path exampleOn(String jdbcUrl) throws IOException {
    String example = Files.readString(EXAMPLE);
    String url = "  url: jdbc:postgresql://${PGHOST:-localhost}:5432/npsconnector\n";
    assertThat(example).contains(url, "  user: npsconnector\n", "  password: ${PGPASSWORD}\n");
    Path config = dir.resolve("hubspot.yaml");
    Files.writeString(config, example.replace(url, "  url: " + jdbcUrl + "\n")
        .replace("  user: npsconnector\n", "  user: " + POSTGRES.user() + "\n"));
    return config;
  }

  private static CommandRun run(Map<String, String> environment, String... args) {
    return CommandRun.of(environment, args);
  }
}
