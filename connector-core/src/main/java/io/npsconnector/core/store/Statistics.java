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
   * Analyzes each of {@code tables} of the current schema that was never analyzed, or changed by more than a tenth
   * of its rows since (autovacuum's own default rule), on PostgreSQL.
   */
  public static void refresh(Handle handle, List<String> tables) {
    if (!Sql.postgres(handle)) {
      return;
    }
    List<String> stale = handle.createQuery("SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c "
            + "ON c.oid = s.relid WHERE s.schemaname = current_schema() AND s.relname IN (<tables>) "
            + "AND s.n_mod_since_analyze > 500 + 0.1 * GREATEST(c.reltuples, 0)")
        .bindList("tables", tables).mapTo(String.class).list();
    for (String table : stale) {
      handle.execute("ANALYZE " + table);
    }
  }
}
