package io.npsconnector.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Small shared pieces of SQL handling that both H2 and PostgreSQL need. */
final class Sql {
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
      .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
      .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final String UNIQUE_VIOLATION = "23505";

  private Sql() {}

  /**
   * A table of {@code count} keys, {@code (VALUES (:key0), (:key1), ...) AS wanted(id)}, to join a table's index
   * on: a read of many rows by a key that is not an index's first column ({@code connection, crm_id}) seeks each
   * of them, where {@code crm_id IN (...)} makes H2 read every row of the connection. Bind it with
   * {@link #bindKeys}. The table has {@link #slots} rows, the keys' and NULLs after them that join nothing, so
   * that the statement's text is one of a few: parsed and planned once (Jdbi's parser, H2's query cache,
   * PostgreSQL's prepared statements), not once per length of a page's key list.
   */
  static String keys(int count) {
    StringBuilder sql = new StringBuilder("(VALUES ");
    for (int i = 0; i < slots(count); i++) {
      sql.append(i == 0 ? "(CAST(:key0 AS VARCHAR(320)))" : ", (:key" + i + ")");
    }
    return sql.append(") AS wanted(id)").toString();
  }

  /**
   * {@code keys} without repeats, in their order, in lists of at most {@link ContactRepository#IN_LIST}: one
   * query each for a read by many keys.
   */
  static List<List<String>> chunks(java.util.Collection<String> keys) {
    List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(keys));
    List<List<String>> chunks = new java.util.ArrayList<>();
    for (int from = 0; from < distinct.size(); from += ContactRepository.IN_LIST) {
      chunks.add(distinct.subList(from, Math.min(distinct.size(), from + ContactRepository.IN_LIST)));
    }
    return chunks;
  }

  /**
   * The ids of the rows of {@code table} of one connection and group ({@code groupColumn}) whose {@code keyColumn}
   * holds one of {@code wanted}, by that key: a key table joined on the table's unique key, one query per chunk.
   */
  static Map<String, Long> idsByKey(Handle handle, String table, String groupColumn, String keyColumn,
      String connection, String group, java.util.Collection<String> wanted) {
    Map<String, Long> ids = new java.util.HashMap<>();
    for (List<String> some : chunks(wanted)) {
      bindKeys(handle.createQuery("SELECT t." + keyColumn + ", t.id FROM " + keys(some.size()) + " JOIN " + table
              + " t ON t.connection = :connection AND t." + groupColumn + " = :group AND t." + keyColumn
              + " = wanted.id"), some)
          .bind("connection", connection).bind("group", group)
          .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
          .forEach(row -> ids.put(row.getKey(), row.getValue()));
    }
    return ids;
  }

  /** Binds the keys of {@link #keys}, and NULL to its slots after them. */
  static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindKeys(T statement, List<String> keys) {
    for (int i = 0; i < slots(keys.size()); i++) {
      statement.bindByType("key" + i, i < keys.size() ? keys.get(i) : null, String.class);
    }
    return statement;
  }

  /**
   * The rows of a key table ({@link #keys}) or the values of an {@code IN} list for {@code count} keys: 8, 16,
   * 32 ... up to {@link ContactRepository#IN_LIST}; more than that are given as they are.
   */
  static int slots(int count) {
    int slots = 8;
    while (slots < count && slots < ContactRepository.IN_LIST) {
      slots = Math.min(slots * 2, ContactRepository.IN_LIST);
    }
    return Math.max(slots, count);
  }

  /**
   * {@code values} (not empty) for an {@code IN} list, its last value repeated to its {@link #slots}: an
   * {@code IN} list that names a value twice finds the same rows, in one of a few statement texts.
   */
  static <V> List<V> padded(List<V> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("an IN list needs a value");
    }
    List<V> padded = new java.util.ArrayList<>(values);
    while (padded.size() < slots(values.size())) {
      padded.add(values.get(values.size() - 1));
    }
    return padded;
  }

  /**
   * Runs an insert that a unique constraint may refuse, without spoiling the surrounding transaction
   * (PostgreSQL aborts a transaction on any error, so the insert runs under a savepoint).
   *
   * @return true when the row was inserted, false when the constraint refused it
   */
  static boolean insertIfAbsent(Handle handle, Function<Handle, Integer> insert) {
    String savepoint = "insert_if_absent";
    boolean outer = handle.isInTransaction();
    if (!outer) {
      try {
        return insert.apply(handle) > 0;
      } catch (UnableToExecuteStatementException e) {
        if (isUniqueViolation(e)) {
          return false;
        }
        throw e;
      }
    }
    handle.savepoint(savepoint);
    try {
      boolean inserted = insert.apply(handle) > 0;
      handle.release(savepoint);
      return inserted;
    } catch (UnableToExecuteStatementException e) {
      if (isUniqueViolation(e)) {
        handle.rollbackToSavepoint(savepoint);
        return false;
      }
      throw e;
    }
  }

  /**
   * What ends an insert that its table's unique key may refuse: on PostgreSQL {@code ON CONFLICT DO NOTHING}, so
   * that a row another transaction inserted meanwhile does not abort this one; nothing on H2, whose inserts
   * guard themselves with {@code NOT EXISTS} and which one process serves.
   */
  static String onConflictDoNothing(Handle handle) {
    return postgres(handle) ? " ON CONFLICT DO NOTHING" : "";
  }

  static boolean postgres(Handle handle) {
    try {
      return "PostgreSQL".equals(handle.getConnection().getMetaData().getDatabaseProductName());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot tell which database the store is: " + e.getMessage(), e);
    }
  }

  static boolean isUniqueViolation(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      // a batch's failure (BatchUpdateException) carries the failed statement's as its next exception
      for (SQLException sql = cause instanceof SQLException first ? first : null; sql != null;
          sql = sql.getNextException()) {
        if (UNIQUE_VIOLATION.equals(sql.getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }

  static String json(Map<String, String> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static Map<String, String> map(String json) {
    try {
      return JSON.readValue(json, new TypeReference<java.util.LinkedHashMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  /** Cuts text to a column's size, so that a long CRM error message never fails the write that records it. */
  static String fit(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  static java.sql.Timestamp timestamp(Instant instant) {
    return instant == null ? null : java.sql.Timestamp.from(instant);
  }
}
