package io.npsconnector.core.store;

import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The write-back queue: one row per kind and coalescing key (a contact, an account, an answer), so that
 * a newer answer replaces a pending older one (latest wins), and every per-record result the CRM gave.
 * Internal to the engine.
 */
public final class WritebackRepository {
  private final Jdbi jdbi;

  public WritebackRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** What a queue row asks the CRM to do. */
  public enum Kind {
    CONTACT_NPS(WriteRequest.ContactNps.class),
    ACCOUNT_NPS(WriteRequest.AccountNps.class),
    FOLLOW_UP_TASK(WriteRequest.FollowUpTask.class),
    TIMELINE_ACTIVITY(WriteRequest.TimelineActivity.class),
    EMAIL_OPT_OUT(WriteRequest.EmailOptOut.class),
    RESPONSE(WriteRequest.Response.class);

    private final Class<? extends WriteRequest> type;

    Kind(Class<? extends WriteRequest> type) {
      this.type = type;
    }

    public static Kind of(WriteRequest request) {
      for (Kind kind : values()) {
        if (kind.type.isInstance(request)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("no queue kind for " + request.getClass());
    }
  }

  /**
   * A queue row.
   *
   * @param crmRecordId the record the CRM last said it wrote for this key (kept across newer answers)
   * @param lastSentAt when the row was last handed to the CRM, whatever came of it
   */
  public record Item(long id, String connection, Kind kind, String coalesceKey, String payload, String state,
      int attempts, Instant nextAttemptAt, Optional<String> errorCode, Optional<String> errorMessage,
      Instant updatedAt, Optional<String> crmRecordId, Optional<Instant> lastSentAt) {
    public WriteRequest request() {
      return Sql.read(payload, kind.type);
    }

    /**
     * What is known of earlier writes of this key: the record the CRM named, or an unknown outcome when the
     * row was handed to the CRM without a record being named since (a crash, a timeout, a failure).
     */
    public PriorWrite prior() {
      return crmRecordId.map(PriorWrite::written)
          .orElse(lastSentAt.isPresent() ? PriorWrite.UNKNOWN : PriorWrite.NONE);
    }
  }

  private static final String COLUMNS = "id, connection, kind, coalesce_key, payload, state, attempts, "
      + "next_attempt_at, error_code, error_message, updated_at, crm_record_id, last_sent_at";

  /**
   * Queues a request under its key; a pending or finished row with the same kind and key is replaced
   * by this one and made due now.
   */
  public void enqueue(Handle handle, String connection, WriteRequest request, Instant now) {
    Kind kind = Kind.of(request);
    String payload = Sql.json(request);
    int updated = handle.createUpdate("UPDATE writeback_queue SET payload = :payload, state = 'PENDING', attempts = 0, "
            + "next_attempt_at = :now, error_code = NULL, error_message = NULL, updated_at = :now "
            + "WHERE connection = :connection AND kind = :kind AND coalesce_key = :key")
        .bind("payload", payload).bind("now", Sql.timestamp(now)).bind("connection", connection)
        .bind("kind", kind.name()).bind("key", request.key()).execute();
    if (updated == 0 && !Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO writeback_queue (connection, kind, "
            + "coalesce_key, contact_crm_id, payload, state, attempts, next_attempt_at, created_at, updated_at) "
            + "VALUES (:connection, :kind, :key, :contactId, :payload, 'PENDING', 0, :now, :now, :now)")
        .bindByType("contactId", contactId(request).orElse(null), String.class).bind("payload", payload).bind("now", Sql.timestamp(now)).bind("connection", connection)
        .bind("kind", kind.name()).bind("key", request.key()).execute())) {
      enqueue(handle, connection, request, now); // inserted concurrently by another answer: replace it
    }
  }

  /** The contact a request concerns; none for an account's roll-up. */
  static Optional<String> contactId(WriteRequest request) {
    if (request instanceof WriteRequest.ContactNps nps) {
      return Optional.of(nps.contactId());
    }
    if (request instanceof WriteRequest.FollowUpTask task) {
      return Optional.of(task.contactId());
    }
    if (request instanceof WriteRequest.TimelineActivity activity) {
      return Optional.of(activity.contactId());
    }
    if (request instanceof WriteRequest.EmailOptOut optOut) {
      return Optional.of(optOut.contactId());
    }
    return Optional.empty();
  }

  /** Every queue row about one contact, for {@code explain}. */
  public List<Item> forContact(String connection, String contactId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM writeback_queue "
            + "WHERE connection = :connection AND contact_crm_id = :contactId ORDER BY id")
        .bind("connection", connection).bind("contactId", contactId).map((rs, ctx) -> item(rs)).list());
  }

  /** Pending rows due at {@code now}, oldest first. */
  public List<Item> due(String connection, Instant now, int limit) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM writeback_queue WHERE connection = :connection "
            + "AND state = 'PENDING' AND next_attempt_at <= :now ORDER BY connection, state, id LIMIT :limit")
        .bind("connection", connection).bind("now", Sql.timestamp(now)).bind("limit", limit)
        .map((rs, ctx) -> item(rs)).list());
  }

  /**
   * Records the CRM's result for a row written with {@code payload}. A row whose payload changed in the
   * meantime (a newer answer) stays pending for its own write.
   *
   * @param retryAt when a retriable failure may be tried again; empty when it has no tries left
   */
  public void complete(Item item, RecordResult result, Optional<Instant> retryAt, Instant now) {
    completeAll(List.of(new Completion(item, result, retryAt)), now);
  }

  /** The CRM's result for one row written, and when a retriable failure may be tried again. */
  public record Completion(Item item, RecordResult result, Optional<Instant> retryAt) {}

  /**
   * As {@link #complete} for every row of a batch the CRM answered, in one transaction and three batched
   * statements, whatever the batch's size.
   */
  public void completeAll(List<Completion> completions, Instant now) {
    if (completions.isEmpty()) {
      return;
    }
    jdbi.useTransaction(handle -> {
      var results = handle.prepareBatch("INSERT INTO writeback_results (queue_id, at, success, crm_record_id, "
          + "error_code, message, retriable) VALUES (:id, :now, :success, :recordId, :code, :message, :retriable)");
      var rows = handle.prepareBatch("UPDATE writeback_queue SET state = :state, attempts = attempts + 1, "
          + "next_attempt_at = :next, crm_record_id = COALESCE(:recordId, crm_record_id), error_code = :code, "
          + "error_message = :message, updated_at = :now WHERE id = :id AND payload = :payload");
      // a newer answer replaced the payload meanwhile: its write must still find the record this one made
      var records = handle.prepareBatch("UPDATE writeback_queue SET crm_record_id = :recordId WHERE id = :id");
      int named = 0;
      for (Completion completion : completions) {
        Item item = completion.item();
        RecordResult result = completion.result();
        results.bind("id", item.id()).bind("now", Sql.timestamp(now)).bind("success", result.success())
            .bindByType("recordId", result.crmRecordId().orElse(null), String.class)
            .bindByType("code", result.errorCode().orElse(null), String.class)
            .bindByType("message", Sql.fit(result.message().orElse(null), 2000), String.class)
            .bind("retriable", result.retriable()).add();
        String state = result.success() ? "DONE"
            : result.retriable() && completion.retryAt().isPresent() ? "PENDING" : "FAILED";
        rows.bind("state", state).bind("next", Sql.timestamp(completion.retryAt().orElse(now)))
            .bind("now", Sql.timestamp(now))
            .bindByType("recordId", result.crmRecordId().orElse(null), String.class)
            .bindByType("code", result.errorCode().orElse(null), String.class)
            .bindByType("message", Sql.fit(result.message().orElse(null), 2000), String.class)
            .bind("id", item.id()).bind("payload", item.payload()).add();
        if (result.crmRecordId().isPresent()) {
          records.bind("recordId", result.crmRecordId().get()).bind("id", item.id()).add();
          named++;
        }
      }
      results.execute();
      rows.execute();
      if (named > 0) {
        records.execute();
      }
    });
  }

  /**
   * Notes, and commits, that these rows are being handed to the CRM now: until their results are stored,
   * a later write of the same keys cannot know whether the CRM applied this one.
   */
  public void markSent(List<Item> items, Instant now) {
    jdbi.useHandle(handle -> {
      var batch = handle.prepareBatch("UPDATE writeback_queue SET last_sent_at = :now WHERE id = :id");
      for (Item item : items) {
        batch.bind("now", Sql.timestamp(now)).bind("id", item.id()).add();
      }
      batch.execute();
    });
  }

  /** The queued row of one kind and key, in the caller's transaction. */
  public Optional<Item> find(Handle handle, String connection, Kind kind, String key) {
    return handle.createQuery("SELECT " + COLUMNS + " FROM writeback_queue WHERE connection = :connection "
            + "AND kind = :kind AND coalesce_key = :key")
        .bind("connection", connection).bind("kind", kind.name()).bind("key", key)
        .map((rs, ctx) -> item(rs)).findOne();
  }

  /** Rows of a connection by state (the admin's view of failures, reports, tests). */
  public List<Item> inState(String connection, String state) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM writeback_queue WHERE connection = :connection "
            + "AND state = :state ORDER BY id")
        .bind("connection", connection).bind("state", state).map((rs, ctx) -> item(rs)).list());
  }

  /** Rows waiting to be written, per kind ({@code CONTACT_NPS}, ...), for one connection. */
  public Map<String, Integer> pendingByKind(String connection) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT kind, COUNT(*) AS n FROM writeback_queue "
            + "WHERE connection = :c AND state = 'PENDING' GROUP BY kind").bind("c", connection)
        .map((rs, ctx) -> Map.entry(rs.getString("kind"), rs.getInt("n")))
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
    return counts;
  }

  public Map<String, Integer> countByState(String connection) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT state, COUNT(*) AS n FROM writeback_queue "
            + "WHERE connection = :c GROUP BY state").bind("c", connection)
        .map((rs, ctx) -> Map.entry(rs.getString("state"), rs.getInt("n")))
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
    return counts;
  }

  private static Item item(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Item(rs.getLong("id"), rs.getString("connection"), Kind.valueOf(rs.getString("kind")),
        rs.getString("coalesce_key"), rs.getString("payload"), rs.getString("state"), rs.getInt("attempts"),
        rs.getTimestamp("next_attempt_at").toInstant(), Optional.ofNullable(rs.getString("error_code")),
        Optional.ofNullable(rs.getString("error_message")), rs.getTimestamp("updated_at").toInstant(),
        Optional.ofNullable(rs.getString("crm_record_id")),
        Optional.ofNullable(rs.getTimestamp("last_sent_at")).map(java.sql.Timestamp::toInstant));
  }
}
