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

  /** The account's rolled-up NPS over the trailing window; empty when it has no answers in it. */
  record AccountNps(String key, String accountId, OptionalDouble nps, int responses) implements WriteRequest {
    public AccountNps {
      Objects.requireNonNull(accountId, "accountId");
    }
  }

  /** A follow-up task for the contact's owner. */
  record FollowUpTask(String key, String contactId, Optional<String> ownerId, String subject, String description,
      LocalDate dueDate, String priority) implements WriteRequest {
    public FollowUpTask {
      Objects.requireNonNull(contactId, "contactId");
    }
  }

  /** One entry on the contact's timeline for one answer. */
  record TimelineActivity(String key, String contactId, String subject, String body, Instant at)
      implements WriteRequest {
    public TimelineActivity {
      Objects.requireNonNull(contactId, "contactId");
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
}
