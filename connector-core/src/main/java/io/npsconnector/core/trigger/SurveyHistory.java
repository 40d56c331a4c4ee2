package io.npsconnector.core.trigger;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * What the trigger rules need to know about past and planned invitations, read from the store.
 *
 * <p>Contract: every method is a read without side effects and answers for one connection (its
 * configured name); contact ids are the CRM's ids. An invitation counts as "surveyed" from the moment
 * it is scheduled until it is suppressed or fails for good, so its time is its send time while it is
 * waiting and its sent time afterwards. Implementations may be called from several threads and must
 * not cache across calls: a decision is only as fresh as the answers given here. Failures to read
 * are thrown unchecked; the rules never turn them into "no history". For the re-check of an
 * invitation at its send time, the history leaves that invitation out, and those due after it.
 */
public interface SurveyHistory {
  /** The latest invitation sent or scheduled for this contact, by any trigger; empty if never. */
  Optional<Instant> lastSurveyedAt(String connection, String contactId);

  /**
   * The latest invitation sent or scheduled for anyone with this e-mail address (ignoring case), in any
   * connection, by any trigger; empty if never.
   */
  Optional<PersonSurvey> lastPersonSurveyedAt(String email);

  /** The latest invitation sent or scheduled for any contact of this account; empty if never. */
  Optional<Instant> lastAccountSurveyedAt(String connection, String accountId);

  /** True when the contact, or the e-mail address, is on the connector's own unsubscribe list. */
  boolean unsubscribed(String connection, String contactId, Optional<String> email);

  /** An invitation scheduled and not yet sent for this contact, by any trigger; its id. */
  Optional<Long> pendingInvitation(String connection, String contactId);

  /** How many invitations of this trigger have their send time on this UTC day. */
  int invitationsPlanned(String connection, String trigger, LocalDate utcDay);

  /** A survey of one person, and the connection it went through. */
  record PersonSurvey(String connection, Instant at) {}
}
