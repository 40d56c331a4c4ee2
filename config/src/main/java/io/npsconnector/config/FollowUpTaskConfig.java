package io.npsconnector.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A task for the contact's owner after an answer of one category.
 *
 * @param subject may use {score}, {category}, {name}, {first_name}, {last_name} and {comment}
 * @param dueIn from the answer to the task's due date
 */
public record FollowUpTaskConfig(String subject, Duration dueIn, Priority priority) {
  /** The CRM task priority. */
  public enum Priority { LOW, NORMAL, HIGH }

  static final List<String> PLACEHOLDERS = List.of("score", "category", "name", "first_name", "last_name", "comment");
  static final FollowUpTaskConfig DEFAULT_DETRACTOR =
      new FollowUpTaskConfig("NPS detractor: {name} scored {score}", Duration.ofDays(2), Priority.HIGH);

  static FollowUpTaskConfig read(Section task) {
    String subject = task.requiredText("subject").orElse("");
    Placeholders.check(task, "subject", subject, PLACEHOLDERS);
    Duration dueIn = task.duration("due-in", Duration.ZERO).orElse(Duration.ofDays(2));
    Priority priority = task.oneOf("priority", "priority", List.of("low", "normal", "high"))
        .map(value -> Priority.valueOf(value.toUpperCase(Locale.ROOT))).orElse(Priority.NORMAL);
    task.finish();
    return new FollowUpTaskConfig(subject, dueIn, priority);
  }
}
