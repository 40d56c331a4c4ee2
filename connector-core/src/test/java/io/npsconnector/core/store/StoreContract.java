package io.npsconnector.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's behaviour, run on H2 and on PostgreSQL by the subclasses. */
abstract class StoreContract {
  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  Database database;
  ContactRepository contacts;
  EventRepository events;
  InvitationRepository invitations;
  AnswerRepository answers;
  WritebackRepository writebacks;
  CursorRepository cursors;

  /** A freshly migrated, empty database. */
  abstract Database open();

  @BeforeEach
  void setUp() {
    database = open();
    contacts = new ContactRepository(database.jdbi());
    events = new EventRepository(database.jdbi());
    invitations = new InvitationRepository(database.jdbi());
    answers = new AnswerRepository(database.jdbi());
    writebacks = new WritebackRepository(database.jdbi());
    cursors = new CursorRepository(database.jdbi());
  }

  @AfterEach
  void tearDown() {
    database.close();
  }

  @Test
  void keepsTheNewestCopyOfAContact() {
    Contact newer = Contact.builder("c1", T0.plusSeconds(60)).email("new@example.com").segment("region", "EMEA").build();
    Contact older = Contact.builder("c1", T0).email("old@example.com").build();

    database.jdbi().useTransaction(h -> contacts.upsert(h, "crm", newer, T0));
    database.jdbi().useTransaction(h -> contacts.upsert(h, "crm", older, T0));

    Contact stored = contacts.find("crm", "c1").orElseThrow();
    assertThat(stored.email()).contains("new@example.com");
    assertThat(stored.segments()).containsEntry("region", "EMEA");
    assertThat(contacts.count("crm")).isEqualTo(1);
  }

  @Test
  void storesAnEventOnceAndAddsContactsReadLater() {
    InteractionEvent first = new InteractionEvent("opp-1", EventKind.PURCHASE, T0, List.of("c1"), Map.of("amount", "10"));
    InteractionEvent again = new InteractionEvent("opp-1", EventKind.PURCHASE, T0, List.of("c1", "c2"), Map.of());

    long id1 = database.jdbi().inTransaction(h -> events.upsert(h, "crm", first, T0));
    long id2 = database.jdbi().inTransaction(h -> events.upsert(h, "crm", again, T0));

    assertThat(id2).isEqualTo(id1);
    assertThat(events.count("crm")).isEqualTo(1);
    assertThat(events.pending("crm", 10)).extracting(EventRepository.PendingEvaluation::contactId)
        .containsExactly("c1", "c2");
  }

  @Test
  void storesAPageOfContactsInBatchesKeepingTheNewestCopyOfEach() {
    database.jdbi().useTransaction(h -> contacts.upsertAll(h, "crm", List.of(
        Contact.builder("old", T0).email("old@example.com").build(),
        Contact.builder("kept", T0.plusSeconds(60)).email("kept-new@example.com").build()), T0));

    database.jdbi().useTransaction(h -> contacts.upsertAll(h, "crm", List.of(
        Contact.builder("old", T0.plusSeconds(30)).email("old-updated@example.com").build(),
        Contact.builder("kept", T0).email("kept-stale@example.com").build(),
        Contact.builder("twice", T0).email("twice-first@example.com").build(),
        Contact.builder("twice", T0.plusSeconds(5)).email("twice-second@example.com").build(),
        Contact.builder("new", T0).email("New@Example.com").build()), T0.plusSeconds(90)));

    assertThat(contacts.find("crm", "old").orElseThrow().email()).contains("old-updated@example.com");
    assertThat(contacts.find("crm", "kept").orElseThrow().email()).contains("kept-new@example.com");
    assertThat(contacts.find("crm", "twice").orElseThrow().email()).contains("twice-second@example.com");
    assertThat(contacts.find("crm", "new").orElseThrow().email()).contains("New@Example.com");
    assertThat(contacts.count("crm")).isEqualTo(4);
    String emailKey = database.jdbi().withHandle(h -> h.createQuery("SELECT email_key FROM contacts "
        + "WHERE crm_id = 'new'").mapTo(String.class).one());
    assertThat(emailKey).isEqualTo("new@example.com");
  }

  @Test
  void walksTheLiveContactsInKeysetPages() {
    database.jdbi().useTransaction(h -> contacts.upsertAll(h, "crm", List.of(
        Contact.builder("c3", T0).build(), Contact.builder("c1", T0).build(),
        Contact.builder("c2", T0).deleted(true).build(), Contact.builder("c4", T0).build(),
        Contact.builder("c5", T0).build()), T0));
    database.jdbi().useTransaction(h -> contacts.upsertAll(h, "other", List.of(Contact.builder("c0", T0).build()), T0));

    List<String> walked = new java.util.ArrayList<>();
    Optional<String> after = Optional.empty();
    while (true) {
      Optional<String> from = after;
      List<Contact> page = database.jdbi().withHandle(h -> contacts.page(h, "crm", from, 2));
      page.forEach(contact -> walked.add(contact.crmId()));
      if (page.size() < 2) {
        break;
      }
      after = Optional.of(page.get(page.size() - 1).crmId());
    }

    assertThat(walked).containsExactly("c1", "c3", "c4", "c5");
  }

  @Test
  void readsEachKeysetPageOfContactsWithTheirLastSurveyOwnOrOfTheSamePerson() {
    database.jdbi().useTransaction(h -> {
      contacts.upsertAll(h, "crm", List.of(
          Contact.builder("c1", T0).email("Ann@example.com").build(),
          Contact.builder("c2", T0).email("bob@example.com").build(),
          Contact.builder("c3", T0).build(),
          Contact.builder("c4", T0).email("dan@example.com").build(),
          Contact.builder("c5", T0).email("eve@example.com").deleted(true).build()), T0);
      // ann is also a contact of another connection, surveyed there later
      contacts.upsert(h, "other", Contact.builder("x1", T0).email("ann@EXAMPLE.com").build(), T0);
    });
    Instant day1 = T0.plusSeconds(86_400);
    Instant day2 = day1.plusSeconds(86_400);
    Instant day3 = day2.plusSeconds(86_400);
    invite("crm", "t", "k1", "c1", day1);
    invite("other", "t", "k2", "x1", day2);
    invite("crm", "t", "k3", "c3", day1);
    long refused = invite("crm", "t", "k4", "c4", day3);
    database.jdbi().useTransaction(h -> invitations.transition(h, refused, List.of(InvitationState.SCHEDULED),
        InvitationState.SUPPRESSED, "refused at send time", T0));

    List<ContactRepository.Surveyed> first = database.jdbi().withHandle(h -> contacts.surveyedPage(h, "crm", true,
        Optional.empty(), 2));
    List<ContactRepository.Surveyed> second = database.jdbi().withHandle(h -> contacts.surveyedPage(h, "crm", true,
        Optional.of("c2"), 2));
    List<ContactRepository.Surveyed> last = database.jdbi().withHandle(h -> contacts.surveyedPage(h, "crm", true,
        Optional.of("c4"), 2));
    List<ContactRepository.Surveyed> ownOnly = database.jdbi().withHandle(h -> contacts.surveyedPage(h, "crm", false,
        Optional.empty(), 10));

    assertThat(first).extracting(surveyed -> surveyed.contact().crmId() + " " + surveyed.lastSurveyedAt())
        .containsExactly("c1 Optional[" + day2 + "]", "c2 Optional.empty");
    assertThat(second).extracting(surveyed -> surveyed.contact().crmId() + " " + surveyed.lastSurveyedAt())
        .containsExactly("c3 Optional[" + day1 + "]", "c4 Optional.empty");
    assertThat(last).isEmpty();
    assertThat(ownOnly).extracting(surveyed -> surveyed.contact().crmId() + " " + surveyed.lastSurveyedAt())
        .containsExactly("c1 Optional[" + day1 + "]", "c2 Optional.empty", "c3 Optional[" + day1 + "]",
            "c4 Optional.empty");
  }

  @Test
  void findsWhichWaitingInvitationsHaveASendTaskAcrossPages() {
    for (int i = 0; i < 5; i++) {
      invite("crm", "t", "k" + i, "c" + i, T0.plusSeconds(i));
    }
    invite("other", "t", "k9", "c9", T0);
    List<Long> ids = invitations.inStates("crm", InvitationState.SCHEDULED).stream().map(Invitation::id).toList();
    database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO scheduled_tasks (task_name, task_instance, "
            + "execution_time, picked, version) VALUES ('send', :id, :at, FALSE, 1)")
        .bind("id", String.valueOf(ids.get(1))).bind("at", Sql.timestamp(T0)).execute());

    List<InvitationRepository.Waiting> first = invitations.waitingPage("crm", InvitationState.SCHEDULED, 0, 3);
    List<InvitationRepository.Waiting> second = invitations.waitingPage("crm", InvitationState.SCHEDULED,
        first.get(2).id(), 3);

    assertThat(first).extracting(InvitationRepository.Waiting::id).containsExactlyElementsOf(ids.subList(0, 3));
    assertThat(second).extracting(InvitationRepository.Waiting::id).containsExactlyElementsOf(ids.subList(3, 5));
    assertThat(second.get(1).sendAt()).isEqualTo(T0.plusSeconds(4));
    assertThat(invitations.waitingPage("crm", InvitationState.SENDING, 0, 3)).isEmpty();
    assertThat(invitations.withTask("send", ids)).containsExactly(ids.get(1));
    assertThat(invitations.withTask("remind", ids)).isEmpty();
  }

  @Test
  void makesABatchsInvitationsInOneInsertAndGivesAKeyTakenMeanwhileItsInvitation() {
    database.jdbi().useTransaction(h -> {
      List<InvitationRepository.HistoryEntry> entries = new java.util.ArrayList<>();
      long before = invitations.create(h, newInvitation("k0", "c0"), T0).id();
      InvitationRepository.Batch batch = invitations.batch(h, "crm", Map.of("t", List.of("k0", "k1", "k2", "k3")),
          T0, entries::add);

      InvitationRepository.Batch.Made known = batch.add(newInvitation("k0", "c0"));
      InvitationRepository.Batch.Made first = batch.add(newInvitation("k1", "c1"));
      InvitationRepository.Batch.Made second = batch.add(newInvitation("k2", "c2"));
      assertThat(known.created()).isFalse();
      assertThat(known.id()).isEqualTo(before);
      assertThat(first.created()).isTrue();
      assertThat(second.created()).isTrue();
      assertThat(entries).isEmpty(); // nothing inserted yet
      // another process takes k2 after the batch looked its keys up
      long theirs = invitations.create(h, newInvitation("k2", "c9"), T0).id();

      batch.flush();
      assertThat(second.created()).isFalse();
      assertThat(second.id()).isEqualTo(theirs);
      assertThat(first.created()).isTrue();
      assertThat(invitations.find(h, first.id())).get().extracting(Invitation::contactId, Invitation::state)
          .containsExactly("c1", InvitationState.SCHEDULED);
      assertThat(entries).extracting(InvitationRepository.HistoryEntry::invitationId).containsExactly(first.id());

      // a key the batch made already is that invitation; asking a new one's id inserts it
      assertThat(batch.add(newInvitation("k1", "c1")).id()).isEqualTo(first.id());
      InvitationRepository.Batch.Made third = batch.add(newInvitation("k3", "c3"));
      long thirdId = third.id();
      assertThat(invitations.find(h, thirdId)).get().extracting(Invitation::contactId).isEqualTo("c3");
      assertThat(entries).extracting(InvitationRepository.HistoryEntry::invitationId)
          .containsExactly(first.id(), thirdId);
      assertThatThrownBy(() -> batch.add(new InvitationRepository.NewInvitation("crm", "other", "k4", "c4",
          Optional.empty(), Optional.empty(), "email", T0))).hasMessageContaining("crm/other");
    });
  }

  @Test
  void handsEveryInvitationInAStateOverPageByPageInIdOrder() {
    int count = InvitationRepository.PAGE * 2 + 3; // two full pages and a part
    List<Long> made = new java.util.ArrayList<>();
    database.jdbi().useTransaction(h -> {
      for (int i = 0; i < count; i++) {
        made.add(invitations.create(h, newInvitation("p" + i, "c" + i), T0).id());
      }
      // one of them sent, one of another connection: neither is handed over
      invitations.transition(h, made.get(7), List.of(InvitationState.SCHEDULED), InvitationState.SENT, "sent", T0);
      invitations.create(h, new InvitationRepository.NewInvitation("other", "t", "p0", "c0", Optional.empty(),
          Optional.empty(), "email", T0), T0);
    });
    List<Long> handed = new java.util.ArrayList<>();

    invitations.forEachInState("crm", InvitationState.SCHEDULED, invitation -> handed.add(invitation.id()));

    List<Long> expected = new java.util.ArrayList<>(made);
    expected.remove(made.get(7));
    assertThat(handed).containsExactlyElementsOf(expected);
    List<Long> sent = new java.util.ArrayList<>();
    invitations.forEachInState("crm", InvitationState.SENT, invitation -> sent.add(invitation.id()));
    assertThat(sent).containsExactly(made.get(7));
  }

  @Test
  void handsTheDueInvitationsOverInSendOrderAcrossPages() {
    int count = InvitationRepository.PAGE + 10;
    Map<Long, Instant> sendAt = new java.util.HashMap<>();
    database.jdbi().useTransaction(h -> {
      for (int i = 0; i < count; i++) {
        // send times out of id order, pairs of equal times (then by id), and the last ten not due yet
        Instant at = i >= count - 10 ? T0.plusSeconds(86_400) : T0.plusSeconds((count - i) / 2 * 60L);
        long id = invitations.create(h, new InvitationRepository.NewInvitation("crm", "t", "d" + i, "c" + i,
            Optional.empty(), Optional.empty(), "email", at), T0).id();
        sendAt.put(id, at);
      }
    });
    Instant until = T0.plusSeconds(3_600 * 12);
    List<Long> expected = sendAt.entrySet().stream().filter(entry -> !entry.getValue().isAfter(until))
        .sorted(Map.Entry.<Long, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey).toList();
    List<Long> handed = new java.util.ArrayList<>();

    database.jdbi().useTransaction(h -> invitations.forEachDueBy(h, "crm", until, invitation -> {
      handed.add(invitation.id());
      // what the consumer does to one is seen by the next pages (the simulator sends them as they come)
      invitations.transition(h, invitation.id(), List.of(InvitationState.SCHEDULED), InvitationState.SENT, "sent",
          invitation.sendAt());
    }));

    assertThat(expected).hasSize(count - 10);
    assertThat(handed).containsExactlyElementsOf(expected);
    database.jdbi().useHandle(h -> assertThat(invitations.find(h, handed.get(handed.size() - 1))).get()
        .extracting(Invitation::state).isEqualTo(InvitationState.SENT));
  }

  private static InvitationRepository.NewInvitation newInvitation(String key, String contact) {
    return new InvitationRepository.NewInvitation("crm", "t", key, contact, Optional.empty(), Optional.empty(),
        "email", T0.plusSeconds(60));
  }

  @Test
  void keepsOneDayPlanPerTriggerAndSeesChangesAfterIt() {
    RelationshipPlanRepository plans = new RelationshipPlanRepository();
    Instant day = Instant.parse("2026-11-02T00:00:00Z");
    database.jdbi().useTransaction(h -> contacts.upsert(h, "crm", Contact.builder("c1", T0).build(), T0));
    database.jdbi().useTransaction(h -> plans.save(h, new RelationshipPlanRepository.DayPlan("crm", "q", day, "f1",
        5, 2, Optional.empty(), T0)));
    database.jdbi().useTransaction(h -> plans.save(h, new RelationshipPlanRepository.DayPlan("crm", "q", day, "f2",
        7, 0, Optional.of(T0.plusSeconds(60)), T0.plusSeconds(1))));

    assertThat(plan(plans, "q")).contains(
        new RelationshipPlanRepository.DayPlan("crm", "q", day, "f2", 7, 0, Optional.of(T0.plusSeconds(60)),
            T0.plusSeconds(1)));
    assertThat(plan(plans, "other")).isEmpty();
    assertThat(changed(plans, "crm", T0.plusSeconds(1))).isFalse();
    database.jdbi().useTransaction(h -> contacts.upsert(h, "crm", Contact.builder("c2", T0).build(),
        T0.plusSeconds(2)));
    assertThat(changed(plans, "crm", T0.plusSeconds(1))).isTrue();
    assertThat(changed(plans, "other", T0.plusSeconds(1))).isFalse();
    long id = invite("other", "t", "k", "x", T0);
    database.jdbi().useTransaction(h -> invitations.transition(h, id, List.of(InvitationState.SCHEDULED),
        InvitationState.FAILED, "refused", T0.plusSeconds(3)));
    assertThat(changed(plans, "other", T0.plusSeconds(1))).isTrue();
  }

  private Optional<RelationshipPlanRepository.DayPlan> plan(RelationshipPlanRepository plans, String trigger) {
    return database.jdbi().withHandle(h -> plans.find(h, "crm", trigger));
  }

  private boolean changed(RelationshipPlanRepository plans, String connection, Instant since) {
    return database.jdbi().withHandle(h -> plans.changedSince(h, connection, since));
  }

  private long invite(String connection, String trigger, String key, String contact, Instant sendAt) {
    return database.jdbi().inTransaction(h -> invitations.create(h, new InvitationRepository.NewInvitation(connection,
        trigger, key, contact, Optional.empty(), Optional.empty(), "email", sendAt), T0).id());
  }

  @Test
  void storesEveryFieldAndTheSegmentRowsOfAPageAndLeavesThoseOfAStaleCopy() {
    Contact full = Contact.builder("full", T0).email(" Full@Example.com").firstName("Ada").lastName("Lovelace")
        .phone("+44 20 7946 0000").locale(java.util.Locale.forLanguageTag("en-GB"))
        .timeZone(java.time.ZoneId.of("Europe/London")).emailOptOut(true).ownerId("owner-1")
        .account("acc-1", "Analytical Engines").segment("region", " EMEA ").segment("tier", "Gold").build();
    database.jdbi().useTransaction(h -> contacts.upsertAll(h, "crm", List.of(full,
        Contact.builder("stale", T0.plusSeconds(60)).segment("region", "AMER").build(),
        Contact.builder("bare", T0).build()), T0));
    // a later page: "full" again with other segments, a stale copy of "stale", "tie" twice at the same time
    database.jdbi().useTransaction(h -> contacts.upsertAll(h, "crm", List.of(
        Contact.builder("full", T0.plusSeconds(10)).email("full@example.com").segment("region", "APAC")
            .deleted(true).build(),
        Contact.builder("stale", T0).segment("region", "EMEA").build(),
        Contact.builder("tie", T0).segment("region", "first").build(),
        Contact.builder("tie", T0).segment("region", "second").build(),
        Contact.builder("tie", T0.minusSeconds(1)).segment("region", "older").build()), T0.plusSeconds(30)));

    assertThat(contacts.find("crm", "bare").orElseThrow()).isEqualTo(Contact.builder("bare", T0).build());
    Contact updated = contacts.find("crm", "full").orElseThrow();
    assertThat(updated.deleted()).isTrue();
    assertThat(updated.firstName()).isEmpty();
    assertThat(updated.segments()).isEqualTo(Map.of("region", "APAC"));
    assertThat(contacts.find("crm", "stale").orElseThrow().segments()).isEqualTo(Map.of("region", "AMER"));
    assertThat(contacts.find("crm", "tie").orElseThrow().segments()).isEqualTo(Map.of("region", "second"));
    List<String> segmentRows = database.jdbi().withHandle(h -> h.createQuery("SELECT crm_id || ':' || segment || '=' "
        + "|| value_key || '/' || segment_value FROM contact_segments WHERE connection = 'crm' ORDER BY crm_id, segment")
        .mapTo(String.class).list());
    assertThat(segmentRows).containsExactly("full:region=apac/APAC", "stale:region=amer/AMER",
        "tie:region=second/second");
    String emailKey = database.jdbi().withHandle(h -> h.createQuery("SELECT email_key FROM contacts "
        + "WHERE crm_id = 'full'").mapTo(String.class).one());
    assertThat(emailKey).isEqualTo("full@example.com");

    // every field of a first copy as it was given
    database.jdbi().useTransaction(h -> contacts.upsertAll(h, "other", List.of(full), T0));
    assertThat(contacts.find("other", "full").orElseThrow()).isEqualTo(full);
    Instant syncedAt = database.jdbi().withHandle(h -> h.createQuery("SELECT synced_at FROM contacts "
        + "WHERE connection = 'other'").mapTo(Instant.class).one());
    assertThat(syncedAt).isEqualTo(T0);
  }

  @Test
  void storesAnEventGivenTwiceInAPageOnceWithTheContactsOfEveryCopy() {
    database.jdbi().useTransaction(h -> events.upsertAll(h, "crm", List.of(
        new InteractionEvent("opp-1", EventKind.PURCHASE, T0, List.of("c1", "c1"), Map.of("amount", "10")),
        new InteractionEvent("opp-1", EventKind.SUPPORT, T0.plusSeconds(1), List.of("c1"), Map.of()),
        new InteractionEvent("opp-1", EventKind.PURCHASE, T0.plusSeconds(60), List.of("c2", "c1"),
            Map.of("amount", "99"))), T0));

    assertThat(events.countByKind("crm")).isEqualTo(Map.of("PURCHASE", 1, "SUPPORT", 1));
    List<EventRepository.PendingEvaluation> pending = events.pending("crm", 10);
    assertThat(pending).extracting(p -> p.event().event().kind() + "/" + p.contactId() + "/"
            + p.event().event().occurredAt() + "/" + p.event().event().attributes())
        .containsExactly("PURCHASE/c1/" + T0 + "/{amount=10}", "PURCHASE/c2/" + T0 + "/{amount=10}",
            "SUPPORT/c1/" + T0.plusSeconds(1) + "/{}");
  }

  @Test
  void storesAPageOfEventsOnceAndPagesThroughThePendingPairsPastTies() {
    List<InteractionEvent> page = List.of(
        new InteractionEvent("opp-2", EventKind.PURCHASE, T0, List.of("c2", "c1"), Map.of()),
        new InteractionEvent("opp-1", EventKind.PURCHASE, T0, List.of("c3"), Map.of("amount", "10")),
        new InteractionEvent("t-1", EventKind.SUPPORT, T0.minusSeconds(60), List.of("c1"), Map.of()),
        new InteractionEvent("opp-3", EventKind.PURCHASE, T0.plusSeconds(60), List.of("c4"), Map.of()));
    database.jdbi().useTransaction(h -> events.upsertAll(h, "crm", page, T0));
    database.jdbi().useTransaction(h -> events.upsertAll(h, "crm", page, T0.plusSeconds(5)));
    database.jdbi().useTransaction(h -> events.upsertAll(h, "other", page.subList(0, 1), T0));

    assertThat(events.count("crm")).isEqualTo(4);
    List<EventRepository.PendingEvaluation> all = events.pending("crm", 100);
    assertThat(all).extracting(pending -> pending.event().event().crmId() + "/" + pending.contactId())
        .containsExactly("t-1/c1", "opp-2/c1", "opp-2/c2", "opp-1/c3", "opp-3/c4");
    assertThat(all).allMatch(pending -> pending.seenAt().equals(T0));
    List<EventRepository.PendingEvaluation> paged = new java.util.ArrayList<>();
    Optional<EventRepository.PendingEvaluation> after = Optional.empty();
    while (true) {
      Optional<EventRepository.PendingEvaluation> from = after;
      List<EventRepository.PendingEvaluation> one = database.jdbi().withHandle(h -> events.pending(h, "crm", from, 1));
      if (one.isEmpty()) {
        break;
      }
      paged.add(one.get(0));
      after = Optional.of(one.get(0));
    }
    assertThat(paged).isEqualTo(all);
  }

  @Test
  void thePendingPageIsReadInItsOrderFromItsIndex() {
    for (boolean after : List.of(false, true)) {
      String plan = database.jdbi().withHandle(h -> {
        if (database.vendor() == Database.Vendor.POSTGRESQL) {
          h.execute("SET enable_seqscan = off"); // an empty table would be scanned whatever its indexes
        }
        var query = h.createQuery("EXPLAIN " + EventRepository.pendingSql(after)).bind("connection", "crm")
            .bind("limit", 500);
        if (after) {
          query.bind("at", java.sql.Timestamp.from(T0)).bind("id", 5L).bind("contact", "c1");
        }
        return String.join("\n", query.mapTo(String.class).list());
      });
      assertThat(plan.toLowerCase(java.util.Locale.ROOT)).contains("ix_event_contacts_pending");
      if (database.vendor() == Database.Vendor.POSTGRESQL) {
        assertThat(plan).doesNotContain("Sort");
      } else {
        assertThat(plan).contains("index sorted");
      }
    }
  }

  @Test
  void storesTheResultsOfAWholeBatchAtOnce() {
    database.jdbi().useTransaction(h -> {
      writebacks.enqueue(h, "crm", new WriteRequest.ContactNps("contact:c1", "c1", 9, "promoter", T0, Optional.empty()), T0);
      writebacks.enqueue(h, "crm", new WriteRequest.ContactNps("contact:c2", "c2", 9, "promoter", T0, Optional.empty()), T0);
      writebacks.enqueue(h, "crm", new WriteRequest.ContactNps("contact:c3", "c3", 9, "promoter", T0, Optional.empty()), T0);
    });
    List<WritebackRepository.Item> due = writebacks.due("crm", T0, 10);

    writebacks.completeAll(List.of(
        new WritebackRepository.Completion(due.get(0), RecordResult.ok(due.get(0).coalesceKey(), "rec-1"),
            Optional.empty()),
        new WritebackRepository.Completion(due.get(1), RecordResult.failed(due.get(1).coalesceKey(), "BUSY", "busy",
            true), Optional.of(T0.plusSeconds(60))),
        new WritebackRepository.Completion(due.get(2), RecordResult.failed(due.get(2).coalesceKey(), "INVALID",
            "refused", false), Optional.empty())), T0);

    assertThat(writebacks.inState("crm", "DONE")).singleElement()
        .satisfies(item -> assertThat(item.crmRecordId()).contains("rec-1"));
    assertThat(writebacks.inState("crm", "PENDING")).singleElement()
        .satisfies(item -> assertThat(item.nextAttemptAt()).isEqualTo(T0.plusSeconds(60)));
    assertThat(writebacks.inState("crm", "FAILED")).singleElement()
        .satisfies(item -> assertThat(item.errorCode()).contains("INVALID"));
    int results = database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM writeback_results")
        .mapTo(Integer.class).one());
    assertThat(results).isEqualTo(3);
  }

  @Test
  void theDatabaseRefusesASecondInvitationForTheSameTriggerAndKey() {
    long eventId = database.jdbi().inTransaction(h -> events.upsert(h, "crm",
        new InteractionEvent("opp-1", EventKind.PURCHASE, T0, List.of("c1"), Map.of()), T0));
    InvitationRepository.NewInvitation invitation = new InvitationRepository.NewInvitation("crm", "won",
        "event:" + eventId + ":c1", "c1", Optional.empty(), Optional.of(eventId), "email", T0);

    InvitationRepository.Created first = database.jdbi().inTransaction(h -> invitations.create(h, invitation, T0));
    InvitationRepository.Created second = database.jdbi().inTransaction(h -> invitations.create(h, invitation, T0));

    assertThat(first.created()).isTrue();
    assertThat(second).isEqualTo(new InvitationRepository.Created(first.id(), false));
    assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("INSERT INTO invitations (connection, "
        + "trigger_name, dedup_key, contact_crm_id, channel, state, send_at, created_at, updated_at) VALUES "
        + "('crm', 'won', 'event:" + eventId + ":c1', 'c1', 'email', 'SCHEDULED', CURRENT_TIMESTAMP, "
        + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")))
        .isInstanceOf(UnableToExecuteStatementException.class);
  }

  @Test
  void theDatabaseRefusesASecondAnswerRowAndOutOfRangeScores() {
    long id = scheduledInvitation();

    answers.forInvitation(id);
    database.jdbi().useTransaction(h -> answers.upsert(h, id, 3, Optional.of("slow"), T0));
    database.jdbi().useTransaction(h -> answers.upsert(h, id, 9, Optional.empty(), T0.plusSeconds(5)));

    AnswerRepository.Answer answer = answers.forInvitation(id).orElseThrow();
    assertThat(answer.score()).isEqualTo(9);
    assertThat(answer.answeredAt()).isEqualTo(T0);
    assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("INSERT INTO answers (invitation_id, score, "
        + "answered_at, updated_at) VALUES (" + id + ", 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")))
        .isInstanceOf(UnableToExecuteStatementException.class);
    assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("UPDATE answers SET score = 11")))
        .isInstanceOf(UnableToExecuteStatementException.class);
  }

  @Test
  void movesAnInvitationOnlyFromTheExpectedStateAndKeepsItsHistory() {
    long id = scheduledInvitation();

    boolean claimed = database.jdbi().inTransaction(h -> invitations.transition(h, id,
        List.of(InvitationState.SCHEDULED), InvitationState.SENDING, "attempt 1", T0));
    boolean claimedAgain = database.jdbi().inTransaction(h -> invitations.transition(h, id,
        List.of(InvitationState.SCHEDULED), InvitationState.SENDING, "attempt 1", T0));

    assertThat(claimed).isTrue();
    assertThat(claimedAgain).isFalse();
    assertThat(invitations.find(id).orElseThrow().attempts()).isEqualTo(1);
    assertThat(invitations.history(id)).extracting(InvitationRepository.HistoryEntry::state)
        .containsExactly(InvitationState.SCHEDULED, InvitationState.SENDING);
  }

  @Test
  void coalescesPendingWritesPerContactLatestWins() {
    database.jdbi().useTransaction(h -> writebacks.enqueue(h, "crm",
        new WriteRequest.ContactNps("contact:c1", "c1", 3, "detractor", T0, Optional.empty()), T0));
    database.jdbi().useTransaction(h -> writebacks.enqueue(h, "crm",
        new WriteRequest.ContactNps("contact:c1", "c1", 10, "promoter", T0, Optional.of("better")), T0));

    List<WritebackRepository.Item> due = writebacks.due("crm", T0, 10);

    assertThat(due).hasSize(1);
    assertThat(((WriteRequest.ContactNps) due.get(0).request()).score()).isEqualTo(10);
  }

  @Test
  void aResultForAnOlderPayloadLeavesTheNewerOnePending() {
    database.jdbi().useTransaction(h -> writebacks.enqueue(h, "crm",
        new WriteRequest.ContactNps("contact:c1", "c1", 3, "detractor", T0, Optional.empty()), T0));
    WritebackRepository.Item inFlight = writebacks.due("crm", T0, 10).get(0);
    database.jdbi().useTransaction(h -> writebacks.enqueue(h, "crm",
        new WriteRequest.ContactNps("contact:c1", "c1", 9, "promoter", T0, Optional.empty()), T0));

    writebacks.complete(inFlight, RecordResult.ok("contact:c1", "c1"), Optional.empty(), T0);

    assertThat(writebacks.due("crm", T0, 10)).singleElement()
        .satisfies(item -> assertThat(((WriteRequest.ContactNps) item.request()).score()).isEqualTo(9));
  }

  @Test
  void keepsPermanentFailuresWithTheCrmCode() {
    database.jdbi().useTransaction(h -> writebacks.enqueue(h, "crm",
        new WriteRequest.ContactNps("contact:c1", "c1", 3, "detractor", T0, Optional.empty()), T0));
    WritebackRepository.Item item = writebacks.due("crm", T0, 10).get(0);

    writebacks.complete(item, RecordResult.failed("contact:c1", "INVALID_FIELD", "No such column 'NPS_Score__c'", false),
        Optional.empty(), T0);

    assertThat(writebacks.inState("crm", "FAILED")).singleElement()
        .satisfies(failed -> assertThat(failed.errorCode()).contains("INVALID_FIELD"));
    assertThat(writebacks.due("crm", T0, 10)).isEmpty();
  }

  @Test
  void commitsAndReloadsTheSyncCursor() {
    assertThat(cursors.load("crm")).isEqualTo(SyncCursor.START);

    cursors.commit("crm", new SyncCursor("a"), T0);
    cursors.commit("crm", new SyncCursor("b"), T0);

    assertThat(cursors.load("crm")).isEqualTo(new SyncCursor("b"));
  }

  private long scheduledInvitation() {
    return database.jdbi().inTransaction(h -> invitations.create(h, new InvitationRepository.NewInvitation("crm",
        "won", "k-" + System.nanoTime(), "c1", Optional.empty(), Optional.empty(), "email", T0), T0)).id();
  }

  @Test
  void readsTheHistoryOfAContactOrAnAccountOfOneConnectionOnly() {
    answered("east", "c1", "a1", 10, 1);
    answered("east", "c1", "a1", 6, 3);
    answered("east", "c2", "a1", 8, 2);
    answered("west", "c1", "a1", 0, 4);
    ResponseHistoryRepository history = new ResponseHistoryRepository(database.jdbi());

    List<ResponseHistoryRepository.Response> contact = history.page("east", ResponseHistoryRepository.Scope.CONTACT,
        "c1", 0, 10);
    assertThat(contact).extracting(ResponseHistoryRepository.Response::score).containsExactly(6, 10);
    assertThat(contact.get(0).category()).isEqualTo("detractor");
    assertThat(contact.get(0).comment()).contains("comment 6");
    assertThat(history.page("east", ResponseHistoryRepository.Scope.ACCOUNT, "a1", 1, 2))
        .extracting(ResponseHistoryRepository.Response::score).containsExactly(8, 10);
    assertThat(history.count("east", ResponseHistoryRepository.Scope.ACCOUNT, "a1")).isEqualTo(3);
    assertThat(history.count("west", ResponseHistoryRepository.Scope.CONTACT, "c1")).isEqualTo(1);
    assertThat(history.tally("east", ResponseHistoryRepository.Scope.ACCOUNT, "a1", T0))
        .isEqualTo(io.npsconnector.core.stats.NpsTally.of(1, 1, 1));
    assertThat(history.tally("east", ResponseHistoryRepository.Scope.ACCOUNT, "a1", T0.plusSeconds(2 * 3600)))
        .as("answers before the window are left out").isEqualTo(io.npsconnector.core.stats.NpsTally.of(0, 1, 1));
    assertThat(history.tally("east", ResponseHistoryRepository.Scope.CONTACT, "nobody", T0))
        .isEqualTo(io.npsconnector.core.stats.NpsTally.EMPTY);
  }

  /** An invitation of {@code contact} answered {@code hours} after T0 with {@code score}. */
  private void answered(String connection, String contact, String account, int score, int hours) {
    Instant at = T0.plusSeconds(hours * 3600L);
    database.jdbi().useTransaction(h -> {
      long id = invitations.create(h, new InvitationRepository.NewInvitation(connection, "won",
          "relationship:" + contact + ":" + hours, contact, Optional.of(account), Optional.empty(), "email", at), at).id();
      answers.upsert(h, id, score, Optional.of("comment " + score), at);
    });
  }
}
