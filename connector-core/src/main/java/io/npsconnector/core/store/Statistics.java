package io.npsconnector.core.store;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * Keeps PostgreSQL's planner statistics of the store's busiest tables current while they grow. Without them
 * (a table loaded faster than autovacuum's next round, or autovacuum off) PostgreSQL cannot tell an index on
 * {@code (connection, crm_id)} from one on {@code (connection, account_id)}, estimates one row for either, and may
 * look a contact up by scanning every contact of its connection: a first sync then takes time quadratic in the
 * base. Analyzing a table samples at most a few ten thousand rows, so it costs about the same at 10 k and 1 M.
 * A no-op on H2, whose planner reads the row counts it keeps.
 */
public final class Statistics {
  /** Rows written between two looks at the statistics' age. */
  private static final long CHECK_EVERY = 5_000;

  private final AtomicLong written = new AtomicLong();
  private final AtomicLong nextCheck = new AtomicLong(1_000);

  /** Counts {@code rows} written and, once enough were since the last look, refreshes the tables that need it. */
  void wrote(Handle handle, int rows, List<String> tables) {
    long total = written.addAndGet(rows);
    long due = nextCheck.get();
    if (total >= due && nextCheck.compareAndSet(due, total + CHECK_EVERY)) {
      refresh(handle, tables);
    }
  }

  /**
   * One table that a long run of work fills, followed by its own count rather than by the server's activity
   * statistics (which a backend reports only from time to time, so that a look right after a commit may not see
   * it): the table is analyzed once the rows added since the planner last counted it exceed half its count and
   * {@value #GROWTH_MINIMUM} rows, so that the planner's count stays within a factor of two of the truth at a few
   * analyses per tenfold growth. A no-op on H2. One per table and store: it may follow many runs, and
   * runs of two threads (a webhook's pass beside a sync's) count under its lock.
   */
  public static final class Growth {
    private static final int GROWTH_MINIMUM = 1_000;
    private final String table;
    private long added;
    private double counted = -1;

    public Growth(String table) {
      this.table = table;
    }

    /** Counts {@code rows} added to the table in {@code handle}'s view, and analyzes it when they are many. */
    public synchronized void added(Handle handle, int rows) {
      if (rows == 0 || !Sql.postgres(handle)) {
        return;
      }
      if (counted < 0) {
        counted = Math.max(0, reltuples(handle)); // -1 for a table never analyzed
      }
      added += rows;
      if (added > GROWTH_MINIMUM && added > counted / 2) {
        handle.execute("ANALYZE " + table);
        counted = Math.max(0, reltuples(handle));
        added = 0;
      }
    }

    private double reltuples(Handle handle) {
      return handle.createQuery("SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
              + "WHERE n.nspname = current_schema() AND c.relname = :table")
          .bind("table", table).mapTo(Double.class).findOne().orElse(0.0);
    }
  }

  /**
   * Analyzes each of {@code tables} of the current schema that was never analyzed, or changed by more than half of
   * its rows since, on PostgreSQL: the planner's counts stay within a factor of about two of the truth while a run
   * fills the tables, at a few analyses per tenfold growth. Autovacuum's own rule (a tenth) analyzed the contacts
   * of a 100,000-contact first sync eleven times, 3.7 s of its 6 s of analyses; autovacuum still keeps to it
   * between runs.
   */
  public static void refresh(Handle handle, List<String> tables) {
    if (!Sql.postgres(handle)) {
      return;
    }
    List<String> stale = handle.createQuery("SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c "
            + "ON c.oid = s.relid WHERE s.schemaname = current_schema() AND s.relname IN (<tables>) "
            + "AND s.n_mod_since_analyze > 500 + 0.5 * GREATEST(c.reltuples, 0)")
        .bindList("tables", tables).mapTo(String.class).list();
    for (String table : stale) {
      handle.execute("ANALYZE " + table);
    }
  }
}
