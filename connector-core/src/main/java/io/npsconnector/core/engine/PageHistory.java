package io.npsconnector.core.engine;

import io.npsconnector.config.FatigueConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.store.ContactRepository;
import io.npsconnector.core.store.InvitationRepository.ContactSurveys;
import io.npsconnector.core.store.InvitationRepository.Counting;
import io.npsconnector.core.store.InvitationRepository.NewInvitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.UnsubscribeRepository.Listed;
import io.npsconnector.core.trigger.SurveyHistory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Handle;

/**
 * The survey history of one page of a trigger pass, read for all of the page's contacts at once: their own
 * surveys and waiting invitations, their accounts' and (with per-person fatigue) their addresses' latest surveys,
 * and the unsubscribe list, in one query each, instead of one query per question per pair. Read inside the page's
 * transaction, it answers as {@link StoreSurveyHistory} on that transaction would: the invitations the page makes
 * are added as they are made ({@link #created}), so that two triggers firing on one event still collapse into one
 * invitation and a contact's second event in the page meets the fatigue of its first.
 *
 * <p>Questions about anything it did not read (another connection, a contact not in the page) go to the store.
 * It lives for one page's transaction and is then dropped: as fresh as the page's start, as the store's answers
 * within one transaction are.
 */
final class PageHistory implements SurveyHistory {
  private final SurveyHistory store;
  private final String connection;
  private final Map<String, Contact> contacts;
  private final Map<String, ContactSurveys> own;
  /** Per e-mail key read (those of the page's contacts, with per-person fatigue); a key without entry: never. */
  private final Set<String> personKeys;
  private final Map<String, InvitationRepository.PersonSurvey> persons;
  /** Per account read (those of the page's contacts, with account fatigue); an account without entry: never. */
  private final Set<String> accountIds;
  private final Map<String, Instant> accounts;
  private final Listed unsubscribed;
  private final Map<String, Integer> planned = new HashMap<>();
  /** The waiting invitation the page made for a contact that had none: its id, known once the page's are inserted. */
  private final Map<String, LongSupplier> madePending = new HashMap<>();
  /** Makes the page's invitations rows before the store is asked anything, so that its answers count them. */
  private final Runnable beforeStore;

  private PageHistory(Stores stores, Handle handle, String connection, Map<String, Contact> contacts,
      Set<String> personKeys, Set<String> accountIds, Runnable beforeStore) {
    this.store = new StoreSurveyHistory(stores, handle);
    this.beforeStore = beforeStore;
    this.connection = connection;
    this.contacts = contacts;
    this.own = new HashMap<>(stores.invitations().surveysOf(handle, connection, contacts.keySet(), Counting.ALL));
    this.personKeys = personKeys;
    this.persons = new HashMap<>(personKeys.isEmpty() ? Map.of()
        : stores.invitations().lastPersonSurveys(handle, personKeys, Counting.ALL));
    this.accountIds = accountIds;
    this.accounts = new HashMap<>(accountIds.isEmpty() ? Map.of()
        : stores.invitations().lastAccountSurveys(handle, connection, accountIds, Counting.ALL));
    List<String> emails = contacts.values().stream().flatMap(contact -> contact.email().stream()).toList();
    this.unsubscribed = stores.unsubscribes().listed(handle, connection, contacts.keySet(), emails);
  }

  /**
   * Reads the history of {@code contacts} (a page's, of one connection) as the fatigue settings need it; {@code
   * beforeStore} makes the invitations the page made so far rows before a question goes to the store.
   */
  static PageHistory of(Stores stores, Handle handle, String connection, Map<String, Contact> contacts,
      FatigueConfig fatigue, Runnable beforeStore) {
    Set<String> personKeys = new HashSet<>();
    Set<String> accountIds = new HashSet<>();
    for (Contact contact : contacts.values()) {
      if (fatigue.scope() == FatigueConfig.Scope.PERSON) {
        contact.email().map(ContactRepository::emailKey).ifPresent(personKeys::add);
      }
      if (fatigue.accountDays().isPresent()) {
        contact.accountId().ifPresent(accountIds::add);
      }
    }
    return new PageHistory(stores, handle, connection, Map.copyOf(contacts), Set.copyOf(personKeys),
        Set.copyOf(accountIds), beforeStore);
  }

  private SurveyHistory store() {
    beforeStore.run();
    return store;
  }

  private boolean read(String connection, String contactId) {
    return this.connection.equals(connection) && contacts.containsKey(contactId);
  }

  @Override
  public Optional<Instant> lastSurveyedAt(String connection, String contactId) {
    return read(connection, contactId) ? own.getOrDefault(contactId, ContactSurveys.NONE).last()
        : store().lastSurveyedAt(connection, contactId);
  }

  @Override
  public Optional<PersonSurvey> lastPersonSurveyedAt(String email) {
    String key = ContactRepository.emailKey(email);
    return personKeys.contains(key) ? Optional.ofNullable(persons.get(key))
        .map(survey -> new SurveyHistory.PersonSurvey(survey.connection(), survey.at()))
        : store().lastPersonSurveyedAt(email);
  }

  @Override
  public Optional<Instant> lastAccountSurveyedAt(String connection, String accountId) {
    return this.connection.equals(connection) && accountIds.contains(accountId)
        ? Optional.ofNullable(accounts.get(accountId)) : store().lastAccountSurveyedAt(connection, accountId);
  }

  @Override
  public boolean unsubscribed(String connection, String contactId, Optional<String> email) {
    boolean readAddress = email.isEmpty() || (read(connection, contactId)
        && email.map(String::toLowerCase).equals(contacts.get(contactId).email().map(String::toLowerCase)));
    return read(connection, contactId) && readAddress ? unsubscribed.contains(contactId, email)
        : store().unsubscribed(connection, contactId, email);
  }

  @Override
  public Optional<Long> pendingInvitation(String connection, String contactId) {
    if (!read(connection, contactId)) {
      return store().pendingInvitation(connection, contactId);
    }
    Optional<Long> pending = own.getOrDefault(contactId, ContactSurveys.NONE).pending();
    LongSupplier made = madePending.get(contactId);
    return pending.isPresent() || made == null ? pending : Optional.of(made.getAsLong());
  }

  @Override
  public int invitationsPlanned(String connection, String trigger, LocalDate utcDay) {
    if (!this.connection.equals(connection)) {
      return store().invitationsPlanned(connection, trigger, utcDay);
    }
    return planned.computeIfAbsent(trigger + "\n" + utcDay,
        key -> store().invitationsPlanned(connection, trigger, utcDay));
  }

  /**
   * The page made {@code invitation} (a new row, its id known once inserted): every answer from now on counts it.
   */
  void created(NewInvitation invitation, LongSupplier id) {
    if (!connection.equals(invitation.connection())) {
      return; // answered by the store, which sees it in the transaction
    }
    Instant at = invitation.sendAt();
    planned.computeIfPresent(invitation.trigger() + "\n" + LocalDate.ofInstant(at, ZoneOffset.UTC),
        (key, count) -> count + 1);
    invitation.accountId().filter(accountIds::contains)
        .ifPresent(account -> accounts.put(account, latest(Optional.ofNullable(accounts.get(account)), at)));
    if (!contacts.containsKey(invitation.contactId())) {
      return; // the store's answers about a contact the page did not read see it in the transaction
    }
    ContactSurveys before = own.getOrDefault(invitation.contactId(), ContactSurveys.NONE);
    own.put(invitation.contactId(), new ContactSurveys(Optional.of(latest(before.last(), at)), before.pending()));
    if (before.pending().isEmpty()) {
      madePending.putIfAbsent(invitation.contactId(), id);
    }
    contacts.get(invitation.contactId()).email().map(ContactRepository::emailKey).filter(personKeys::contains)
        .ifPresent(key -> {
          InvitationRepository.PersonSurvey known = persons.get(key);
          if (known == null || !at.isBefore(known.at())) { // a later id wins a tie, as the store orders them
            persons.put(key, new InvitationRepository.PersonSurvey(connection, invitation.contactId(), at));
          }
        });
  }

  private static Instant latest(Optional<Instant> known, Instant at) {
    return known.filter(last -> last.isAfter(at)).orElse(at);
  }
}
