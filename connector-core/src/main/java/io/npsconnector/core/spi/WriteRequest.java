package io.npsconnector.core.spi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One change the engine asks a CRM to make. Values are logical; the adapter maps them to its fields
 * ({@link AdapterContext#writeback()}).
 */
public sealed interface WriteRequest {
  /** The engine's id for this request, unique within the connection; results refer to it. */
  String key();

  /** The contact's latest answer: score, category, date and comment (empty clears the field). */
  record ContactNps(String key, String contactId, int score, String category, Instant respondedAt,
      Optional<String> comment) implements WriteRequest {
    public ContactNps {
      Objects.requireNonNull(contactId, "contactId");
      if (score < 0 || score > 10) {
        throw new IllegalArgumentException("score must be 0-10, got " + score);
      }
    }
  }

  /**
   * The account's rolled-up NPS over the trailing window, with its n and 95 % interval (adjusted Wald, in
   * points); NPS and interval are empty when it has no answers in it.
   *
   * @param responses n, the answers in the window
   * @param ciLow the interval's lower bound (empty: cleared in the CRM)
   * @param ciHigh the interval's upper bound (empty: cleared in the CRM)
   */
  record AccountNps(String key, String accountId, OptionalDouble nps, int responses, OptionalDouble ciLow,
      OptionalDouble ciHigh) implements WriteRequest {
    public AccountNps {
      Objects.requireNonNull(accountId, "accountId");
      nps = nps == null ? OptionalDouble.empty() : nps;
      ciLow = ciLow == null ? OptionalDouble.empty() : ciLow;
      ciHigh = ciHigh == null ? OptionalDouble.empty() : ciHigh;
    }

    /** A figure without an interval (the interval fields are cleared). */
    public AccountNps(String key, String accountId, OptionalDouble nps, int responses) {
      this(key, accountId, nps, responses, OptionalDouble.empty(), OptionalDouble.empty());
    }
  }

  /**
   * A follow-up task for the contact's owner: one per answer, created the first time and updated in place
   * when the answer changes, found again by {@link #key()}.
   *
   * @param closed the task is no longer needed (the contact is no longer in a category with a follow-up):
   *     the CRM's task is marked completed, never deleted
   * @param prior what the engine knows of earlier writes of this key ({@link PriorWrite#NONE} when queued)
   */
  record FollowUpTask(String key, String contactId, Optional<String> ownerId, String subject, String description,
      LocalDate dueDate, String priority, boolean closed, PriorWrite prior) implements WriteRequest {
    public FollowUpTask {
      Objects.requireNonNull(contactId, "contactId");
      prior = prior == null ? PriorWrite.NONE : prior;
    }

    /** An open task never written before. */
    public FollowUpTask(String key, String contactId, Optional<String> ownerId, String subject, String description,
        LocalDate dueDate, String priority) {
      this(key, contactId, ownerId, subject, description, dueDate, priority, false, PriorWrite.NONE);
    }

    public FollowUpTask withPrior(PriorWrite value) {
      return new FollowUpTask(key, contactId, ownerId, subject, description, dueDate, priority, closed, value);
    }
  }

  /**
   * One entry on the contact's timeline for one answer, created the first time and updated in place when
   * the answer changes, found again by {@link #key()}.
   *
   * @param prior what the engine knows of earlier writes of this key ({@link PriorWrite#NONE} when queued)
   */
  record TimelineActivity(String key, String contactId, String subject, String body, Instant at, PriorWrite prior)
      implements WriteRequest {
    public TimelineActivity {
      Objects.requireNonNull(contactId, "contactId");
      prior = prior == null ? PriorWrite.NONE : prior;
    }

    /** An entry never written before. */
    public TimelineActivity(String key, String contactId, String subject, String body, Instant at) {
      this(key, contactId, subject, body, at, PriorWrite.NONE);
    }

    public TimelineActivity withPrior(PriorWrite value) {
      return new TimelineActivity(key, contactId, subject, body, at, value);
    }
  }

  /**
   * The contact unsubscribed on the survey pages and the configuration asks for the CRM to know: opt it
   * out of e-mail there ({@code writeback.email-opt-out}).
   *
   * @param email the contact's address, for CRMs that keep opt-outs by address
   */
  record EmailOptOut(String key, String contactId, Optional<String> email) implements WriteRequest {
    public EmailOptOut {
      Objects.requireNonNull(contactId, "contactId");
    }
  }

  /**
   * One answer as a record of its own, for CRMs that keep responses ({@link CrmAdapter#keepsResponses()}); its
   * {@link #key()} is the invitation's key, so that writing it again (a resubmission, a retry) updates it.
   *
   * @since 0.2
   */
  record Response(String key, String contactId, Optional<String> accountId, int score, String category,
      Optional<String> comment, String trigger, String channel, Instant answeredAt) implements WriteRequest {
    public Response {
      Objects.requireNonNull(contactId, "contactId");
      Objects.requireNonNull(accountId, "accountId");
      Objects.requireNonNull(comment, "comment");
    }
  }
}
