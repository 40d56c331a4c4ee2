package io.npsconnector.core.spi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * A follow-up task as the CRM holds it now, read back by {@link CrmAdapter#readTasks}.
 *
 * @param crmTaskId the task's record id, as the engine asked for it
 * @param status open, completed, or deleted (the CRM no longer has a live record with that id)
 * @param crmStatus the CRM's own status value ({@code IN_PROGRESS}, {@code Waiting on someone else}), empty for
 *     a deleted task
 * @param completedAt when the task was completed, where the CRM says
 * @param completedBy who completed it (the user who last changed it, where the CRM says)
 * @param owner the user the task is assigned to
 * @param dueDate the day it is due, in the connection's time zone
 * @param lastModifiedAt when the CRM last changed the task
 * @since 0.3
 */
public record TaskState(String crmTaskId, Status status, Optional<String> crmStatus, Optional<Instant> completedAt,
    Optional<User> completedBy, Optional<User> owner, Optional<LocalDate> dueDate, Optional<Instant> lastModifiedAt) {

  /** Where a task stands. */
  public enum Status {
    OPEN, COMPLETED, DELETED
  }

  /**
   * A CRM user.
   *
   * @param id the CRM's user (or owner) id
   * @param name the user's name, where the CRM gives it with the task
   */
  public record User(String id, Optional<String> name) {
    public User {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
    }
  }

  public TaskState {
    Objects.requireNonNull(crmTaskId, "crmTaskId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(crmStatus, "crmStatus");
    Objects.requireNonNull(completedAt, "completedAt");
    Objects.requireNonNull(completedBy, "completedBy");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(dueDate, "dueDate");
    Objects.requireNonNull(lastModifiedAt, "lastModifiedAt");
  }

  /** A task the CRM does not have (deleted, or never there). */
  public static TaskState deleted(String crmTaskId) {
    return new TaskState(crmTaskId, Status.DELETED, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }
}
