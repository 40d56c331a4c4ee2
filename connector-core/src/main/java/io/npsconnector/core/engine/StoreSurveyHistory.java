package io.npsconnector.core.engine;

import io.npsconnector.core.store.InvitationRepository.Counting;
import io.npsconnector.core.trigger.SurveyHistory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The survey history as the store has it, read on one handle: inside a trigger pass's transaction it
 * also sees the invitations that pass made a moment ago, so that two triggers firing on one event
 * collapse into one invitation. {@link Counting} says which invitations count: all of them for a
 * trigger pass, all but the one being re-checked (and those due after it) at send time.
 */
final class StoreSurveyHistory implements SurveyHistory {
  private final Stores stores;
  private final Handle handle;
  private final Counting counting;

  StoreSurveyHistory(Stores stores, Handle handle, Counting counting) {
    this.stores = stores;
    this.handle = handle;
    this.counting = counting;
  }

  /** The history a trigger pass decides on: every invitation counts. */
  StoreSurveyHistory(Stores stores, Handle handle) {
    this(stores, handle, Counting.ALL);
  }

  @Override
  public Optional<Instant> lastSurveyedAt(String connection, String contactId) {
    return stores.invitations().lastSurveyedAt(handle, connection, contactId, counting);
  }

  @Override
  public Optional<PersonSurvey> lastPersonSurveyedAt(String email) {
    return stores.invitations().lastPersonSurveyedAt(handle, email, counting)
        .map(survey -> new PersonSurvey(survey.connection(), survey.at()));
  }

  @Override
  public Optional<Instant> lastAccountSurveyedAt(String connection, String accountId) {
    return stores.invitations().lastAccountSurveyedAt(handle, connection, accountId, counting);
  }

  @Override
  public boolean unsubscribed(String connection, String contactId, Optional<String> email) {
    return stores.unsubscribes().contains(handle, connection, contactId, email);
  }

  @Override
  public Optional<Long> pendingInvitation(String connection, String contactId) {
    return stores.invitations().pendingInvitation(handle, connection, contactId);
  }

  @Override
  public int invitationsPlanned(String connection, String trigger, LocalDate utcDay) {
    Instant start = utcDay.atStartOfDay(ZoneOffset.UTC).toInstant();
    return stores.invitations().plannedOn(handle, connection, trigger, start,
        utcDay.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }
}
