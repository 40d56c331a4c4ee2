package io.npsconnector.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.npsconnector.config.Secret;
import io.npsconnector.config.StoreConfig;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The relational store: a pooled data source, migrated to the current schema on open (Flyway), and
 * a {@link Jdbi} over it. The same migrations run on H2 and PostgreSQL. Owns the pool: close it.
 */
public final class Database implements AutoCloseable {
  /** Which SQL dialect the store speaks; the schema is the same, only a column type differs. */
  enum Vendor { H2, POSTGRESQL }

  private static final String H2_BIND_ADDRESS = "h2.bindAddress";

  private final HikariDataSource dataSource;
  private final Vendor vendor;
  private final Jdbi jdbi;

  private Database(HikariDataSource dataSource, Vendor vendor) {
    this.dataSource = dataSource;
    this.vendor = vendor;
    this.jdbi = Jdbi.create(dataSource);
  }

  /** Opens the configured store and migrates it. */
  public static Database open(StoreConfig config) {
    if (config instanceof StoreConfig.H2 h2) {
      // the process that opens the file first serves it to the others (explain while run serves) on loopback
      // only: H2 reads this once, before its first use
      if (System.getProperty(H2_BIND_ADDRESS) == null) {
        System.setProperty(H2_BIND_ADDRESS, "127.0.0.1");
      }
      return open(h2Url(h2.path()), "sa", "");
    }
    StoreConfig.Postgres postgres = (StoreConfig.Postgres) config;
    return open(postgres.url(), postgres.user(), postgres.password().map(Secret::reveal).orElse(""));
  }

  /** Opens a store by JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}) and migrates it. */
  public static Database open(String jdbcUrl, String user, String password) {
    Vendor vendor = jdbcUrl.startsWith("jdbc:postgresql:") ? Vendor.POSTGRESQL : Vendor.H2;
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(jdbcUrl);
    hikari.setUsername(user);
    hikari.setPassword(password);
    hikari.setMaximumPoolSize(10);
    hikari.setPoolName("npsconnector-store");
    hikari.setInitializationFailTimeout(10_000);
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      // the driver's message may carry the URL but never the password
      throw new IllegalStateException("cannot open the store at " + jdbcUrl + " as " + user + ": "
          + rootMessage(e), e);
    }
    try {
      migrate(dataSource, vendor);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new Database(dataSource, vendor);
  }

  /**
   * The JDBC URL of an embedded H2 file store at {@code path} (H2 adds {@code .mv.db}). In H2's automatic mixed
   * mode: the first process opens the file and serves it; another process (a command reading the store while
   * the service runs) connects to that one instead of waiting for the file lock.
   */
  static String h2Url(Path path) {
    return "jdbc:h2:file:" + path.toAbsolutePath().normalize()
        + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000";
  }

  private static void migrate(DataSource dataSource, Vendor vendor) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .placeholders(Map.of("binary_type", vendor == Vendor.POSTGRESQL ? "BYTEA" : "VARBINARY(1000000)"))
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  Vendor vendor() {
    return vendor;
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
