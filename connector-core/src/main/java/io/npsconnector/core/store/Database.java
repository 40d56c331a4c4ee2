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

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;
  private final Vendor vendor;
  private final boolean h2File;
  private final Jdbi jdbi;

  private Database(HikariDataSource dataSource, Vendor vendor, boolean h2File) {
    this.dataSource = dataSource;
    this.vendor = vendor;
    this.h2File = h2File;
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
    return new Database(dataSource, vendor, jdbcUrl.startsWith("jdbc:h2:file:"));
  }

  /**
   * The JDBC URL of an embedded H2 file store at {@code path} (H2 adds {@code .mv.db}). In H2's automatic mixed
   * mode: the first process opens the file and serves it; another process (a command reading the store while
   * the service runs) connects to that one instead of waiting for the file lock. H2 keeps the space of old
   * versions for {@code RETENTION_TIME} before it reuses it; at its default (45 s) a long sync writes faster than
   * that space comes free and the open file grows to several times its data (about 10 times at 10 k contacts). One
   * second halves that; 0 would free it at once but is known to let a crash leave a file H2 cannot open.
   */
  static String h2Url(Path path) {
    return "jdbc:h2:file:" + path.toAbsolutePath().normalize() + H2_SETTINGS;
  }

  /** The settings {@link #h2Url} gives H2 (public for measurements that open the store by URL). */
  public static final String H2_SETTINGS = ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000;RETENTION_TIME=1000";

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

  /**
   * Closes the pool. An H2 file this process serves is compacted first ({@code SHUTDOWN COMPACT}): H2 appends
   * every change and reuses the space of old versions only partly while the store is open, so the file of a
   * busy store grows to several times its data; compacted, it is its data again. A process that only reads
   * the file through the one serving it (explain while run serves) leaves it alone.
   */
  @Override
  public void close() {
    if (h2File && !dataSource.isClosed()) {
      compactH2();
    }
    dataSource.close();
  }

  private void compactH2() {
    long started = System.nanoTime();
    try (java.sql.Connection connection = dataSource.getConnection()) {
      if (!(connection.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal)) {
        return; // a client of the process that serves the file
      }
      try (java.sql.Statement statement = connection.createStatement()) {
        // SHUTDOWN ends every session of the file: only when all of them are this pool's (no other pool of
        // this process on the same file, no other process reading it through this one)
        int sessions;
        try (java.sql.ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
          count.next();
          sessions = count.getInt(1);
        }
        if (sessions > dataSource.getHikariPoolMXBean().getTotalConnections()) {
          LOG.debug("store not compacted on close: {} sessions use it besides this pool's", sessions);
          return;
        }
        // the pool's clean-up calls on connections the SHUTDOWN closed fail inside H2, which would write each to
        // a .trace.db file beside the store: nothing is wrong, so nothing is traced from here on
        statement.execute("SET TRACE_LEVEL_FILE 0");
        statement.execute("SHUTDOWN COMPACT");
      }
      LOG.debug("store compacted in {} ms", (System.nanoTime() - started) / 1_000_000);
    } catch (java.sql.SQLException e) {
      // the store is consistent without it; the file is only larger than it needs to be
      if (e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_IS_CLOSED
          || e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_CALLED_AT_SHUTDOWN) {
        LOG.debug("store not compacted on close: it was closed already");
      } else {
        LOG.warn("could not compact the store file on close: {}", e.getMessage());
      }
    } catch (RuntimeException e) {
      LOG.warn("could not compact the store file on close: {}", e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
