package io.npsconnector.core.trigger;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one trigger decided for one contact, and why: the outcome, the rule that decided it and a
 * sentence an admin can read ({@code explain}).
 *
 * <p>Contract: a value with no identity; equal inputs to {@link TriggerEvaluator} give equal
 * decisions. {@code rule} is a stable lower-case id, safe to store and to count by ({@code filter},
 * {@code max-event-age}, {@code deleted}, {@code email}, {@code opt-out}, {@code unsubscribed},
 * {@code collapse}, {@code fatigue}, {@code account-fatigue}, {@code sampling}, {@code daily-cap},
 * {@code eligible}, {@code trigger-paused}); {@code reason} is for people and may change wording between versions.
 * {@code sendAt} is present exactly for {@link Outcome#INVITE}, {@code collapsedInto} exactly for
 * {@link Outcome#COLLAPSE}.
 *
 * @param eventId the CRM id of the event decided on; empty for relationship surveys
 * @param sendAt when the invitation should go out, already inside the contact's send window
 * @param collapsedInto the pending invitation this one was folded into
 */
public record Decision(
    String trigger,
    String connection,
    String contactId,
    Optional<String> eventId,
    Outcome outcome,
    String rule,
    String reason,
    Optional<Instant> sendAt,
    Optional<Long> collapsedInto) {

  /** What happens to the contact. */
  public enum Outcome {
    /** Schedule an invitation at {@code sendAt}. */
    INVITE,
    /** Do not survey; {@code rule} says why. */
    SUPPRESS,
    /** Already has a pending invitation ({@code collapsedInto}); do not make another. */
    COLLAPSE
  }

  public Decision {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(contactId, "contactId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(sendAt, "sendAt");
    Objects.requireNonNull(collapsedInto, "collapsedInto");
    if ((outcome == Outcome.INVITE) != sendAt.isPresent()) {
      throw new IllegalArgumentException(
          "sendAt must be present exactly for INVITE, got " + outcome + " with " + sendAt);
    }
    if ((outcome == Outcome.COLLAPSE) != collapsedInto.isPresent()) {
      throw new IllegalArgumentException(
          "collapsedInto must be present exactly for COLLAPSE, got " + outcome + " with " + collapsedInto);
    }
  }

  /** True for {@link Outcome#INVITE}. */
  public boolean invites() {
    return outcome == Outcome.INVITE;
  }
}
