package io.npsconnector.core.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own schema in the local PostgreSQL, dropped afterwards. Register it as a
 * static field with {@code @RegisterExtension}.
 *
 * <p>Where PostgreSQL cannot be reached the class is skipped with a message, unless the environment
 * sets {@code NPS_REQUIRE_POSTGRES=true} (as {@code .ci/run} does): then it fails. The server is
 * {@code NPS_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}) as
 * {@code NPS_TEST_POSTGRES_USER} (default {@code postgres}) with {@code NPS_TEST_POSTGRES_PASSWORD}.
 */
public final class PostgresDatabase implements BeforeAllCallback, AfterAllCallback {
  public static final String REQUIRE_VARIABLE = "NPS_REQUIRE_POSTGRES";

  private final Map<String, String> env;
  private String schema;

  public PostgresDatabase() {
    this(System.getenv());
  }

  PostgresDatabase(Map<String, String> env) {
    this.env = env;
  }

  /** True when the environment makes PostgreSQL tests mandatory. */
  public boolean required() {
    return Boolean.parseBoolean(env.getOrDefault(REQUIRE_VARIABLE, "false").strip().toLowerCase(Locale.ROOT));
  }

  public String serverUrl() {
    return env.getOrDefault("NPS_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  }

  public String user() {
    return env.getOrDefault("NPS_TEST_POSTGRES_USER", "postgres");
  }

  public String password() {
    return env.getOrDefault("NPS_TEST_POSTGRES_PASSWORD", "");
  }

  /** The JDBC URL of this class's schema; valid between beforeAll and afterAll. */
  public String jdbcUrl() {
    if (schema == null) {
      throw new IllegalStateException("no schema yet: register PostgresDatabase with @RegisterExtension on a static field");
    }
    return serverUrl() + (serverUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  public String schema() {
    return schema;
  }

  /** A new connection to this class's schema. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), properties());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    String candidate = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection connection = DriverManager.getConnection(serverUrl(), properties());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + candidate);
    } catch (SQLException e) {
      String reason = "PostgreSQL is not reachable at " + serverUrl() + " as " + user() + ": " + e.getMessage();
      if (required()) {
        throw new IllegalStateException(reason + " (" + REQUIRE_VARIABLE + "=true makes PostgreSQL tests mandatory)", e);
      }
      System.err.println("[skipped] " + (context == null ? "PostgreSQL tests" : context.getDisplayName()) + ": " + reason
          + "; set " + REQUIRE_VARIABLE + "=true to make this a failure");
      Assumptions.abort(reason);
    }
    schema = candidate;
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    if (schema == null) {
      return;
    }
    try (Connection connection = DriverManager.getConnection(serverUrl(), properties());
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    } finally {
      schema = null;
    }
  }

  private Properties properties() {
    Properties properties = new Properties();
    properties.setProperty("user", user());
    properties.setProperty("password", password());
    properties.setProperty("connectTimeout", "5");
    return properties;
  }
}
