package io.npsconnector.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.npsconnector.core.testing.FakeCrmProvider;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.DecisionRepository.StoredDecision;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository.HistoryEntry;
import io.npsconnector.core.store.WritebackRepository;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.RecordingChannel;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.core.trigger.Decision;
import io.npsconnector.core.trigger.SendWindow;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline through {@link Engine}, with the fake CRM and the recording channel, run on H2 and
 * on PostgreSQL by the subclasses. The scheduler is never started: tests call the operations the
 * scheduler would call and read its table to see what it was asked to do. A "crash" is a hook that
 * throws at a named point; a restart closes the pool and builds a new engine on the same database.
 */
abstract class EngineContract {
  static final String CRM = "crm";
  /** A second CRM connection, for a person known in both. */
  static final String CRM_B = "crm-b";
  /** A Monday, after the autumn clock changes in Europe and North America. */
  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  static final Instant MODIFIED = T0.minus(Duration.ofDays(30));
  static final Duration MINUTE = Duration.ofMinutes(1);
  static final Duration HOUR = Duration.ofHours(1);
  static final Duration DAY = Duration.ofDays(1);

  Database database;
  TestClock clock;
  FakeCrmAdapter crm;
  RecordingChannel channel;
  private final List<Engine> engines = new ArrayList<>();

  /** A freshly migrated, empty database; a second call in one test replaces the first one's. */
  abstract Database openEmpty();

  /** The database {@link #openEmpty} made, opened again as a restarted process would. */
  abstract Database reopen();

  @BeforeEach
  void setUp() {
    database = openEmpty();
    clock = new TestClock(T0);
    crm = newCrm(FakeCrmAdapter.DEFAULT_PAGE_SIZE);
    channel = new RecordingChannel();
  }

  @AfterEach
  void tearDown() {
    engines.forEach(Engine::close);
    database.close();
  }

  // ---- 1. sync ------------------------------------------------------------------------------------

  @Test
  void eventsPushedByTheCrmAreDecidedAtOnceAndTheLaterSyncChangesNothing() {
    crm.putContact(contact("c1").build());
    InteractionEvent pushed = purchase("opp-1", "c1", T0.minus(HOUR));
    crm.addEvent(pushed);
    Engine engine = engine(config().purchase().build());

    Engine.SyncReport early = engine.ingest(CRM, List.of(contact("c1").build()), List.of(pushed));
    Engine.SyncReport again = engine.ingest(CRM, List.of(), List.of(pushed));
    Engine.SyncReport polled = engine.syncAndTrigger(CRM);

    assertThat(early.invited()).isEqualTo(1);
    assertThat(again.evaluated()).isZero();
    assertThat(polled.evaluated()).isZero();
    assertThat(rows("invitations")).isEqualTo(1);
    assertThat(stores().events().count(CRM)).isEqualTo(1);
  }

  @Test
  void storesContactsAndEventsThenCommitsTheCursor() {
    crm.putContacts(List.of(contact("c1").build(), contact("c2").build()));
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));
    Engine engine = engine(config().purchase().build());

    Engine.SyncReport report = engine.syncAndTrigger(CRM);

    assertThat(report).isEqualTo(new Engine.SyncReport(1, 2, 1, FakeCrmAdapter.CALLS_PER_PAGE, 1, 1, 0, 0));
    assertThat(stores().contacts().find(CRM, "c1")).contains(contact("c1").build());
    assertThat(stores().events().count(CRM)).isEqualTo(1);
    SyncCursor cursor = stores().cursors().load(CRM);
    assertThat(cursor.isStart()).isFalse();
    assertThat(crm.readChanges(cursor).contacts()).isEmpty();
    assertThat(crm.readChanges(cursor).events()).isEmpty();

    Engine.SyncReport nothingNew = engine.syncAndTrigger(CRM);

    assertThat(nothingNew).isEqualTo(new Engine.SyncReport(1, 0, 0, FakeCrmAdapter.CALLS_PER_PAGE, 0, 0, 0, 0));
    assertThat(rows("invitations")).isEqualTo(1);
  }

  @Test
  void theLastSyncIsKeptInTheStoreForEveryInstanceAndAfterARestart() {
    crm.putContacts(List.of(contact("c1").build(), contact("c2").build()));
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));
    NpsConfig config = config().purchase().build();
    Engine syncing = engine(config);
    Engine other = engine(config); // another instance on the same store
    assertThat(other.lastSync(CRM)).isEmpty();

    Engine.SyncReport report = syncing.syncAndTrigger(CRM);

    assertThat(other.lastSync(CRM)).hasValueSatisfying(run -> {
      assertThat(run.report()).isEqualTo(report);
      assertThat(run.at()).isEqualTo(T0);
    });
    clock.advance(HOUR);
    Engine.SyncReport nothingNew = other.syncAndTrigger(CRM);
    assertThat(restart(config).lastSync(CRM)).hasValueSatisfying(run -> {
      assertThat(run.report()).isEqualTo(nothingNew);
      assertThat(run.at()).isEqualTo(T0.plus(HOUR));
    });
  }

  @Test
  void theCrmsSegmentLabelsAreKeptOncePerSyncAndAFailedReadKeepsTheLastOnes() {
    crm.putContact(contact("c1").segment("region", "emea").build());
    crm.segmentLabels(Map.of("region", Map.of("EMEA", "Europe, Middle East and Africa")));
    Engine engine = engine(config().purchase().build());
    io.npsconnector.core.store.SegmentLabelRepository labels =
        new io.npsconnector.core.store.SegmentLabelRepository(database.jdbi());

    engine.syncAndTrigger(CRM);
    assertThat(labels.labels(CRM)).isEqualTo(Map.of("region", Map.of("emea", "Europe, Middle East and Africa")));
    assertThat(crm.segmentLabelReads()).isEqualTo(1);

    crm.failNextLabelRead(new io.npsconnector.core.spi.CrmException.Retriable(CRM, "read labels", "503 busy",
        java.util.Optional.empty(), null));
    crm.putContact(contact("c2").build());
    Engine.SyncReport report = engine.syncAndTrigger(CRM);
    assertThat(report.contacts()).as("the sync goes on").isEqualTo(1);
    assertThat(labels.labels(CRM)).as("the last labels stay").containsKey("region");

    crm.segmentLabels(Map.of());
    engine.syncAndTrigger(CRM);
    assertThat(labels.labels(CRM)).as("labels the CRM no longer has go").isEmpty();
  }

  @Test
  void repeatsThePageACrashInterruptedAndStoresEachEventOnce() {
    crm = newCrm(2);
    for (int i = 1; i <= 4; i++) {
      crm.putContact(contact("c" + i).build());
      crm.addEvent(purchase("opp-" + i, "c" + i, T0.minus(HOUR.multipliedBy(5 - i))));
    }
    NpsConfig config = config().purchase().build();
    Engine first = engine(config, crashAt(EngineHooks.SYNC_STORED, 2));

    assertThatThrownBy(() -> first.syncAndTrigger(CRM)).isInstanceOf(ProcessDied.class);

    // the second page is stored, its cursor is not: the committed cursor still points at it
    assertThat(stores().events().count(CRM)).isEqualTo(4);
    SyncCursor committed = stores().cursors().load(CRM);
    assertThat(crm.readChanges(committed).events()).extracting(InteractionEvent::crmId)
        .containsExactly("opp-3", "opp-4");
    assertThat(rows("invitations")).isZero();

    Engine second = restart(config);
    Engine.SyncReport report = second.syncAndTrigger(CRM);

    assertThat(report.pages()).isEqualTo(1);
    assertThat(report.events()).isEqualTo(2);
    assertThat(report.invited()).isEqualTo(4);
    assertThat(stores().events().count(CRM)).isEqualTo(4);
    assertThat(rows("event_contacts")).isEqualTo(4);
    assertThat(count("SELECT COUNT(*) FROM event_contacts WHERE evaluated_at IS NULL")).isZero();
    List<Invitation> invitations = IntStream.rangeClosed(1, 4).mapToObj(i -> onlyInvitation("c" + i)).toList();
    assertThat(invitations).extracting(Invitation::trigger).containsOnly("post-purchase");
    assertThat(invitations).extracting(invitation -> invitation.eventId().orElseThrow()).doesNotHaveDuplicates();
    assertThat(rows("decisions")).isEqualTo(4);

    Engine.SyncReport again = second.syncAndTrigger(CRM);

    assertThat(again.evaluated()).isZero();
    assertThat(rows("invitations")).isEqualTo(4);
    assertThat(rows("decisions")).isEqualTo(4);
  }

  @Test
  void decidesEachPagesEventsWhileTheNextPageIsReadAndAnEventWaitsForAContactOfALaterPage() {
    // pages of 600 contacts and 600 events: every page holds more pairs than a page of the pass
    crm = newCrm(600);
    for (int i = 0; i < 1500; i++) {
      crm.putContact(contact(String.format("c%04d", i)).build());
      // the first 100 events are for contacts of the last page, the last 100 for those of the first: one each
      String contact = String.format("c%04d", i < 100 ? 1400 + i : i >= 1400 ? i - 1400 : i);
      crm.addEvent(purchase(String.format("opp-%04d", i), contact, T0.minus(HOUR).plusSeconds(i)));
    }
    List<Integer> decidedAtRead = new java.util.concurrent.CopyOnWriteArrayList<>();
    CrmAdapter counted = new io.npsconnector.core.testing.ForwardingCrmAdapter(crm) {
      @Override
      public io.npsconnector.core.spi.ChangePage readChanges(SyncCursor cursor) {
        decidedAtRead.add(rows("decisions"));
        return super.readChanges(cursor);
      }
    };
    Engine engine = Engine.builder(config().purchase().build(), database).adapter(CRM, counted).channel(channel)
        .clock(clock).settings(EngineSettings.defaults().withInstanceName("engine-test")).build();
    engines.add(engine);

    Engine.SyncReport report = engine.syncAndTrigger(CRM);

    // the third page is asked for once the first is stored and its 500 pairs with a stored contact decided (the
    // 100 whose contact comes later wait); nothing is decided before the first page is stored
    assertThat(report.pages()).isEqualTo(3);
    assertThat(decidedAtRead).hasSize(3);
    assertThat(decidedAtRead.get(0)).isZero();
    assertThat(decidedAtRead.get(2)).isGreaterThanOrEqualTo(500);
    assertThat(report.evaluated()).isEqualTo(1500);
    assertThat(report.invited()).isEqualTo(1500);
    assertThat(rows("decisions")).isEqualTo(1500);
    assertThat(count("SELECT COUNT(*) FROM decisions WHERE outcome = 'INVITE'")).isEqualTo(1500);
    assertThat(onlyInvitation("c1400").eventId()).isPresent();
    assertThat(count("SELECT COUNT(*) FROM event_contacts WHERE evaluated_at IS NULL")).isZero();
  }

  @Test
  void leavesTheCursorWhereItWasWhenTheCrmFailsARead() {
    crm.putContact(contact("c1").build());
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));
    crm.failNextReads(1);
    Engine engine = engine(config().purchase().build());

    assertThatThrownBy(() -> engine.syncAndTrigger(CRM)).isInstanceOf(CrmException.Retriable.class);

    assertThat(stores().cursors().load(CRM)).isEqualTo(SyncCursor.START);
    assertThat(stores().events().count(CRM)).isZero();

    assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(1);
  }

  // ---- 2. trigger rules, as stored decisions --------------------------------------------------------

  @Test
  void suppressesAnEventThatDoesNotMeetTheFilter() {
    crm.putContact(contact("c1").build());
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR), 500));

    engine(config().purchase().build()).syncAndTrigger(CRM);

    assertSuppressed(onlyDecision("c1"), "filter", "amount >= 1000");
    assertThat(invitations("c1")).isEmpty();
  }

  @Test
  void suppressesAnEventOlderThanTheMaxEventAge() {
    crm.putContact(contact("c1").build());
    crm.addEvent(purchase("opp-1", "c1", T0.minus(Duration.ofDays(40))));

    engine(config().purchase().build()).syncAndTrigger(CRM);

    assertSuppressed(onlyDecision("c1"), "max-event-age", "max event age is 30d");
    assertThat(invitations("c1")).isEmpty();
  }

  @Test
  void suppressesAContactWithoutEmail() {
    crm.putContact(Contact.builder("c1", MODIFIED).firstName("Ada").build());
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));

    engine(config().purchase().build()).syncAndTrigger(CRM);

    assertSuppressed(onlyDecision("c1"), "email", "no e-mail address");
  }

  @Test
  void suppressesAContactOptedOutInTheCrm() {
    crm.putContact(contact("c1").emailOptOut(true).build());
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));

    engine(config().purchase().build()).syncAndTrigger(CRM);

    assertSuppressed(onlyDecision("c1"), "opt-out", "opted out of e-mail in the CRM");
  }

  @Test
  void suppressesAContactDeletedInTheCrm() {
    crm.putContact(contact("c1").build());
    crm.deleteContact("c1", T0.minus(HOUR.multipliedBy(2)));
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));

    engine(config().purchase().build()).syncAndTrigger(CRM);

    assertSuppressed(onlyDecision("c1"), "deleted", "deleted in the CRM");
  }

  @Test
  void suppressesAContactOnOurUnsubscribeListAndItsAddressElsewhere() {
    crm.putContact(contact("c1").build());
    crm.putContact(contact("c2").email("C1@Example.com").build());
    Engine engine = engine(config().purchase().fatigue(0).build());
    long first = invite(engine, "c1");
    engine.send(first);

    engine.unsubscribe(first);
    clock.advance(DAY);
    crm.addEvent(purchase("opp-2", "c1", clock.instant().minus(HOUR)));
    crm.addEvent(purchase("opp-3", "c2", clock.instant().minus(HOUR)));
    engine.syncAndTrigger(CRM);

    assertSuppressed(lastDecision("c1"), "unsubscribed", "unsubscribed from our surveys");
    assertSuppressed(onlyDecision("c2"), "unsubscribed", "unsubscribed from our surveys");
    assertThat(invitations("c1")).hasSize(1);
    assertThat(invitations("c2")).isEmpty();
  }

  @Test
  void suppressesASecondSurveyWithinTheFatigueWindowAcrossTriggers() {
    Engine engine = engine(config().purchase().trigger("post-ticket", "support").fatigue(60).build());
    long purchase = invite(engine, contact("c1").build());
    assertThat(engine.send(purchase)).isEqualTo("SENT");

    clock.advance(DAY);
    crm.addEvent(ticket("case-1", "c1", clock.instant().minus(HOUR)));
    engine.syncAndTrigger(CRM);

    StoredDecision ticket = lastDecision("c1");
    assertThat(ticket.trigger()).isEqualTo("post-ticket");
    assertSuppressed(ticket, "fatigue", "surveyed 1 day ago");
    assertThat(ticket.reason()).contains("fatigue window is 60 days");
    assertThat(invitations("c1")).hasSize(1);
  }

  @Test
  void suppressesASecondContactOfTheSameAccountWhenAccountFatigueIsConfigured() {
    accountOfTwo();

    engine(config().purchase().fatigue(60, 7).build()).syncAndTrigger(CRM);

    assertThat(onlyDecision("a1").rule()).isEqualTo("eligible");
    assertSuppressed(onlyDecision("a2"), "account-fatigue", "account Acme (acc-1)");
    assertThat(onlyDecision("a2").reason()).contains("account fatigue window is 7 days");
    assertThat(invitations("a2")).isEmpty();
  }

  @Test
  void invitesEveryContactOfAnAccountWithoutAccountFatigue() {
    accountOfTwo();

    engine(config().purchase().fatigue(60).build()).syncAndTrigger(CRM);

    assertThat(onlyDecision("a1").rule()).isEqualTo("eligible");
    assertThat(onlyDecision("a2").rule()).isEqualTo("eligible");
  }

  @Test
  void samplesTheSameContactsOnEveryFreshDatabase() {
    NpsConfig config = config().purchase("sampling-rate: 50%").build();

    Map<String, String> first = sampleRun(config);
    database.close();
    database = openEmpty();
    crm = newCrm(FakeCrmAdapter.DEFAULT_PAGE_SIZE);
    Map<String, String> second = sampleRun(config);

    assertThat(second).isEqualTo(first);
    assertThat(first.values()).contains("eligible", "sampling");
    String notSampled = first.entrySet().stream().filter(entry -> entry.getValue().equals("sampling")).findFirst()
        .orElseThrow().getKey();
    assertThat(onlyDecision(notSampled).reason()).contains("sampling rate of 50%");
  }

  @Test
  void capsInvitationsPerDayAndStartsAgainTheNextDay() {
    for (int i = 1; i <= 4; i++) {
      crm.putContact(contact("c" + i).build());
      crm.addEvent(purchase("opp-" + i, "c" + i, T0.minus(HOUR.multipliedBy(5 - i))));
    }
    Engine engine = engine(config().purchase("daily-cap: 2").build());

    Engine.SyncReport report = engine.syncAndTrigger(CRM);

    assertThat(report.invited()).isEqualTo(2);
    assertThat(onlyDecision("c1").rule()).isEqualTo("eligible");
    assertThat(onlyDecision("c2").rule()).isEqualTo("eligible");
    assertSuppressed(onlyDecision("c3"), "daily-cap", "daily cap of 2 is reached for 2026-11-02");
    assertSuppressed(onlyDecision("c4"), "daily-cap", "daily cap of 2 is reached for 2026-11-02");

    clock.advance(DAY);
    crm.addEvent(purchase("opp-5", "c3", clock.instant().minus(HOUR)));
    engine.syncAndTrigger(CRM);

    assertThat(lastDecision("c3").rule()).isEqualTo("eligible");
  }

  @Test
  void collapsesABurstOfEventsForOneContactIntoOneInvitation() {
    crm.putContact(contact("c1").build());
    for (int i = 1; i <= 3; i++) {
      crm.addEvent(purchase("opp-" + i, "c1", T0.minus(MINUTE.multipliedBy(40 - 10L * i))));
    }

    Engine.SyncReport report = engine(config().purchase().build()).syncAndTrigger(CRM);

    assertThat(report.invited()).isEqualTo(1);
    assertThat(report.collapsed()).isEqualTo(2);
    long invitation = onlyInvitation("c1").id();
    assertThat(decisions("c1"))
        .extracting(StoredDecision::outcome, StoredDecision::rule, StoredDecision::invitationId)
        .containsExactly(
            tuple("INVITE", "eligible", Optional.of(invitation)),
            tuple("COLLAPSE", "collapse", Optional.of(invitation)),
            tuple("COLLAPSE", "collapse", Optional.of(invitation)));
    assertThat(decisions("c1").get(2).reason()).contains("collapsed into invitation " + invitation);
  }

  @Test
  void delaysTheSendAndMovesItIntoTheSendWindowOfTheContactsTimeZone() {
    clock.set(Instant.parse("2026-11-04T10:00:00Z")); // a Wednesday
    Instant occurredAt = Instant.parse("2026-11-04T03:00:00Z");
    ZoneId newYork = ZoneId.of("America/New_York");
    crm.putContact(contact("ny").timeZone(newYork).build());
    crm.putContact(contact("berlin").build()); // no zone of its own: the connection's, Europe/Berlin
    crm.addEvent(purchase("opp-1", "ny", occurredAt));
    crm.addEvent(purchase("opp-2", "berlin", occurredAt));
    NpsConfig config = config().purchase("delay: 3d").sendWindow("20:00-09:00", "[mon, tue, wed, thu, fri]").build();

    engine(config).syncAndTrigger(CRM);

    // occurred + 3d is Friday 22:00 in New York (quiet) and Saturday 04:00 in Berlin: both go out on Monday 09:00
    Invitation ny = onlyInvitation("ny");
    Invitation berlin = onlyInvitation("berlin");
    assertThat(ny.sendAt()).isEqualTo(Instant.parse("2026-11-09T14:00:00Z"));
    assertThat(berlin.sendAt()).isEqualTo(Instant.parse("2026-11-09T08:00:00Z"));
    SendWindow window = SendWindow.of(config.sendWindow());
    assertThat(window.allows(ny.sendAt(), newYork)).isTrue();
    assertThat(window.allows(berlin.sendAt(), ZoneId.of("Europe/Berlin"))).isTrue();
    assertThat(ny.sendAt()).isAfter(occurredAt.plus(Duration.ofDays(3)));
    assertThat(onlyDecision("ny").reason()).contains("America/New_York", "moved into the send window");
    assertThat(taskTime(DbScheduler.SEND, ny.id())).contains(ny.sendAt());
    assertThat(taskTime(DbScheduler.SEND, berlin.id())).contains(berlin.sendAt());
  }

  @Test
  void relationshipSurveysWaitWhileTheCrmConservesItsApiBudget() {
    crm.putContact(contact("r01").build());
    boolean[] conserving = {true};
    io.npsconnector.core.spi.CrmAdapter budgeted = new io.npsconnector.core.spi.CrmAdapter() {
      @Override public io.npsconnector.core.spi.ConnectionCheck check() { return crm.check(); }
      @Override public io.npsconnector.core.spi.ChangePage readChanges(SyncCursor cursor) {
        return crm.readChanges(cursor);
      }
      @Override public int maxWriteBatch() { return crm.maxWriteBatch(); }
      @Override public List<io.npsconnector.core.spi.RecordResult> write(
          List<io.npsconnector.core.spi.WriteRequest> requests) { return crm.write(requests); }
      @Override public io.npsconnector.core.spi.FieldReport describeFields() { return crm.describeFields(); }
      @Override public io.npsconnector.core.spi.FieldReport installFields() { return crm.installFields(); }
      @Override public boolean conservingApiBudget() { return conserving[0]; }
      @Override public void close() {}
    };
    NpsConfig config = config().trigger("monthly", "relationship", "period: 30d").build();
    Engine engine = Engine.builder(config, database).adapter(CRM, budgeted).channel(channel).clock(clock)
        .settings(EngineSettings.defaults().withInstanceName("engine-test").withWritebackRetryWait(Duration.ZERO))
        .build();
    engines.add(engine);

    assertThat(engine.syncAndTrigger(CRM).evaluated()).isZero();
    conserving[0] = false;
    assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(1);
  }

  @Test
  void tricklesRelationshipSurveysOverThePeriod() {
    for (int i = 1; i <= 30; i++) {
      crm.putContact(contact(String.format("r%02d", i)).build());
    }
    Engine engine = engine(config().trigger("monthly", "relationship", "period: 30d").build());

    assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(1);
    clock.advance(HOUR.multipliedBy(2));
    Engine.SyncReport sameDay = engine.syncAndTrigger(CRM);

    assertThat(sameDay.evaluated()).isZero();
    assertThat(rows("invitations")).isEqualTo(1);
    assertThat(rows("decisions")).isEqualTo(1);

    for (int day = 1; day <= 4; day++) {
      clock.advance(DAY);
      assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(1);
    }
    List<Invitation> all = stores().invitations().inStates(CRM, InvitationState.SCHEDULED);
    assertThat(all).hasSize(5);
    assertThat(all).extracting(Invitation::contactId).doesNotHaveDuplicates();
    assertThat(all).extracting(invitation -> LocalDate.ofInstant(invitation.sendAt(), ZoneOffset.UTC))
        .doesNotHaveDuplicates();
    assertThat(all).extracting(Invitation::eventId).containsOnly(Optional.empty());
  }

  @Test
  void plansMoreRelationshipSurveysThanOneBatchHoldsAndSchedulesEverySend() {
    // a daily period makes every contact due today: more than two batches of decisions, the last one partial
    int contacts = 2 * TriggerService.PLAN_BATCH + 50;
    for (int i = 0; i < contacts; i++) {
      crm.putContact(contact(String.format("r%04d", i)).build());
    }
    Engine engine = engine(config().trigger("daily", "relationship", "period: 1d").build());

    assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(contacts);

    List<Invitation> all = stores().invitations().inStates(CRM, InvitationState.SCHEDULED);
    assertThat(all).hasSize(contacts);
    assertThat(all).extracting(Invitation::contactId).doesNotHaveDuplicates();
    assertThat(rows("decisions")).isEqualTo(contacts);
    assertThat(all).allSatisfy(invitation -> assertThat(taskTime(DbScheduler.SEND, invitation.id()))
        .as("send of %s", invitation.contactId()).contains(invitation.sendAt()));
  }

  @Test
  void aDayWithEveryDueContactPlannedIsNotWalkedAgainUntilAContactIsStored() {
    for (int i = 1; i <= 6; i++) {
      crm.putContact(contact("r0" + i).build());
    }
    Engine engine = engine(config().trigger("daily", "relationship", "period: 1d").build());
    // r03 to r06 were surveyed an hour ago: two of the six are due, under the day's quota of six
    for (int i = 3; i <= 6; i++) {
      String id = "r0" + i;
      database.jdbi().useTransaction(handle -> stores().invitations().create(handle,
          new io.npsconnector.core.store.InvitationRepository.NewInvitation(CRM, "earlier", "earlier:" + id, id,
              Optional.empty(), Optional.empty(), "email", T0.minus(HOUR)), T0.minus(HOUR)));
    }
    assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(2);
    java.sql.Timestamp planned = plannedAt("daily");

    clock.advance(HOUR);
    assertThat(engine.syncAndTrigger(CRM).evaluated()).isZero();
    assertThat(plannedAt("daily")).as("the settled day's plan was read, not made again").isEqualTo(planned);

    clock.advance(HOUR);
    crm.putContact(Contact.builder("r07", clock.instant()).email("r07@example.com").build());
    Engine.SyncReport afterNewContact = engine.syncAndTrigger(CRM);

    assertThat(afterNewContact.invited()).isEqualTo(1);
    assertThat(stores().invitations().forContact(CRM, "r07")).hasSize(1);
    assertThat(rows("invitations")).isEqualTo(7);
    assertThat(stores().invitations().forContact(CRM, "r03")).hasSize(1);
    assertThat(plannedAt("daily")).isEqualTo(java.sql.Timestamp.from(clock.instant()));
  }

  @Test
  void aDayWhoseQuotaIsPlannedPlansNothingMoreThatDayAndPlansAgainTheNextDay() {
    for (int i = 1; i <= 40; i++) {
      crm.putContact(contact(String.format("q%02d", i)).build());
    }
    Engine engine = engine(config().trigger("monthly", "relationship", "period: 20d").build());
    assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(2);
    java.sql.Timestamp planned = plannedAt("monthly");

    clock.advance(HOUR);
    crm.putContact(Contact.builder("q41", clock.instant()).email("q41@example.com").build());
    assertThat(engine.syncAndTrigger(CRM).evaluated()).isZero();
    assertThat(plannedAt("monthly")).isEqualTo(planned);

    clock.advance(DAY);
    assertThat(engine.syncAndTrigger(CRM).invited()).isEqualTo(3);
    assertThat(rows("invitations")).isEqualTo(5);
  }

  private java.sql.Timestamp plannedAt(String trigger) {
    return database.jdbi().withHandle(handle -> handle.createQuery("SELECT planned_at FROM relationship_plans "
        + "WHERE connection = :connection AND trigger_name = :trigger").bind("connection", CRM).bind("trigger", trigger)
        .mapTo(java.sql.Timestamp.class).one());
  }

  @Test
  void waitsForAnUnknownContactForADayThenGivesTheEventUp() {
    crm.addEvent(purchase("opp-1", "ghost", T0.minus(HOUR)));
    Engine engine = engine(config().purchase().build());

    assertThat(engine.syncAndTrigger(CRM).evaluated()).isZero();
    clock.advance(HOUR.multipliedBy(23));
    assertThat(engine.syncAndTrigger(CRM).evaluated()).isZero();

    assertThat(decisions("ghost")).isEmpty();
    assertThat(stores().events().pending(CRM, 10)).hasSize(1);

    clock.advance(HOUR.multipliedBy(2));
    engine.syncAndTrigger(CRM);

    assertSuppressed(onlyDecision("ghost"), "unknown-contact", "within 24 hours");
    assertThat(invitations("ghost")).isEmpty();
    assertThat(stores().events().pending(CRM, 10)).isEmpty();
  }

  @Test
  void surveysAContactThatArrivesWithinTheGracePeriod() {
    crm.addEvent(purchase("opp-1", "late", T0.minus(HOUR)));
    Engine engine = engine(config().purchase().build());
    engine.syncAndTrigger(CRM);

    clock.advance(HOUR.multipliedBy(2));
    crm.putContact(Contact.builder("late", clock.instant()).email("late@example.com").build());
    engine.syncAndTrigger(CRM);

    assertThat(onlyDecision("late").rule()).isEqualTo("eligible");
    assertThat(invitations("late")).hasSize(1);
  }

  // ---- 3. sends --------------------------------------------------------------------------------------

  @Test
  void sendsOnceAndSchedulesTheReminderAndTheExpiry() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");

    assertThat(engine.send(id)).isEqualTo("SENT");
    assertThat(engine.send(id)).isEqualTo("ALREADY_DONE");

    assertThat(channel.countFor(id)).isEqualTo(1);
    Delivery delivery = channel.deliveries().get(0);
    assertThat(delivery.kind()).isEqualTo(Delivery.Kind.INVITATION);
    assertThat(delivery.idempotencyKey()).isEqualTo(DeliveryService.invitationKey(id));
    assertThat(delivery.contact().crmId()).isEqualTo("c1");
    assertThat(delivery.trigger()).isEqualTo("post-purchase");
    assertThat(delivery.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(14)));
    Invitation sent = invitation(id);
    assertThat(sent.state()).isEqualTo(InvitationState.SENT);
    assertThat(sent.sentAt()).contains(T0);
    assertThat(sent.expiresAt()).contains(T0.plus(Duration.ofDays(14)));
    assertThat(sent.attempts()).isEqualTo(1);
    assertThat(sent.messageId()).isPresent();
    assertThat(taskTime(DbScheduler.REMIND, id)).contains(T0.plus(Duration.ofDays(3)));
    assertThat(taskTime(DbScheduler.EXPIRE, id)).contains(T0.plus(Duration.ofDays(14)));
  }

  @Test
  void sendsOnceWhenTheProcessDiedAfterClaimingTheInvitation() {
    NpsConfig config = config().purchase().build();
    Engine first = engine(config, crashAt(EngineHooks.SEND_CLAIMED, 1));
    long id = invite(first, "c1");

    assertThatThrownBy(() -> first.send(id)).isInstanceOf(ProcessDied.class);
    assertThat(invitation(id).state()).isEqualTo(InvitationState.SENDING);
    assertThat(channel.attempts()).isEmpty();

    Engine second = restart(config);
    assertThat(second.send(id)).isEqualTo("SENT");
    assertThat(second.send(id)).isEqualTo("ALREADY_DONE");

    assertThat(invitation(id).state()).isEqualTo(InvitationState.SENT);
    assertThat(channel.countFor(id)).isEqualTo(1);
    assertThat(channel.distinctKeys()).containsExactly(DeliveryService.invitationKey(id));
  }

  @Test
  void recordsTheSendWithoutRepeatingItWhenTheProcessDiedAfterDelivering() {
    NpsConfig config = config().purchase().build();
    Engine first = engine(config, crashAt(EngineHooks.SEND_DELIVERED, 1));
    long id = invite(first, "c1");

    assertThatThrownBy(() -> first.send(id)).isInstanceOf(ProcessDied.class);
    assertThat(invitation(id).state()).isEqualTo(InvitationState.SENDING);
    assertThat(invitation(id).handedOverAt()).contains(T0);
    assertThat(channel.countFor(id)).isEqualTo(1);

    clock.advance(HOUR);
    Engine second = restart(config);
    assertThat(second.send(id)).isEqualTo("SENT_UNCONFIRMED");
    assertThat(second.send(id)).isEqualTo("ALREADY_DONE");

    assertSentOnceAt(id, T0);
    assertThat(invitation(id).attempts()).isEqualTo(1);
    assertThat(taskTime(DbScheduler.REMIND, id)).contains(T0.plus(Duration.ofDays(3)));
    assertThat(taskTime(DbScheduler.EXPIRE, id)).contains(T0.plus(Duration.ofDays(14)));
  }

  @Test
  void recordsASendWhoseOutcomeTheChannelCannotTellAsSentAndNeverRepeatsIt() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    channel.leaveOutcomeUnknown(1);

    assertThat(engine.send(id)).isEqualTo("SENT_UNCONFIRMED");
    clock.advance(HOUR);
    assertThat(engine.send(id)).isEqualTo("ALREADY_DONE");

    assertSentOnceAt(id, T0);
    assertThat(stores().invitations().history(id)).last().satisfies(entry -> assertThat(entry.detail())
        .hasValueSatisfying(detail -> assertThat(detail).contains("sent, unconfirmed", "no answer to the whole")));
    assertThat(taskTime(DbScheduler.EXPIRE, id)).contains(T0.plus(Duration.ofDays(14)));
  }

  @Test
  void anAnswerArrivingWhileTheSendIsBeingRecordedCompletesTheSendsRecord() {
    AtomicReference<Engine> engine = new AtomicReference<>();
    AtomicLong sending = new AtomicLong();
    engine.set(engine(config().purchase().build(), point -> {
      if (point.equals(EngineHooks.SEND_DELIVERED)) {
        clock.advance(MINUTE); // the respondent clicks the moment the mail arrives
        engine.get().answer(sending.get(), 10, Optional.empty());
      }
    }));
    sending.set(invite(engine.get(), "c1"));
    long id = sending.get();

    assertThat(engine.get().send(id)).isEqualTo("SENT");
    assertThat(engine.get().send(id)).isEqualTo("ALREADY_DONE");

    Invitation answered = invitation(id);
    assertThat(answered.state()).isEqualTo(InvitationState.ANSWERED);
    assertThat(answered.sentAt()).contains(T0);
    assertThat(answered.messageId()).contains("<" + DeliveryService.invitationKey(id) + "@email.recording.invalid>");
    assertThat(answered.expiresAt()).contains(T0.plus(Duration.ofDays(14)));
    assertThat(channel.countFor(id)).isEqualTo(1);
    assertThat(stores().invitations().history(id)).extracting(HistoryEntry::state).containsExactly(
        InvitationState.SCHEDULED, InvitationState.SENDING, InvitationState.SENT, InvitationState.ANSWERED);
    assertThat(taskTime(DbScheduler.REMIND, id)).isEmpty();
  }

  /** One message left for the invitation, and it is recorded as sent at {@code sentAt} with its id and expiry. */
  private void assertSentOnceAt(long id, Instant sentAt) {
    Invitation sent = invitation(id);
    assertThat(sent.state()).isEqualTo(InvitationState.SENT);
    assertThat(sent.sentAt()).contains(sentAt);
    assertThat(sent.messageId()).contains("<" + DeliveryService.invitationKey(id) + "@email.recording.invalid>");
    assertThat(sent.expiresAt()).contains(sentAt.plus(Duration.ofDays(14)));
    assertThat(channel.countFor(id)).isEqualTo(1);
  }

  @Test
  void putsTheInvitationBackWhenTheChannelFailsRetriably() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    channel.failNextSends(1);

    assertThat(engine.send(id)).isEqualTo("RETRY_LATER");

    Invitation waiting = invitation(id);
    assertThat(waiting.state()).isEqualTo(InvitationState.SCHEDULED);
    assertThat(waiting.attempts()).isEqualTo(1);
    assertThat(waiting.lastError()).hasValueSatisfying(error -> assertThat(error)
        .contains("attempt 1 failed", "service unavailable"));
    assertThat(waiting.sendAt()).isEqualTo(T0.plus(MINUTE));
    assertThat(channel.count()).isZero();

    clock.advance(MINUTE);
    assertThat(engine.send(id)).isEqualTo("SENT");

    assertThat(invitation(id).attempts()).isEqualTo(2);
    assertThat(invitation(id).lastError()).isEmpty();
    assertThat(channel.attempts()).hasSize(2);
    assertThat(channel.countFor(id)).isEqualTo(1);
  }

  @Test
  void givesUpAfterTheLastRetriableAttempt() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    channel.failNextSends(DeliveryService.MAX_ATTEMPTS);

    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < DeliveryService.MAX_ATTEMPTS; i++) {
      outcomes.add(engine.send(id));
      clock.advance(HOUR);
    }

    assertThat(outcomes).containsExactly("RETRY_LATER", "RETRY_LATER", "RETRY_LATER", "RETRY_LATER", "FAILED");
    assertThat(invitation(id).state()).isEqualTo(InvitationState.FAILED);
    assertThat(invitation(id).attempts()).isEqualTo(DeliveryService.MAX_ATTEMPTS);
    assertThat(invitation(id).lastError()).hasValueSatisfying(error -> assertThat(error)
        .contains("gave up after 5 attempts"));
    assertThat(engine.send(id)).isEqualTo("ALREADY_DONE");
  }

  @Test
  void failsAnInvitationTheChannelRefusesPermanently() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    channel.failPermanentlyFor("c1");

    assertThat(engine.send(id)).isEqualTo("FAILED");

    Invitation failed = invitation(id);
    assertThat(failed.state()).isEqualTo(InvitationState.FAILED);
    assertThat(failed.lastError()).hasValueSatisfying(error -> assertThat(error)
        .contains("refused", "recipient rejected"));
    assertThat(channel.count()).isZero();
    assertThat(engine.send(id)).isEqualTo("ALREADY_DONE");
    assertThat(channel.attempts()).hasSize(1);
  }

  @Test
  void suppressesAtSendTimeAContactWhoOptedOutAfterScheduling() {
    Engine engine = engine(config().purchase("delay: 2d").build());
    long id = invite(engine, "c1");
    clock.advance(HOUR);
    crm.updateContact("c1", clock.instant(), EngineContract::optedOut);
    engine.syncAndTrigger(CRM);

    clock.advance(Duration.ofDays(2));
    assertThat(engine.send(id)).isEqualTo("SUPPRESSED");

    assertThat(invitation(id).state()).isEqualTo(InvitationState.SUPPRESSED);
    assertThat(lastHistory(id).detail()).hasValueSatisfying(detail -> assertThat(detail).startsWith("opt-out"));
    assertThat(channel.attempts()).isEmpty();
  }

  @Test
  void remindsOnceAfterTheConfiguredDelayThenExpires() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    engine.send(id);
    assertThat(taskTime(DbScheduler.REMIND, id)).contains(T0.plus(Duration.ofDays(3)));

    clock.advance(Duration.ofDays(3));
    engine.remind(id);
    engine.remind(id);

    List<Delivery> reminders = channel.deliveries().stream()
        .filter(delivery -> delivery.kind() == Delivery.Kind.REMINDER).toList();
    assertThat(reminders).hasSize(1);
    assertThat(reminders.get(0).idempotencyKey()).isEqualTo(DeliveryService.reminderKey(id))
        .isNotEqualTo(DeliveryService.invitationKey(id));
    assertThat(invitation(id).state()).isEqualTo(InvitationState.REMINDED);
    assertThat(invitation(id).remindedAt()).contains(T0.plus(Duration.ofDays(3)));

    clock.advance(Duration.ofDays(11));
    engine.expire(id);

    assertThat(invitation(id).state()).isEqualTo(InvitationState.EXPIRED);
    assertThat(channel.countFor(id)).isEqualTo(2);
  }

  @Test
  void sendsTheReminderOnceWhenTheProcessDiedAfterDeliveringIt() {
    NpsConfig config = config().purchase().build();
    Engine first = engine(config);
    long id = invite(first, "c1");
    first.send(id);
    clock.advance(Duration.ofDays(3));
    channel.failAfterSending(1);
    assertThatThrownBy(() -> first.remind(id)).isInstanceOf(RecordingChannel.SimulatedCrash.class);
    assertThat(invitation(id).state()).isEqualTo(InvitationState.SENT);

    clock.advance(HOUR);
    Engine second = restart(config);
    assertThat(second.remind(id)).isEqualTo("SENT_UNCONFIRMED");
    assertThat(second.remind(id)).isEqualTo("ALREADY_DONE");

    assertThat(channel.deliveries()).extracting(Delivery::kind)
        .containsExactly(Delivery.Kind.INVITATION, Delivery.Kind.REMINDER);
    assertThat(invitation(id).state()).isEqualTo(InvitationState.REMINDED);
    assertThat(invitation(id).remindedAt()).contains(T0.plus(Duration.ofDays(3)));
  }

  @Test
  void triesTheReminderAgainWhenTheChannelFailedRetriably() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    engine.send(id);
    clock.advance(Duration.ofDays(3));
    channel.failNextSends(1);

    assertThatThrownBy(() -> engine.remind(id)).isInstanceOf(DeliveryException.class);
    assertThat(invitation(id).remindedAt()).isEmpty();
    clock.advance(MINUTE);
    assertThat(engine.remind(id)).isEqualTo("SENT");

    assertThat(channel.countFor(id)).isEqualTo(2);
    assertThat(invitation(id).remindedAt()).contains(T0.plus(Duration.ofDays(3)).plus(MINUTE));
  }

  @Test
  void sendsNoReminderForAnAnsweredInvitation() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    engine.send(id);
    clock.advance(HOUR);
    engine.answer(id, 9, Optional.empty());

    clock.advance(Duration.ofDays(3));
    engine.remind(id);
    engine.expire(id);

    assertThat(channel.countFor(id)).isEqualTo(1);
    assertThat(invitation(id).state()).isEqualTo(InvitationState.ANSWERED);
  }

  @Test
  void sendsNoReminderToAContactWhoUnsubscribed() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    engine.send(id);
    engine.unsubscribe(id);

    clock.advance(Duration.ofDays(3));
    engine.remind(id);

    assertThat(channel.countFor(id)).isEqualTo(1);
    assertThat(invitation(id).state()).isEqualTo(InvitationState.SENT);
  }

  @Test
  void expiresAnUnansweredInvitation() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    engine.send(id);

    clock.advance(Duration.ofDays(14));
    engine.expire(id);
    engine.remind(id);

    assertThat(invitation(id).state()).isEqualTo(InvitationState.EXPIRED);
    assertThat(lastHistory(id).detail()).contains("no answer before expiry");
    assertThat(channel.countFor(id)).isEqualTo(1);
  }

  // ---- 4. answers ------------------------------------------------------------------------------------

  @Test
  void storesAnAnswerAndQueuesItsWritebacks() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").account("acc-1", "Acme").build());

    long answerId = engine.answer(id, 9, Optional.of("Great"));

    AnswerRepository.Answer answer = stores().answers().forInvitation(id).orElseThrow();
    assertThat(answer.id()).isEqualTo(answerId);
    assertThat(answer.score()).isEqualTo(9);
    assertThat(answer.comment()).contains("Great");
    assertThat(invitation(id).state()).isEqualTo(InvitationState.ANSWERED);
    assertThat(pendingWritebacks()).extracting(WritebackRepository.Item::kind).containsExactlyInAnyOrder(
        WritebackRepository.Kind.CONTACT_NPS, WritebackRepository.Kind.ACCOUNT_NPS,
        WritebackRepository.Kind.TIMELINE_ACTIVITY);
  }

  @Test
  void updatesTheSameAnswerWhenSubmittedAgain() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());
    long first = engine.answer(id, 9, Optional.of("Great"));

    clock.advance(MINUTE);
    long second = engine.answer(id, 3, Optional.of("Actually, no"));

    assertThat(second).isEqualTo(first);
    assertThat(rows("answers")).isEqualTo(1);
    AnswerRepository.Answer answer = stores().answers().forInvitation(id).orElseThrow();
    assertThat(answer.score()).isEqualTo(3);
    assertThat(answer.comment()).contains("Actually, no");
    assertThat(answer.updatedAt()).isEqualTo(T0.plus(HOUR).plus(MINUTE));
    assertThat(lastHistory(id).detail()).contains("answer updated: score 3");
    // latest wins: one contact row, now a detractor's, and the follow-up task it asks for
    assertThat(pendingWritebacks()).filteredOn(item -> item.kind() == WritebackRepository.Kind.CONTACT_NPS)
        .singleElement()
        .satisfies(item -> assertThat(((WriteRequest.ContactNps) item.request()).score()).isEqualTo(3));
    assertThat(pendingWritebacks()).extracting(WritebackRepository.Item::kind)
        .contains(WritebackRepository.Kind.FOLLOW_UP_TASK);
  }

  @Test
  void refusesAScoreOutsideZeroToTen() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());

    assertThatThrownBy(() -> engine.answer(id, 11, Optional.empty())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("11");
    assertThatThrownBy(() -> engine.answer(id, -1, Optional.empty())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");

    assertThat(rows("answers")).isZero();
    assertThat(rows("writeback_queue")).isZero();
    assertThat(invitation(id).state()).isEqualTo(InvitationState.SENT);
  }

  @Test
  void refusesAnAnswerToAnExpiredInvitation() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());
    clock.advance(Duration.ofDays(14));
    engine.expire(id);

    assertThatThrownBy(() -> engine.answer(id, 8, Optional.empty())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expired");
    assertThat(rows("answers")).isZero();
  }

  @Test
  void refusesAnAnswerAfterTheExpiryTimeEvenBeforeTheExpiryRan() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());
    clock.advance(Duration.ofDays(14));

    assertThatThrownBy(() -> engine.answer(id, 8, Optional.empty())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expired at");
    assertThat(rows("answers")).isZero();
  }

  // ---- 4b. one-click scores --------------------------------------------------------------------------

  @Test
  void aOneClickScoreCountsForNothingUntilItsGracePeriodPassesThenItIsTheAnswer() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").account("acc-1", "Acme").build());
    Instant clicked = clock.instant();

    assertThat(engine.reportScore(id, 9)).isEqualTo(Engine.OneClick.PROVISIONAL);
    assertThat(engine.reportScore(id, 9)).as("the same page again").isEqualTo(Engine.OneClick.PROVISIONAL);

    assertThat(rows("answers")).isZero();
    assertThat(rows("writeback_queue")).isZero();
    assertThat(invitation(id).state()).isEqualTo(InvitationState.SENT);
    assertThat(engine.reportedScores(id)).singleElement().satisfies(row -> {
      assertThat(row.score()).isEqualTo(9);
      assertThat(row.state()).isEqualTo(io.npsconnector.core.store.ProvisionalScoreRepository.State.PROVISIONAL);
    });
    assertThat(taskTime(DbScheduler.CONFIRM_SCORE, id)).contains(clicked.plus(Duration.ofMinutes(10)));

    clock.advance(Duration.ofMinutes(9));
    assertThat(engine.confirmDueScore(id)).as("not yet: look again at the end of the grace period")
        .contains(clicked.plus(Duration.ofMinutes(10)));
    assertThat(rows("answers")).isZero();

    clock.advance(MINUTE);
    assertThat(engine.confirmDueScore(id)).isEmpty();

    AnswerRepository.Answer answer = stores().answers().forInvitation(id).orElseThrow();
    assertThat(answer.score()).isEqualTo(9);
    assertThat(answer.comment()).isEmpty();
    assertThat(answer.confirmedBy()).isEqualTo(AnswerRepository.Confirmation.GRACE);
    assertThat(invitation(id).state()).isEqualTo(InvitationState.ANSWERED);
    assertThat(pendingWritebacks()).extracting(WritebackRepository.Item::kind).containsExactlyInAnyOrder(
        WritebackRepository.Kind.CONTACT_NPS, WritebackRepository.Kind.ACCOUNT_NPS,
        WritebackRepository.Kind.TIMELINE_ACTIVITY);
    assertThat(engine.reportedScores(id)).singleElement().satisfies(row -> assertThat(row.state())
        .isEqualTo(io.npsconnector.core.store.ProvisionalScoreRepository.State.CONFIRMED));
    assertThat(engine.answersByConfirmation(T0)).containsEntry(AnswerRepository.Confirmation.GRACE, 1)
        .containsEntry(AnswerRepository.Confirmation.FORM, 0);
    assertThat(engine.reportScore(id, 3)).as("answered: only the form changes it").isEqualTo(Engine.OneClick.ANSWERED);
    assertThat(stores().answers().forInvitation(id).orElseThrow().score()).isEqualTo(9);
  }

  @Test
  void aGestureOnThePageConfirmsTheOneClickScoreAtOnce() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());

    engine.reportScore(id, 3);
    assertThat(engine.confirmScore(id, 4)).as("not the score reported").isEqualTo(Engine.OneClick.NONE);
    assertThat(rows("answers")).isZero();
    assertThat(engine.confirmScore(id, 3)).isEqualTo(Engine.OneClick.CONFIRMED);

    AnswerRepository.Answer answer = stores().answers().forInvitation(id).orElseThrow();
    assertThat(answer.score()).isEqualTo(3);
    assertThat(answer.confirmedBy()).isEqualTo(AnswerRepository.Confirmation.GESTURE);
    assertThat(pendingWritebacks()).extracting(WritebackRepository.Item::kind)
        .contains(WritebackRepository.Kind.FOLLOW_UP_TASK);

    // the comment sent with the form afterwards updates the same answer, which stays confirmed by the gesture
    clock.advance(MINUTE);
    engine.answer(id, 3, Optional.of("Slow support"));
    assertThat(rows("answers")).isEqualTo(1);
    assertThat(stores().answers().forInvitation(id).orElseThrow())
        .extracting(AnswerRepository.Answer::comment, AnswerRepository.Answer::confirmedBy)
        .containsExactly(Optional.of("Slow support"), AnswerRepository.Confirmation.GESTURE);
    clock.advance(Duration.ofMinutes(10));
    assertThat(engine.confirmDueScore(id)).isEmpty();
    assertThat(rows("answers")).isEqualTo(1);
  }

  @Test
  void everyScoreOfAScannerOpeningAllElevenLinksIsDiscardedAndKeptForExplain() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());

    List<Engine.OneClick> outcomes = new ArrayList<>();
    for (int score = 0; score <= 10; score++) {
      outcomes.add(engine.reportScore(id, score));
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(outcomes.get(0)).isEqualTo(Engine.OneClick.PROVISIONAL);
    assertThat(outcomes.subList(1, 11)).containsOnly(Engine.OneClick.DISCARDED);
    assertThat(engine.reportedScores(id)).hasSize(11).allSatisfy(row -> {
      assertThat(row.state()).isEqualTo(io.npsconnector.core.store.ProvisionalScoreRepository.State.DISCARDED);
      assertThat(row.reason()).hasValueSatisfying(reason -> assertThat(reason).contains("link scanner"));
    });
    assertThat(engine.confirmScore(id, 0)).isEqualTo(Engine.OneClick.NONE);
    clock.advance(Duration.ofMinutes(30));
    assertThat(engine.confirmDueScore(id)).isEmpty();
    assertThat(rows("answers")).isZero();
    assertThat(rows("writeback_queue")).isZero();
    assertThat(stores().invitations().history(id)).extracting(entry -> entry.detail().orElse(""))
        .anySatisfy(detail -> assertThat(detail).contains("one-click score 1 discarded"));

    // the person's own click, later, is kept as usual
    assertThat(engine.reportScore(id, 8)).isEqualTo(Engine.OneClick.PROVISIONAL);
    assertThat(engine.confirmScore(id, 8)).isEqualTo(Engine.OneClick.CONFIRMED);
    assertThat(stores().answers().forInvitation(id).orElseThrow().score()).isEqualTo(8);
  }

  @Test
  void aLaterClickReplacesTheEarlierScoreAndTheFormSettlesWhatIsOpen() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());
    Instant first = clock.instant();
    engine.reportScore(id, 2);
    clock.advance(Duration.ofMinutes(5));
    Instant second = clock.instant();
    assertThat(engine.reportScore(id, 8)).isEqualTo(Engine.OneClick.PROVISIONAL);

    clock.advance(Duration.ofMinutes(5)); // the first click's grace period is over, the second's is not
    assertThat(engine.confirmDueScore(id)).contains(second.plus(Duration.ofMinutes(10)));
    assertThat(rows("answers")).isZero();
    assertThat(engine.reportedScores(id)).extracting(row -> row.score(), row -> row.state()).containsExactly(
        tuple(2, io.npsconnector.core.store.ProvisionalScoreRepository.State.SUPERSEDED),
        tuple(8, io.npsconnector.core.store.ProvisionalScoreRepository.State.PROVISIONAL));

    engine.answer(id, 6, Optional.of("Changed my mind"));

    assertThat(stores().answers().forInvitation(id).orElseThrow())
        .extracting(AnswerRepository.Answer::score, AnswerRepository.Answer::confirmedBy)
        .containsExactly(6, AnswerRepository.Confirmation.FORM);
    assertThat(engine.reportedScores(id)).extracting(row -> row.state()).containsOnly(
        io.npsconnector.core.store.ProvisionalScoreRepository.State.SUPERSEDED);
    clock.advance(Duration.ofMinutes(10));
    assertThat(engine.confirmDueScore(id)).isEmpty();
    assertThat(stores().answers().forInvitation(id).orElseThrow().score()).isEqualTo(6);
    assertThat(first).isBefore(second);
  }

  @Test
  void aOneClickScoreOfAClosedSurveyIsNotKeptAndOneLeftOpenAtExpiryIsDiscarded() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());
    engine.reportScore(id, 10);
    clock.advance(Duration.ofDays(14));

    assertThat(engine.confirmDueScore(id)).isEmpty();
    assertThat(engine.reportScore(id, 10)).isEqualTo(Engine.OneClick.CLOSED);
    assertThat(rows("answers")).isZero();
    assertThat(engine.reportedScores(id)).singleElement().satisfies(row -> {
      assertThat(row.state()).isEqualTo(io.npsconnector.core.store.ProvisionalScoreRepository.State.DISCARDED);
      assertThat(row.reason()).contains("the survey closed before it was confirmed");
    });
  }

  @Test
  void refusesAnAnswerToAnInvitationNeverSent() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");

    assertThatThrownBy(() -> engine.answer(id, 8, Optional.empty())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scheduled");
    assertThatThrownBy(() -> engine.answer(id + 1000, 8, Optional.empty()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not exist");
    assertThat(rows("answers")).isZero();
    assertThat(invitation(id).state()).isEqualTo(InvitationState.SCHEDULED);
  }

  @Test
  void writesBackAnAnswerStoredJustBeforeACrashExactlyOnce() {
    NpsConfig config = config().purchase().build();
    Engine first = engine(config, crashAt(EngineHooks.ANSWER_STORED, 1));
    long id = sentInvitation(first, contact("c1").account("acc-1", "Acme").build());

    assertThatThrownBy(() -> first.answer(id, 2, Optional.of("Too slow"))).isInstanceOf(ProcessDied.class);

    Engine second = restart(config);
    assertThat(stores().answers().forInvitation(id)).hasValueSatisfying(answer ->
        assertThat(answer.score()).isEqualTo(2));
    assertThat(invitation(id).state()).isEqualTo(InvitationState.ANSWERED);
    assertThat(pendingWritebacks()).hasSize(4);

    Engine.FlushReport flushed = second.flushWritebacks(CRM);
    Engine.FlushReport again = second.flushWritebacks(CRM);

    assertThat(flushed.written()).isEqualTo(4);
    assertThat(flushed.failed()).isZero();
    assertThat(again).isEqualTo(new Engine.FlushReport(0, 0, 0, 0));
    assertThat(crm.contactNps("c1")).hasValueSatisfying(nps -> {
      assertThat(nps.score()).isEqualTo(2);
      assertThat(nps.category()).isEqualTo("detractor");
      assertThat(nps.comment()).contains("Too slow");
    });
    assertThat(crm.accountNps("acc-1")).hasValueSatisfying(nps -> assertThat(nps.responses()).isEqualTo(1));
    assertThat(crm.tasks()).singleElement().satisfies(task -> {
      assertThat(task.contactId()).isEqualTo("c1");
      assertThat(task.ownerId()).contains("owner-1");
      assertThat(task.subject()).isEqualTo("NPS detractor: Ada Lovelace scored 2");
    });
    assertThat(crm.activities()).hasSize(1);
    assertThat(crm.appliedWrites()).hasSize(4);
    assertThat(pendingWritebacks()).isEmpty();
  }

  @Test
  void retriesAWriteCallTheCrmFailedRetriablyAtTheNextFlushWithoutWaitingInTests() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());
    engine.answer(id, 9, Optional.empty());
    crm.failNextWrites(2);

    // one retry layer (the adapter's transport): each flush calls once, the refused batch waits for the next
    assertThat(engine.flushWritebacks(CRM)).isEqualTo(new Engine.FlushReport(1, 0, 0, 2));
    assertThat(engine.flushWritebacks(CRM)).isEqualTo(new Engine.FlushReport(1, 0, 0, 2));
    Engine.FlushReport report = engine.flushWritebacks(CRM);

    // contact NPS and timeline activity, one call each
    assertThat(report).isEqualTo(new Engine.FlushReport(2, 2, 0, 0));
    assertThat(crm.contactNps("c1")).hasValueSatisfying(nps -> assertThat(nps.score()).isEqualTo(9));
    assertThat(crm.appliedWrites()).hasSize(2);
  }

  @Test
  void anAuthenticationFailureStopsTheConnectionUntilAnAdminResumesIt() {
    Engine engine = engine(config().purchase().build());
    long id = sentInvitation(engine, contact("c1").build());
    engine.answer(id, 9, Optional.empty());
    crm.revokeCredentials();

    assertThatThrownBy(() -> engine.flushWritebacks(CRM)).isInstanceOf(CrmException.Authentication.class);
    int callsWhenStopped = crm.calls("write") + crm.calls("readChanges");

    ConnectionStatus stopped = engine.connectionStatus(CRM);
    assertThat(stopped.state()).isEqualTo(ConnectionStatus.State.STOPPED);
    assertThat(stopped.since()).contains(clock.instant());
    assertThat(stopped.message()).hasValueSatisfying(message -> assertThat(message).contains("refused"));
    assertThatThrownBy(() -> engine.syncAndTrigger(CRM)).isInstanceOf(ConnectionUnavailableException.class)
        .hasMessageContaining(CRM + ": stopped since").hasMessageContaining("resume");
    assertThatThrownBy(() -> engine.flushWritebacks(CRM)).isInstanceOf(ConnectionUnavailableException.class);
    assertThat(crm.calls("write") + crm.calls("readChanges")).as("no CRM call while stopped")
        .isEqualTo(callsWhenStopped);

    crm.restoreCredentials();
    assertThat(engine.resume(CRM, "admin@example.com")).isTrue();

    assertThat(engine.connectionStatus(CRM).state()).isEqualTo(ConnectionStatus.State.ACTIVE);
    assertThat(engine.flushWritebacks(CRM).written()).isEqualTo(2);
    assertThat(engine.resume(CRM, "admin@example.com")).as("nothing to resume").isFalse();
  }

  @Test
  void aConnectionWhoseCredentialsAreRefusedStopsAloneWhileTheOtherGoesOn() {
    FakeCrmAdapter other = FakeCrmAdapter.builder().connection(CRM_B).clock(clock).build();
    Engine engine = twoConnectionEngine(config().purchase().secondConnection().build(), other);
    other.putContact(contact("x9").build());
    other.addEvent(purchase("deal-1", "x9", T0.minus(HOUR)));
    crm.revokeCredentials();

    assertThatThrownBy(() -> engine.syncAndTrigger(CRM)).isInstanceOf(CrmException.Authentication.class);
    Engine.SyncReport synced = engine.syncAndTrigger(CRM_B);

    assertThat(engine.connectionStatus(CRM).state()).isEqualTo(ConnectionStatus.State.STOPPED);
    assertThat(engine.connectionStatus(CRM_B).state()).isEqualTo(ConnectionStatus.State.ACTIVE);
    assertThat(synced.invited()).isEqualTo(1);
    assertThatThrownBy(() -> engine.flushWritebacks(CRM)).isInstanceOf(ConnectionUnavailableException.class);
    engine.flushWritebacks(CRM_B);
  }

  @Test
  void aStoppedConnectionStaysStoppedAcrossRestartsAndResumesWhenItsCredentialsChange() {
    Engine engine = engine(config().purchase().build());
    crm.revokeCredentials();
    assertThatThrownBy(() -> engine.syncAndTrigger(CRM)).isInstanceOf(CrmException.Authentication.class);
    crm.restoreCredentials();

    Engine sameCredentials = restart(config().purchase().build());
    assertThat(sameCredentials.connectionStatus(CRM).state()).isEqualTo(ConnectionStatus.State.STOPPED);
    assertThatThrownBy(() -> sameCredentials.syncAndTrigger(CRM)).isInstanceOf(ConnectionUnavailableException.class);

    Engine newCredentials = restart(config().purchase().crmToken("engine-test-token-renewed").build());
    assertThat(newCredentials.connectionStatus(CRM).state()).isEqualTo(ConnectionStatus.State.ACTIVE);
    newCredentials.syncAndTrigger(CRM);
    assertThat(crm.calls("readChanges")).isPositive();
  }

  // ---- 5. reconcile ----------------------------------------------------------------------------------

  @Test
  void schedulesAgainAnInvitationWhoseSendTaskIsMissing() {
    Engine engine = engine(config().purchase("delay: 1d").build());
    long waiting = invite(engine, "c1");
    long sent = invite(engine, contact("c2").build());
    engine.send(sent);
    Instant sendAt = invitation(waiting).sendAt();
    assertThat(taskTime(DbScheduler.SEND, waiting)).contains(sendAt);
    deleteTask(DbScheduler.SEND, waiting);
    deleteTask(DbScheduler.SEND, sent);

    clock.advance(MINUTE);
    engine.syncAndTrigger(CRM);

    assertThat(taskTime(DbScheduler.SEND, waiting)).contains(sendAt);
    assertThat(taskTime(DbScheduler.SEND, sent)).isEmpty();
    assertThat(count("SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = '" + DbScheduler.SEND + "'"))
        .isEqualTo(1);
  }

  @Test
  void startingTheSchedulerSchedulesTheDailyRollupRefreshOfEveryConnection() {
    Engine engine = engine(config().purchase().build());
    assertThat(count("SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = '" + DbScheduler.ROLLUPS + CRM + "'"))
        .isZero();

    engine.start();
    engine.stop();

    assertThat(count("SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = '" + DbScheduler.ROLLUPS + CRM + "'"))
        .as("the recurring roll-up refresh").isEqualTo(1);
    assertThat(DbScheduler.ROLLUP_INTERVAL).isEqualTo(Duration.ofDays(1));
  }

  // ---- 6. explain ------------------------------------------------------------------------------------

  @Test
  void explainsAContactsStoryInTimeOrder() {
    Engine engine = engine(config().purchase().build());
    long id = invite(engine, "c1");
    clock.advance(HOUR);
    engine.send(id);
    clock.advance(HOUR);
    engine.answer(id, 9, Optional.of("Great"));
    clock.advance(HOUR);
    engine.flushWritebacks(CRM);

    Explainer.Explanation explanation = new Explainer(database).explain(CRM, "c1");

    assertThat(explanation.contact()).map(Contact::crmId).contains("c1");
    List<Explainer.Entry> entries = explanation.entries();
    assertThat(entries).extracting(Explainer.Entry::kind).containsExactly("event", "decision", "invitation",
        "invitation", "invitation", "invitation", "answer", "write-back", "write-back");
    assertThat(entries).extracting(Explainer.Entry::at).isSorted();
    assertThat(entries.get(0).text()).isEqualTo("purchase opp-c1 (amount=5000)");
    assertThat(entries.get(0).at()).isEqualTo(T0.minus(HOUR));
    assertThat(entries.get(1).text())
        .startsWith("post-purchase: INVITE (invitation " + id + ") by rule 'eligible': all rules passed");
    assertThat(entries.subList(2, 6)).extracting(Explainer.Entry::text).satisfiesExactly(
        text -> assertThat(text).startsWith("invitation " + id + " (post-purchase, email) scheduled: send at"),
        text -> assertThat(text).contains(" sending: attempt 1"),
        text -> assertThat(text).contains(" sent: message "),
        text -> assertThat(text).endsWith(" answered: score 9"));
    assertThat(entries.get(6).text()).isEqualTo("score 9 (promoter): \"Great\"");
    assertThat(entries.subList(7, 9)).extracting(Explainer.Entry::text)
        .containsExactly("contact NPS fields written to the CRM", "timeline activity written to the CRM");
    assertThat(entries.get(8).at()).isEqualTo(T0.plus(HOUR.multipliedBy(3)));
  }

  @Test
  void explainsASuppressionWithItsRuleAndAnUnknownContactAsNothing() {
    crm.putContact(contact("c1").emailOptOut(true).build());
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));
    engine(config().purchase().build()).syncAndTrigger(CRM);

    Explainer explainer = new Explainer(database);

    assertThat(explainer.explain(CRM, "c1").entries()).extracting(Explainer.Entry::text).containsExactly(
        "purchase opp-1 (amount=5000)",
        "post-purchase: SUPPRESS by rule 'opt-out': the contact opted out of e-mail in the CRM");
    Explainer.Explanation nobody = explainer.explain(CRM, "nobody");
    assertThat(nobody.contact()).isEmpty();
    assertThat(nobody.entries()).isEmpty();
  }

  // ---- 7. simulate -----------------------------------------------------------------------------------

  @Test
  void simulatesTheComingWeekWithoutStoringAnything() {
    NpsConfig config = config().purchase("delay: 3d").build();
    Engine engine = engine(config);
    long scheduled = invite(engine, "c1");
    clock.advance(HOUR);
    crm.putContact(contact("c2").build());
    crm.putContact(contact("c3").emailOptOut(true).build());
    crm.addEvent(purchase("opp-2", "c2", clock.instant().minus(MINUTE.multipliedBy(10))));
    crm.addEvent(purchase("opp-3", "c3", clock.instant().minus(MINUTE.multipliedBy(5))));
    // stored, not yet decided on: what the simulation has to decide
    new SyncService(stores(), clock, EngineHooks.NONE, SyncProgress.NONE).sync(CRM, crm);
    Map<String, Integer> before = tableCounts();

    Simulator.Simulation simulation = new Simulator(config, database, clock).simulate(7);

    assertThat(tableCounts()).isEqualTo(before);
    assertThat(simulation.lines()).extracting(Simulator.Line::source, Simulator.Line::contactId,
            Simulator.Line::outcome, Simulator.Line::rule)
        .containsExactly(
            tuple(Simulator.Source.EVENT, "c3", Decision.Outcome.SUPPRESS, "opt-out"),
            tuple(Simulator.Source.SCHEDULED, "c1", Decision.Outcome.INVITE, "scheduled"),
            tuple(Simulator.Source.EVENT, "c2", Decision.Outcome.INVITE, "eligible"));
    Instant c2SendAt = clock.instant().minus(MINUTE.multipliedBy(10)).plus(Duration.ofDays(3));
    assertThat(simulation.surveyed()).extracting(Simulator.Line::sendAt)
        .containsExactly(Optional.of(invitation(scheduled).sendAt()), Optional.of(c2SendAt));
    assertThat(simulation.notSurveyed()).singleElement().satisfies(line ->
        assertThat(line.reason()).contains("opted out"));

    // the real pass decides what the simulation showed
    engine.syncAndTrigger(CRM);
    assertThat(onlyInvitation("c2").sendAt()).isEqualTo(c2SendAt);
    assertThat(onlyDecision("c3").rule()).isEqualTo("opt-out");
  }

  // ---- rules in one place -----------------------------------------------------------------------------

  @Test
  void countsFatiguePerPersonAcrossConnectionsByDefault() {
    buyInBothConnections("person");

    assertThat(onlyInvitation("c1").state()).isEqualTo(InvitationState.SCHEDULED);
    StoredDecision second = stores().decisions().forContact(CRM_B, "x9").get(0);
    assertSuppressed(second, "fatigue", "surveyed 1 day ago");
    assertThat(second.reason()).contains("through connection 'crm'", "counted per person");
    assertThat(stores().invitations().forContact(CRM_B, "x9")).isEmpty();
  }

  @Test
  void countsFatiguePerConnectionWhenTheScopeSaysSo() {
    buyInBothConnections("connection");

    assertThat(invitations("c1")).hasSize(1);
    assertThat(stores().invitations().forContact(CRM_B, "x9")).hasSize(1);
  }

  @Test
  void suppressesAtSendTimeASurveyOfAPersonTheOtherConnectionSurveyedMeanwhile() {
    NpsConfig perConnection = config().purchase("delay: 2d").fatigue(60, "connection").secondConnection().build();
    FakeCrmAdapter other = FakeCrmAdapter.builder().connection(CRM_B).clock(clock).build();
    Engine first = twoConnectionEngine(perConnection, other);
    crm.putContact(contact("c1").email("ada@example.com").build());
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));
    other.putContact(contact("x9").email("ADA@example.com").build());
    other.addEvent(purchase("deal-1", "x9", T0));
    first.syncAndTrigger(CRM);
    first.syncAndTrigger(CRM_B);
    long early = onlyInvitation("c1").id();
    long late = stores().invitations().forContact(CRM_B, "x9").get(0).id();

    engines.forEach(Engine::close);
    engines.clear();
    Engine second = twoConnectionEngine(config().purchase("delay: 2d").fatigue(60, "person").secondConnection()
        .build(), other);
    clock.set(invitation(early).sendAt());
    assertThat(second.send(early)).isEqualTo("SENT");
    clock.set(invitation(late).sendAt());
    assertThat(second.send(late)).isEqualTo("SUPPRESSED");

    assertThat(lastHistory(late).detail()).hasValueSatisfying(detail -> assertThat(detail)
        .startsWith("fatigue: surveyed 1 hour ago").contains("through connection 'crm'"));
  }

  @Test
  void appliesAccountFatigueAtSendTimeAsTheTriggerPassDoes() {
    crm.putContacts(List.of(contact("a1").account("acc-1", "Acme").build(),
        contact("a2").account("acc-1", "Acme").build()));
    crm.addEvent(purchase("opp-1", "a1", T0.minus(HOUR)));
    crm.addEvent(purchase("opp-2", "a2", T0));
    engine(config().purchase("delay: 1d").fatigue(60).build()).syncAndTrigger(CRM);
    long a1 = onlyInvitation("a1").id();
    long a2 = onlyInvitation("a2").id();

    Engine strict = restart(config().purchase("delay: 1d").fatigue(60, 7).build());
    clock.set(invitation(a1).sendAt());
    assertThat(strict.send(a1)).isEqualTo("SENT");
    clock.set(invitation(a2).sendAt());
    assertThat(strict.send(a2)).isEqualTo("SUPPRESSED");

    assertThat(lastHistory(a2).detail()).hasValueSatisfying(detail -> assertThat(detail)
        .startsWith("account-fatigue: account Acme (acc-1) surveyed 1 hour ago"));
    assertThat(channel.countFor(a2)).isZero();
  }

  @Test
  void retriesAFailedSendInsideTheRecipientsSendWindow() {
    Engine engine = engine(config().purchase().sendWindow("20:00-09:00", "[mon, tue, wed, thu, fri, sat, sun]")
        .build());
    long id = invite(engine, "c1");
    clock.set(Instant.parse("2026-11-02T18:59:30Z")); // 19:59:30 in Berlin, the contact's connection's zone
    channel.failNextSends(1);

    assertThat(engine.send(id)).isEqualTo("RETRY_LATER");

    // a minute later is quiet: the retry waits for 09:00 Berlin, 08:00 UTC
    assertThat(invitation(id).sendAt()).isEqualTo(Instant.parse("2026-11-03T08:00:00Z"));
  }

  @Test
  void holdsASendThatComesDueOutsideTheWindowUntilTheWindowOpens() {
    Engine engine = engine(config().purchase().sendWindow("20:00-09:00", "[mon, tue, wed, thu, fri, sat, sun]")
        .build());
    long id = invite(engine, "c1");
    clock.set(Instant.parse("2026-11-02T21:30:00Z")); // the scheduler was down; 22:30 in Berlin

    assertThat(engine.send(id)).isEqualTo("DEFERRED");
    assertThat(invitation(id).sendAt()).isEqualTo(Instant.parse("2026-11-03T08:00:00Z"));
    assertThat(channel.attempts()).isEmpty();

    clock.set(Instant.parse("2026-11-03T08:00:00Z"));
    assertThat(engine.send(id)).isEqualTo("SENT");
  }

  @Test
  void schedulesTheReminderInsideTheRecipientsSendWindow() {
    Engine engine = engine(config().purchase().sendWindow("20:00-09:00", "[mon, tue, wed]").build());
    long id = invite(engine, "c1");
    engine.send(id);

    // three days after Monday 11:00 Berlin is a Thursday: the reminder waits for Monday 09:00 Berlin
    Instant monday = Instant.parse("2026-11-09T08:00:00Z");
    assertThat(taskTime(DbScheduler.REMIND, id)).contains(monday);

    clock.set(T0.plus(Duration.ofDays(3)));
    assertThat(engine.remind(id)).isEqualTo("DEFERRED");
    clock.set(monday);
    assertThat(engine.remind(id)).isEqualTo("SENT");
    assertThat(invitation(id).state()).isEqualTo(InvitationState.REMINDED);
  }

  @Test
  void simulatePredictsInvitationByInvitationWhatTheEngineThenDoes() {
    NpsConfig config = config().purchase("delay: 1d").trigger("relationship", "relationship", "period: 10d")
        .fatigue(5, 3).sendWindow("20:00-09:00", "[mon, tue, wed, thu, fri]").syncInterval("1h").build();
    List<Contact> contacts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Contact.Builder contact = contact(String.format("c%02d", i)).account("acc-" + i / 3, "Account " + i / 3);
      contacts.add((i % 4 == 0 ? contact.timeZone(ZoneId.of("America/New_York")) : contact).build());
    }
    crm.putContacts(contacts);
    Instant from = T0;
    Instant historyStart = from.minus(Duration.ofDays(12));
    for (int i = 0; i < 6; i++) {
      crm.addEvent(purchase("opp-" + i, String.format("c%02d", i * 5), historyStart.plus(Duration.ofDays(2L * i))));
    }
    Engine engine = engine(config);
    runHourly(engine, historyStart, from);
    clock.set(from);
    // events the connector stored but no pass decided on yet, one for a contact the CRM never sends
    new SyncService(stores(), clock, EngineHooks.NONE, SyncProgress.NONE).store(CRM, List.of(), List.of(
        purchase("opp-new-1", "c07", from.minus(HOUR)), purchase("opp-new-2", "c11", from.minus(HOUR)),
        purchase("opp-new-3", "ghost", from.minus(HOUR))));
    int days = 6;

    Simulator.Simulation simulation = new Simulator(config, database, clock).simulate(days);
    List<Long> waiting = stores().invitations().inStates(CRM, InvitationState.SCHEDULED).stream()
        .map(Invitation::id).toList();
    int storedBySimulate = database.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM decisions "
        + "WHERE decided_at >= :from").bind("from", Timestamp.from(from)).mapTo(Integer.class).one());
    assertThat(storedBySimulate).as("simulate stores nothing").isZero();
    runHourly(engine, from, simulation.until());

    List<String> engineInvitations = stores().invitations().inStates(CRM, InvitationState.values()).stream()
        .filter(invitation -> waiting.contains(invitation.id()) || !invitation.createdAt().isBefore(from))
        .filter(invitation -> invitation.sendAt().isBefore(simulation.until()))
        .map(invitation -> invitation.trigger() + " " + invitation.contactId() + " at " + invitation.sendAt())
        .sorted().toList();
    List<String> simulatedInvitations = simulation.surveyed().stream()
        .map(line -> line.trigger() + " " + line.contactId() + " at " + line.sendAt().orElseThrow()).sorted().toList();
    assertThat(simulatedInvitations).isEqualTo(engineInvitations);
    List<String> engineRefusals = database.jdbi().withHandle(handle -> handle.createQuery("SELECT trigger_name, "
            + "contact_crm_id, outcome, rule_id, decided_at FROM decisions WHERE decided_at >= :from "
            + "AND outcome <> 'INVITE'")
        .bind("from", Timestamp.from(from))
        .map((rs, ctx) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4)
            + " at " + rs.getTimestamp(5).toInstant())
        .list()).stream().sorted().toList();
    List<String> simulatedRefusals = simulation.notSurveyed().stream()
        .map(line -> line.trigger() + " " + line.contactId() + " " + line.outcome() + " " + line.rule() + " at "
            + line.decidedAt())
        .sorted().toList();
    assertThat(simulatedRefusals).isEqualTo(engineRefusals);
    // what makes it a test of the day's quota: refused relationship picks were replaced the same day
    assertThat(simulation.notSurveyed()).anySatisfy(line -> {
      assertThat(line.source()).isEqualTo(Simulator.Source.RELATIONSHIP);
      assertThat(line.rule()).isIn("fatigue", "account-fatigue");
    });
    // and contacts that came due during a day were planned by a later pass of that day, as the engine does
    assertThat(simulation.surveyed()).anySatisfy(line -> {
      assertThat(line.source()).isEqualTo(Simulator.Source.RELATIONSHIP);
      assertThat(line.decidedAt()).isNotEqualTo(line.decidedAt().truncatedTo(java.time.temporal.ChronoUnit.DAYS));
    });
    assertThat(simulation.notSurveyed()).anySatisfy(line -> assertThat(line.rule()).isEqualTo("unknown-contact"));
  }

  /**
   * The engine as the scheduler runs it with a one-hour sync interval: a pass every hour from
   * {@code start}, and each invitation sent at its send time.
   */
  private void runHourly(Engine engine, Instant start, Instant end) {
    for (Instant at = start; at.isBefore(end); at = at.plus(HOUR)) {
      for (Invitation due : stores().invitations().inStates(CRM, InvitationState.SCHEDULED)) {
        if (!due.sendAt().isAfter(at)) {
          clock.set(due.sendAt());
          engine.send(due.id());
        }
      }
      clock.set(at);
      engine.syncAndTrigger(CRM);
    }
  }

  /**
   * One person in both CRMs, as c1 in {@link #CRM} and x9 in {@link #CRM_B}, the address written with
   * other capitals: each buys, {@link #CRM} is synced, then {@link #CRM_B} a day later.
   */
  private void buyInBothConnections(String fatigueScope) {
    FakeCrmAdapter other = FakeCrmAdapter.builder().connection(CRM_B).clock(clock).build();
    Engine engine = twoConnectionEngine(config().purchase().fatigue(60, fatigueScope).secondConnection().build(),
        other);
    crm.putContact(contact("c1").email("Ada.Lovelace@Example.com").build());
    crm.addEvent(purchase("opp-1", "c1", T0.minus(HOUR)));
    other.putContact(contact("x9").email("ada.lovelace@example.com").build());
    other.addEvent(purchase("deal-1", "x9", T0.minus(HOUR)));

    engine.syncAndTrigger(CRM);
    clock.advance(DAY);
    engine.syncAndTrigger(CRM_B);
  }

  private Engine twoConnectionEngine(NpsConfig config, FakeCrmAdapter other) {
    Engine engine = Engine.builder(config, database).adapter(CRM, crm).adapter(CRM_B, other).channel(channel)
        .clock(clock).settings(EngineSettings.defaults().withInstanceName("engine-test")
            .withWritebackRetryWait(Duration.ZERO))
        .build();
    engines.add(engine);
    return engine;
  }

  // ---- fixtures and helpers --------------------------------------------------------------------------

  /** A configuration whose rules stay out of the way unless a test turns them on. */
  static TestConfig config() {
    return new TestConfig();
  }

  /** The YAML of a test configuration, built up part by part. */
  static final class TestConfig {
    private final StringBuilder triggers = new StringBuilder();
    private String fatigue = "fatigue:\n  days: 60\n";
    private String crmToken = "engine-test-token";
    private String sendWindow = "send-window:\n  quiet-hours: none\n  weekdays: [mon, tue, wed, thu, fri, sat, sun]\n";
    private String otherConnections = "";
    private String syncInterval = "";
    private int smtpPort = 2525;
    private String alerts = "";
    private String publicUrl = "";
    private final Map<String, String> env = new java.util.HashMap<>();

    TestConfig trigger(String name, String on, String... settings) {
      triggers.append("  - name: ").append(name).append("\n    on: ").append(on).append('\n');
      for (String setting : settings) {
        triggers.append("    ").append(setting).append('\n');
      }
      return this;
    }

    /** {@code post-purchase}: purchases of 1000 or more, at most 30 days old, plus {@code settings}. */
    TestConfig purchase(String... settings) {
      List<String> all = new ArrayList<>(List.of("filter: [\"amount >= 1000\"]", "max-event-age: 30d"));
      all.addAll(List.of(settings));
      return trigger("post-purchase", "purchase", all.toArray(String[]::new));
    }

    /** The connection's credentials: another token is what an admin fixing refused credentials does. */
    TestConfig crmToken(String token) {
      crmToken = token;
      return this;
    }

    TestConfig fatigue(int days) {
      fatigue = "fatigue:\n  days: " + days + "\n";
      return this;
    }

    TestConfig fatigue(int days, int accountDays) {
      fatigue = "fatigue:\n  days: " + days + "\n  account-days: " + accountDays + "\n";
      return this;
    }

    /** Fatigue over {@code days}, counted per {@code scope} ({@code person} or {@code connection}). */
    TestConfig fatigue(int days, String scope) {
      fatigue = "fatigue:\n  days: " + days + "\n  scope: " + scope + "\n";
      return this;
    }

    /** How often the engine syncs and runs a trigger pass on {@link #CRM} (the default is 5 minutes). */
    TestConfig syncInterval(String interval) {
      syncInterval = "    sync-interval: " + interval + "\n";
      return this;
    }

    /** A second connection, {@link #CRM_B}, in New York. */
    TestConfig secondConnection() {
      otherConnections = "  - name: " + CRM_B + "\n    type: fake\n    credentials:\n      token: ${CRM_TOKEN}\n"
          + "    time-zone: America/New_York\n";
      return this;
    }

    /** The port of the e-mail channel's SMTP server on 127.0.0.1 (a local test server's). */
    TestConfig smtpPort(int port) {
      smtpPort = port;
      return this;
    }

    /** The server's {@code public-url}, the base of links in mails and alerts. */
    TestConfig publicUrl(String url) {
      publicUrl = "  public-url: " + url + "\n";
      return this;
    }

    /** An {@code alerts} section (its YAML, indented under it), with the environment its secrets reference. */
    TestConfig alerts(String yaml, Map<String, String> variables) {
      alerts = "alerts:\n" + yaml.indent(2);
      env.putAll(variables);
      return this;
    }

    TestConfig sendWindow(String quietHours, String weekdays) {
      sendWindow = "send-window:\n  quiet-hours: \"" + quietHours + "\"\n  weekdays: " + weekdays + "\n";
      return this;
    }

    NpsConfig build() {
      String yaml = """
          company: Acme Analytics
          server:
            token-secret: ${TOKEN_SECRET}
            admin-password: ${ADMIN_PASSWORD}
          """ + publicUrl + """
          connections:
            - name: crm
              type: fake
              credentials:
                token: ${CRM_TOKEN}
              time-zone: Europe/Berlin
          """ + syncInterval + otherConnections + """
          channels:
            email:
              host: 127.0.0.1
              port: %d
              tls: none
              from: nps@acme.example
          reminder:
            after: 3d
          invitation-expiry: 14d
          writeback:
            follow-up-tasks:
              detractor:
                subject: "NPS detractor: {name} scored {score}"
                due-in: 2d
                priority: high
          """.formatted(smtpPort) + fatigue + sendWindow + alerts + "triggers:\n" + triggers;
      Map<String, String> variables = new java.util.HashMap<>(env);
      variables.putAll(Map.of("TOKEN_SECRET", "engine-test-token-secret-0123456789",
          "ADMIN_PASSWORD", "engine-test-admin", "CRM_TOKEN", crmToken));
      return FakeCrmProvider.parse("engine-test.yaml", yaml, variables);
    }
  }

  static Contact.Builder contact(String id) {
    return Contact.builder(id, MODIFIED).email(id + "@example.com").firstName("Ada").lastName("Lovelace")
        .ownerId("owner-1");
  }

  static Contact optedOut(Contact contact) {
    return new Contact(contact.crmId(), contact.email(), contact.firstName(), contact.lastName(), contact.phone(),
        contact.locale(), contact.timeZone(), true, contact.ownerId(), contact.accountId(), contact.accountName(),
        contact.segments(), contact.modifiedAt(), contact.deleted());
  }

  static InteractionEvent purchase(String id, String contactId, Instant at) {
    return purchase(id, contactId, at, 5000);
  }

  static InteractionEvent purchase(String id, String contactId, Instant at, int amount) {
    return new InteractionEvent(id, EventKind.PURCHASE, at, List.of(contactId),
        Map.of("amount", Integer.toString(amount)));
  }

  static InteractionEvent ticket(String id, String contactId, Instant at) {
    return new InteractionEvent(id, EventKind.SUPPORT, at, List.of(contactId), Map.of("priority", "High"));
  }

  /** Hooks under which the process "dies" the {@code nth} time it reaches {@code point}. */
  static EngineHooks crashAt(String point, int nth) {
    AtomicInteger reached = new AtomicInteger();
    return at -> {
      if (at.equals(point) && reached.incrementAndGet() == nth) {
        throw new ProcessDied(point);
      }
    };
  }

  /** Stands for the process dying at a hook. */
  static final class ProcessDied extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProcessDied(String point) {
      super("process died at " + point);
    }
  }

  FakeCrmAdapter newCrm(int pageSize) {
    return FakeCrmAdapter.builder().connection(CRM).clock(clock).pageSize(pageSize).build();
  }

  Engine engine(NpsConfig config) {
    return engine(config, EngineHooks.NONE);
  }

  Engine engine(NpsConfig config, EngineHooks hooks) {
    Engine engine = Engine.builder(config, database).adapter(CRM, crm).channel(channel).clock(clock).hooks(hooks)
        .settings(EngineSettings.defaults().withInstanceName("engine-test").withWritebackRetryWait(Duration.ZERO))
        .build();
    engines.add(engine);
    return engine;
  }

  /** A new process on the same database: the pool is closed and opened again, nothing in memory is kept. */
  Engine restart(NpsConfig config) {
    engines.forEach(Engine::close);
    engines.clear();
    database.close();
    database = reopen();
    return engine(config);
  }

  /** Puts {@code contactId} (default fields) and a purchase into the CRM, syncs, and returns the invitation. */
  long invite(Engine engine, String contactId) {
    return invite(engine, contact(contactId).build());
  }

  long invite(Engine engine, Contact contact) {
    crm.putContact(contact);
    crm.addEvent(purchase("opp-" + contact.crmId(), contact.crmId(), clock.instant().minus(HOUR)));
    engine.syncAndTrigger(CRM);
    return onlyInvitation(contact.crmId()).id();
  }

  long sentInvitation(Engine engine, Contact contact) {
    long id = invite(engine, contact);
    assertThat(engine.send(id)).isEqualTo("SENT");
    clock.advance(HOUR);
    return id;
  }

  void accountOfTwo() {
    crm.putContact(contact("a1").account("acc-1", "Acme").build());
    crm.putContact(contact("a2").account("acc-1", "Acme").build());
    crm.addEvent(purchase("opp-1", "a1", T0.minus(HOUR.multipliedBy(2))));
    crm.addEvent(purchase("opp-2", "a2", T0.minus(HOUR)));
  }

  /** Runs one pass over 20 contacts and returns the rule that decided each. */
  Map<String, String> sampleRun(NpsConfig config) {
    for (int i = 1; i <= 20; i++) {
      crm.putContact(contact("s" + i).build());
      crm.addEvent(purchase("opp-" + i, "s" + i, T0.minus(MINUTE.multipliedBy(i))));
    }
    engine(config).syncAndTrigger(CRM);
    Map<String, String> rules = new LinkedHashMap<>();
    for (int i = 1; i <= 20; i++) {
      rules.put("s" + i, onlyDecision("s" + i).rule());
    }
    return rules;
  }

  Stores stores() {
    return Stores.of(database);
  }

  List<StoredDecision> decisions(String contactId) {
    return stores().decisions().forContact(CRM, contactId);
  }

  StoredDecision onlyDecision(String contactId) {
    List<StoredDecision> decisions = decisions(contactId);
    assertThat(decisions).as("decisions for %s", contactId).hasSize(1);
    return decisions.get(0);
  }

  StoredDecision lastDecision(String contactId) {
    List<StoredDecision> decisions = decisions(contactId);
    assertThat(decisions).as("decisions for %s", contactId).isNotEmpty();
    return decisions.get(decisions.size() - 1);
  }

  static void assertSuppressed(StoredDecision decision, String rule, String reasonPart) {
    assertThat(decision.outcome()).isEqualTo("SUPPRESS");
    assertThat(decision.rule()).isEqualTo(rule);
    assertThat(decision.reason()).contains(reasonPart);
    assertThat(decision.invitationId()).isEmpty();
  }

  List<Invitation> invitations(String contactId) {
    return stores().invitations().forContact(CRM, contactId);
  }

  Invitation onlyInvitation(String contactId) {
    List<Invitation> invitations = invitations(contactId);
    assertThat(invitations).as("invitations for %s", contactId).hasSize(1);
    return invitations.get(0);
  }

  Invitation invitation(long id) {
    return stores().invitations().find(id).orElseThrow();
  }

  HistoryEntry lastHistory(long invitationId) {
    List<HistoryEntry> history = stores().invitations().history(invitationId);
    return history.get(history.size() - 1);
  }

  List<WritebackRepository.Item> pendingWritebacks() {
    return stores().writebacks().inState(CRM, "PENDING");
  }

  int rows(String table) {
    return count("SELECT COUNT(*) FROM " + table);
  }

  int count(String sql) {
    return database.jdbi().withHandle(handle -> handle.createQuery(sql).mapTo(Integer.class).one());
  }

  Map<String, Integer> tableCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String table : List.of("invitations", "invitation_history", "decisions", "scheduled_tasks")) {
      counts.put(table, rows(table));
    }
    counts.put("pending", count("SELECT COUNT(*) FROM event_contacts WHERE evaluated_at IS NULL"));
    return counts;
  }

  /** When db-scheduler was asked to run {@code task} for the invitation; empty when it holds no such task. */
  Optional<Instant> taskTime(String task, long invitationId) {
    return taskTime(database, task, invitationId);
  }

  /** When the scheduler's task {@code task} for the invitation is due, if it is scheduled. */
  static Optional<Instant> taskTime(Database database, String task, long invitationId) {
    return database.jdbi().withHandle(handle -> handle.createQuery("SELECT execution_time FROM scheduled_tasks "
            + "WHERE task_name = :task AND task_instance = :instance")
        .bind("task", task).bind("instance", Long.toString(invitationId))
        .mapTo(Timestamp.class).findOne().map(Timestamp::toInstant));
  }

  void deleteTask(String task, long invitationId) {
    database.jdbi().useHandle(handle -> handle.createUpdate("DELETE FROM scheduled_tasks "
            + "WHERE task_name = :task AND task_instance = :instance")
        .bind("task", task).bind("instance", Long.toString(invitationId)).execute());
  }
}
