package io.npsconnector.core.trigger;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A {@link SurveyHistory} kept in maps, filled by the test. */
final class InMemorySurveyHistory implements SurveyHistory {
  private final Map<String, Instant> lastSurveyed = new HashMap<>();
  private final Map<String, PersonSurvey> lastPersonSurveyed = new HashMap<>();
  private final Map<String, Instant> lastAccountSurveyed = new HashMap<>();
  private final Set<String> unsubscribedContacts = new HashSet<>();
  private final Set<String> unsubscribedEmails = new HashSet<>();
  private final Map<String, Long> pending = new HashMap<>();
  private final Map<String, Integer> planned = new HashMap<>();

  InMemorySurveyHistory surveyed(String connection, String contactId, Instant at) {
    lastSurveyed.merge(key(connection, contactId), at, (a, b) -> a.isAfter(b) ? a : b);
    return this;
  }

  /** A survey of the person with this address, through a contact of {@code connection}. */
  InMemorySurveyHistory personSurveyed(String email, String connection, Instant at) {
    lastPersonSurveyed.merge(email.toLowerCase(Locale.ROOT), new PersonSurvey(connection, at),
        (a, b) -> a.at().isAfter(b.at()) ? a : b);
    return this;
  }

  InMemorySurveyHistory accountSurveyed(String connection, String accountId, Instant at) {
    lastAccountSurveyed.merge(key(connection, accountId), at, (a, b) -> a.isAfter(b) ? a : b);
    return this;
  }

  InMemorySurveyHistory unsubscribe(String connection, String contactId) {
    unsubscribedContacts.add(key(connection, contactId));
    return this;
  }

  InMemorySurveyHistory unsubscribeEmail(String connection, String email) {
    unsubscribedEmails.add(key(connection, email.toLowerCase(Locale.ROOT)));
    return this;
  }

  InMemorySurveyHistory pending(String connection, String contactId, long invitationId) {
    pending.put(key(connection, contactId), invitationId);
    return this;
  }

  InMemorySurveyHistory planned(String connection, String trigger, LocalDate utcDay, int count) {
    planned.put(key(connection, trigger, utcDay.toString()), count);
    return this;
  }

  @Override
  public Optional<Instant> lastSurveyedAt(String connection, String contactId) {
    return Optional.ofNullable(lastSurveyed.get(key(connection, contactId)));
  }

  @Override
  public Optional<PersonSurvey> lastPersonSurveyedAt(String email) {
    return Optional.ofNullable(lastPersonSurveyed.get(email.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Optional<Instant> lastAccountSurveyedAt(String connection, String accountId) {
    return Optional.ofNullable(lastAccountSurveyed.get(key(connection, accountId)));
  }

  @Override
  public boolean unsubscribed(String connection, String contactId, Optional<String> email) {
    return unsubscribedContacts.contains(key(connection, contactId))
        || email.map(e -> unsubscribedEmails.contains(key(connection, e.toLowerCase(Locale.ROOT)))).orElse(false);
  }

  @Override
  public Optional<Long> pendingInvitation(String connection, String contactId) {
    return Optional.ofNullable(pending.get(key(connection, contactId)));
  }

  @Override
  public int invitationsPlanned(String connection, String trigger, LocalDate utcDay) {
    return planned.getOrDefault(key(connection, trigger, utcDay.toString()), 0);
  }

  private static String key(String... parts) {
    return String.join("\u0000", parts);
  }
}
