package io.npsconnector.core.store;

import io.npsconnector.core.spi.TaskState;
import io.npsconnector.core.spi.WriteRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The follow-up tasks the engine wrote, as last read back from the CRM ({@code follow_up_tasks}): which ones the
 * next sync reads, what each read found, and the inbox the dashboard and {@code explain} show. Internal to the
 * engine.
 */
public final class FollowUpRepository {
  /** Where a follow-up stands, as last read. */
  public enum Status {
    OPEN, COMPLETED, DELETED,
    /** The engine closed the task itself: the contact changed the answer to one without a follow-up. */
    WITHDRAWN
  }

  private final Jdbi jdbi;

  public FollowUpRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * A task the next read-back should look at: one never read, still open, written again since it was read
   * (a resubmitted answer reopens it), or whose CRM id changed.
   *
   * @param taskKey the engine's key, {@code task:ANSWER}
   * @param request the task as last written (closed when the engine withdrew it)
   */
  public record Candidate(String taskKey, String crmTaskId, Optional<String> contactId, WriteRequest.FollowUpTask request) {}

  /**
   * Tasks to read back, those read longest ago (or never) first, at most {@code limit}. Completed, deleted and
   * withdrawn tasks are final: they come back only when the engine writes the task again.
   */
  public List<Candidate> due(String connection, int limit) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT q.coalesce_key, q.crm_record_id, q.contact_crm_id, "
            + "q.payload FROM writeback_queue q LEFT JOIN follow_up_tasks f ON f.connection = q.connection "
            + "AND f.task_key = q.coalesce_key WHERE q.connection = :connection AND q.kind = 'FOLLOW_UP_TASK' "
            + "AND q.crm_record_id IS NOT NULL AND (f.task_key IS NULL OR f.status = 'OPEN' "
            + "OR f.crm_task_id <> q.crm_record_id OR f.read_at < q.updated_at) "
            + "ORDER BY f.read_at NULLS FIRST, q.id LIMIT :limit")
        .bind("connection", connection).bind("limit", limit)
        .map((rs, ctx) -> new Candidate(rs.getString("coalesce_key"), rs.getString("crm_record_id"),
            Optional.ofNullable(rs.getString("contact_crm_id")),
            Sql.read(rs.getString("payload"), WriteRequest.FollowUpTask.class)))
        .list());
  }

  /** Stores what a read found (or that the engine withdrew the task), replacing the task's earlier state. */
  public void record(String connection, Candidate candidate, TaskState state, Instant now) {
    jdbi.useTransaction(handle -> {
      Optional<FollowUp> before = find(handle, connection, candidate.taskKey());
      Status status = Status.valueOf(state.status().name());
      // a deleted task keeps what was known of it (owner, due date); a completed one keeps its first completion
      Optional<String> ownerId = state.owner().map(TaskState.User::id).or(() -> before.flatMap(FollowUp::ownerId));
      Optional<String> ownerName = state.owner().isPresent() ? state.owner().flatMap(TaskState.User::name)
          : before.flatMap(FollowUp::ownerName);
      Optional<LocalDate> due = state.dueDate().or(() -> before.flatMap(FollowUp::dueDate));
      Optional<Instant> completedAt = status != Status.COMPLETED ? Optional.empty()
          : state.completedAt().or(() -> before.flatMap(FollowUp::completedAt)).or(state::lastModifiedAt)
              .or(() -> Optional.of(now));
      Optional<TaskState.User> by = status == Status.COMPLETED ? state.completedBy() : Optional.empty();
      write(handle, connection, candidate, status, state.crmStatus(), ownerId, ownerName, due, completedAt, by,
          state.lastModifiedAt(), now, before.isPresent());
    });
  }

  /** Notes, without a CRM call, that the engine closed the task itself (the answer no longer calls for it). */
  public void withdrawn(String connection, Candidate candidate, Instant now) {
    jdbi.useTransaction(handle -> {
      Optional<FollowUp> before = find(handle, connection, candidate.taskKey());
      write(handle, connection, candidate, Status.WITHDRAWN, Optional.empty(),
          before.flatMap(FollowUp::ownerId).or(candidate.request()::ownerId), before.flatMap(FollowUp::ownerName),
          before.flatMap(FollowUp::dueDate).or(() -> Optional.ofNullable(candidate.request().dueDate())),
          Optional.empty(), Optional.empty(), Optional.empty(), now, before.isPresent());
    });
  }

  private static void write(Handle handle, String connection, Candidate candidate, Status status,
      Optional<String> crmStatus, Optional<String> ownerId, Optional<String> ownerName, Optional<LocalDate> due,
      Optional<Instant> completedAt, Optional<TaskState.User> by, Optional<Instant> modified, Instant now,
      boolean exists) {
    String sql = exists
        ? "UPDATE follow_up_tasks SET answer_id = :answerId, contact_crm_id = :contactId, crm_task_id = :taskId, "
            + "status = :status, crm_status = :crmStatus, owner_id = :ownerId, owner_name = :ownerName, "
            + "due_date = :due, completed_at = :completedAt, completed_by_id = :byId, completed_by_name = :byName, "
            + "crm_modified_at = :modified, read_at = :now WHERE connection = :connection AND task_key = :key"
        : "INSERT INTO follow_up_tasks (connection, task_key, answer_id, contact_crm_id, crm_task_id, status, "
            + "crm_status, owner_id, owner_name, due_date, completed_at, completed_by_id, completed_by_name, "
            + "crm_modified_at, read_at) VALUES (:connection, :key, :answerId, :contactId, :taskId, :status, "
            + ":crmStatus, :ownerId, :ownerName, :due, :completedAt, :byId, :byName, :modified, :now)";
    handle.createUpdate(sql).bind("connection", connection).bind("key", candidate.taskKey())
        .bindByType("answerId", answerId(candidate.taskKey()).orElse(null), Long.class)
        .bindByType("contactId", candidate.contactId().orElse(candidate.request().contactId()), String.class)
        .bind("taskId", candidate.crmTaskId()).bind("status", status.name())
        .bindByType("crmStatus", crmStatus.map(text -> Sql.fit(text, 64)).orElse(null), String.class)
        .bindByType("ownerId", ownerId.orElse(null), String.class)
        .bindByType("ownerName", ownerName.map(text -> Sql.fit(text, 255)).orElse(null), String.class)
        .bindByType("due", due.map(java.sql.Date::valueOf).orElse(null), java.sql.Date.class)
        .bindByType("completedAt", completedAt.map(Sql::timestamp).orElse(null), java.sql.Timestamp.class)
        .bindByType("byId", by.map(TaskState.User::id).orElse(null), String.class)
        .bindByType("byName", by.flatMap(TaskState.User::name).map(text -> Sql.fit(text, 255)).orElse(null),
            String.class)
        .bindByType("modified", modified.map(Sql::timestamp).orElse(null), java.sql.Timestamp.class)
        .bind("now", Sql.timestamp(now)).execute();
  }

  /** The answer a task key ({@code task:ANSWER}) belongs to. */
  static Optional<Long> answerId(String taskKey) {
    if (!taskKey.startsWith("task:")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(taskKey.substring("task:".length())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * One follow-up as last read, with its answer and contact.
   *
   * @param answeredAt when the answer that called for it came (its first submission)
   * @param segments the contact's segments as last synced
   */
  public record FollowUp(String connection, String taskKey, String crmTaskId, Optional<String> contactId,
      Status status, Optional<String> crmStatus, Optional<String> ownerId, Optional<String> ownerName,
      Optional<LocalDate> dueDate, Optional<Instant> completedAt, Optional<String> completedById,
      Optional<String> completedByName, Instant readAt, Optional<Instant> answeredAt, OptionalInt score,
      Optional<String> contactName, Optional<String> trigger, Map<String, String> segments) {

    /** Open and past its due date on {@code today}. */
    public boolean overdue(LocalDate today) {
      return status == Status.OPEN && dueDate.map(today::isAfter).orElse(false);
    }

    /** The owner as people read it: the name where the CRM gave one, else the id. */
    public String owner() {
      return ownerName.or(() -> ownerId).orElse("(no owner)");
    }
  }

  private static final String FOLLOW_UPS = "SELECT f.*, a.answered_at, a.score, i.trigger_name, c.first_name, "
      + "c.last_name, c.segments FROM follow_up_tasks f LEFT JOIN answers a ON a.id = f.answer_id "
      + "LEFT JOIN invitations i ON i.id = a.invitation_id LEFT JOIN contacts c ON c.connection = f.connection "
      + "AND c.crm_id = f.contact_crm_id";

  /** Every follow-up read back (withdrawn ones too), oldest answer first. */
  public List<FollowUp> all() {
    return jdbi.withHandle(handle -> handle.createQuery(FOLLOW_UPS + " ORDER BY a.answered_at, f.task_key")
        .map((rs, ctx) -> followUp(rs)).list());
  }

  /** The follow-ups of one contact, for {@code explain}. */
  public List<FollowUp> forContact(String connection, String contactId) {
    return jdbi.withHandle(handle -> handle.createQuery(FOLLOW_UPS
            + " WHERE f.connection = :connection AND f.contact_crm_id = :contactId ORDER BY f.task_key")
        .bind("connection", connection).bind("contactId", contactId).map((rs, ctx) -> followUp(rs)).list());
  }

  private static Optional<FollowUp> find(Handle handle, String connection, String taskKey) {
    return handle.createQuery(FOLLOW_UPS + " WHERE f.connection = :connection AND f.task_key = :key")
        .bind("connection", connection).bind("key", taskKey).map((rs, ctx) -> followUp(rs)).findOne();
  }

  private static FollowUp followUp(ResultSet rs) throws SQLException {
    int score = rs.getInt("score");
    boolean answered = !rs.wasNull();
    String first = rs.getString("first_name");
    String last = rs.getString("last_name");
    String name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
    String segments = rs.getString("segments");
    return new FollowUp(rs.getString("connection"), rs.getString("task_key"), rs.getString("crm_task_id"),
        Optional.ofNullable(rs.getString("contact_crm_id")), Status.valueOf(rs.getString("status")),
        Optional.ofNullable(rs.getString("crm_status")), Optional.ofNullable(rs.getString("owner_id")),
        Optional.ofNullable(rs.getString("owner_name")),
        Optional.ofNullable(rs.getDate("due_date")).map(java.sql.Date::toLocalDate),
        instant(rs, "completed_at"), Optional.ofNullable(rs.getString("completed_by_id")),
        Optional.ofNullable(rs.getString("completed_by_name")), rs.getTimestamp("read_at").toInstant(),
        instant(rs, "answered_at"), answered ? OptionalInt.of(score) : OptionalInt.empty(),
        name.isEmpty() ? Optional.empty() : Optional.of(name), Optional.ofNullable(rs.getString("trigger_name")),
        segments == null ? Map.of() : Sql.map(segments));
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getTimestamp(column)).map(java.sql.Timestamp::toInstant);
  }
}
