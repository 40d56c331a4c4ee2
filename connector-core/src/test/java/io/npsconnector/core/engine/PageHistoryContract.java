package io.npsconnector.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.npsconnector.config.FatigueConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.InvitationRepository.NewInvitation;
import io.npsconnector.core.trigger.SurveyHistory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A page's history answers every question as the store does on the same transaction, before and after the page
 * makes invitations: random contacts in two connections sharing addresses and accounts, invitations in every
 * state, unsubscribes by contact and by address. The page's invitations are made in its batch, as a trigger pass
 * makes them: not yet rows when the page is asked (the store is asked after the batch is inserted), some with a
 * key the store or the batch already has.
 */
abstract class PageHistoryContract {
  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  private static final List<String> TRIGGERS = List.of("post-purchase", "post-ticket");

  private Database database;
  private Stores stores;

  /** An empty store. */
  abstract Database openEmpty();

  @BeforeEach
  void open() {
    database = openEmpty();
    stores = Stores.of(database);
  }

  @AfterEach
  void close() {
    database.close();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void answersAsTheStoreDoes(long seed) {
    Random random = new Random(seed);
    FatigueConfig fatigue = new FatigueConfig(90, random.nextBoolean() ? Optional.of(30) : Optional.empty(),
        random.nextBoolean() ? FatigueConfig.Scope.PERSON : FatigueConfig.Scope.CONNECTION);
    stores.jdbi().useTransaction(handle -> {
      Map<String, List<Contact>> contacts = new HashMap<>();
      for (String connection : List.of("a", "b")) {
        List<Contact> list = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          Contact.Builder builder = Contact.builder("c" + i, NOW.minus(Duration.ofDays(1)));
          if (random.nextInt(5) > 0) {
            // a few addresses, some in both connections, in either case
            String email = "p" + random.nextInt(30) + "@example.com";
            builder.email(random.nextBoolean() ? email : email.toUpperCase());
          }
          if (random.nextBoolean()) {
            String account = "acc" + random.nextInt(8);
            builder.account(account, "Account " + account);
          }
          Contact contact = builder.build();
          stores.contacts().upsert(handle, connection, contact, NOW);
          list.add(contact);
        }
        contacts.put(connection, list);
        for (int n = 0; n < 60; n++) {
          Contact contact = list.get(random.nextInt(list.size()));
          long id = stores.invitations().create(handle, new NewInvitation(connection,
              TRIGGERS.get(random.nextInt(2)), "k" + n, contact.crmId(), contact.accountId(), Optional.empty(),
              "email", NOW.plus(Duration.ofHours(random.nextInt(24 * 200) - 24 * 100))), NOW).id();
          switch (random.nextInt(5)) {
            case 0 -> stores.invitations().transition(handle, id, List.of(InvitationState.SCHEDULED),
                InvitationState.SUPPRESSED, "test", NOW);
            case 1 -> stores.invitations().transition(handle, id, List.of(InvitationState.SCHEDULED),
                InvitationState.FAILED, "test", NOW);
            case 2 -> {
              stores.invitations().transition(handle, id, List.of(InvitationState.SCHEDULED),
                  InvitationState.SENDING, "test", NOW);
              stores.invitations().recordSent(handle, id, Optional.empty(), NOW.plus(Duration.ofDays(30)), "sent",
                  NOW.minus(Duration.ofDays(random.nextInt(120))));
            }
            default -> { }
          }
        }
        for (int n = 0; n < 4; n++) {
          Contact contact = list.get(random.nextInt(list.size()));
          stores.unsubscribes().add(handle, connection, contact.crmId(),
              random.nextBoolean() ? contact.email() : Optional.empty(), NOW);
        }
      }

      // a page of connection a: half its contacts, and one it does not have
      Map<String, Contact> page = new HashMap<>();
      contacts.get("a").stream().filter(contact -> random.nextBoolean()).forEach(c -> page.put(c.crmId(), c));
      assertThat(stores.contacts().findAll(handle, "a", List.copyOf(page.keySet()))).isEqualTo(page);
      List<InvitationRepository.HistoryEntry> entries = new ArrayList<>();
      int before = handle.createQuery("SELECT COUNT(*) FROM invitations").mapTo(Integer.class).one();
      // the keys the page may take: its new ones, and two the store has ("k0" and "k1", of either trigger)
      Map<String, List<String>> keys = new HashMap<>();
      for (String trigger : TRIGGERS) {
        List<String> some = new ArrayList<>(List.of("k0", "k1"));
        for (int n = 0; n < 30; n++) {
          some.add("new" + n);
        }
        keys.put(trigger, some);
      }
      InvitationRepository.Batch batch = stores.invitations().batch(handle, "a", keys, NOW, entries::add);
      PageHistory history = PageHistory.of(stores, handle, "a", page, fatigue, batch::flush);
      SurveyHistory store = new StoreSurveyHistory(stores, handle);
      assertSame(history, store, batch, contacts, "before the page's invitations");

      for (int n = 0; n < 30; n++) {
        List<Contact> in = List.copyOf(page.values());
        Contact contact = in.get(random.nextInt(in.size()));
        String key = n % 10 == 9 ? "k" + random.nextInt(2) : n % 10 == 8 ? "new" + (n - 1) : "new" + n;
        NewInvitation invitation = new NewInvitation("a", TRIGGERS.get(random.nextInt(2)), key,
            contact.crmId(), contact.accountId(), Optional.empty(), "email",
            NOW.plus(Duration.ofHours(random.nextInt(24 * 10))));
        InvitationRepository.Batch.Made made = batch.add(invitation);
        if (made.created()) {
          history.created(invitation, made::id);
        }
        if (n % 3 == 2) {
          assertSame(history, store, batch, contacts, "after invitation " + n);
        }
      }
      batch.flush();
      assertSame(history, store, batch, contacts, "after the page's invitations");
      // every new row has its history entry, and the ids the batch gave are the rows'
      assertThat(entries).extracting(InvitationRepository.HistoryEntry::invitationId).doesNotHaveDuplicates()
          .allSatisfy(id -> assertThat(stores.invitations().find(handle, id)).isPresent());
      assertThat(entries).hasSize(handle.createQuery("SELECT COUNT(*) FROM invitations").mapTo(Integer.class).one()
          - before);
    });
  }

  /** The page's answers, then the store's once the batch's invitations are rows. */
  private static void assertSame(SurveyHistory page, SurveyHistory rows, InvitationRepository.Batch batch,
      Map<String, List<Contact>> contacts, String when) {
    SurveyHistory store = flushedFirst(rows, batch);
    for (Map.Entry<String, List<Contact>> entry : contacts.entrySet()) {
      String connection = entry.getKey();
      for (Contact contact : entry.getValue()) {
        String what = when + ": " + connection + "/" + contact.crmId();
        assertThat(page.lastSurveyedAt(connection, contact.crmId())).as(what)
            .isEqualTo(store.lastSurveyedAt(connection, contact.crmId()));
        assertThat(page.pendingInvitation(connection, contact.crmId())).as(what)
            .isEqualTo(store.pendingInvitation(connection, contact.crmId()));
        assertThat(page.unsubscribed(connection, contact.crmId(), contact.email())).as(what)
            .isEqualTo(store.unsubscribed(connection, contact.crmId(), contact.email()));
        contact.email().ifPresent(email -> assertThat(page.lastPersonSurveyedAt(email)).as(what)
            .isEqualTo(store.lastPersonSurveyedAt(email)));
        contact.accountId().ifPresent(account -> assertThat(page.lastAccountSurveyedAt(connection, account)).as(what)
            .isEqualTo(store.lastAccountSurveyedAt(connection, account)));
      }
      for (String trigger : TRIGGERS) {
        for (int day = 0; day < 11; day++) {
          LocalDate date = LocalDate.ofInstant(NOW, ZoneOffset.UTC).plusDays(day);
          assertThat(page.invitationsPlanned(connection, trigger, date)).as(when + ": " + trigger + " " + date)
              .isEqualTo(store.invitationsPlanned(connection, trigger, date));
        }
      }
    }
  }

  private static SurveyHistory flushedFirst(SurveyHistory store, InvitationRepository.Batch batch) {
    return new SurveyHistory() {
      @Override
      public Optional<Instant> lastSurveyedAt(String connection, String contactId) {
        batch.flush();
        return store.lastSurveyedAt(connection, contactId);
      }

      @Override
      public Optional<PersonSurvey> lastPersonSurveyedAt(String email) {
        batch.flush();
        return store.lastPersonSurveyedAt(email);
      }

      @Override
      public Optional<Instant> lastAccountSurveyedAt(String connection, String accountId) {
        batch.flush();
        return store.lastAccountSurveyedAt(connection, accountId);
      }

      @Override
      public boolean unsubscribed(String connection, String contactId, Optional<String> email) {
        batch.flush();
        return store.unsubscribed(connection, contactId, email);
      }

      @Override
      public Optional<Long> pendingInvitation(String connection, String contactId) {
        batch.flush();
        return store.pendingInvitation(connection, contactId);
      }

      @Override
      public int invitationsPlanned(String connection, String trigger, LocalDate utcDay) {
        batch.flush();
        return store.invitationsPlanned(connection, trigger, utcDay);
      }
    };
  }
}
