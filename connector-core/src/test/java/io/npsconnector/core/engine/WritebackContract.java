package io.npsconnector.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.npsconnector.core.testing.FakeCrmProvider;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.FollowUpRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.WritebackRepository;
import io.npsconnector.core.store.WritebackRepository.Item;
import io.npsconnector.core.store.WritebackRepository.Kind;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.RecordingChannel;
import io.npsconnector.core.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Write-back from answer to CRM through the real {@link Engine}: queueing in the answer's transaction,
 * coalescing, batching, per-record results, retries, the account roll-up, tasks, timeline activities and
 * crashes. Runs on H2 and on PostgreSQL by the subclasses; time only moves when a test moves the clock.
 */
abstract class WritebackContract {
  static final String CRM = "crm";
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  static final String LOCKED = "UNABLE_TO_LOCK_ROW";

  /** One connection, one purchase trigger sending at once, any day and hour, no fatigue. */
  static final String CONFIG = """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET:-test-only-token-secret-0123456789abcdef}
        admin-password: ${ADMIN_PASSWORD:-test-admin}
      connections:
        - name: crm
          type: fake
          time-zone: UTC
      channels:
        email:
          host: 127.0.0.1
          port: 2525
          tls: none
          from: "Acme <nps@acme.example>"
      triggers:
        - name: post-purchase
          on: purchase
          delay: 0s
      fatigue:
        days: 0
      send-window:
        quiet-hours: none
        weekdays: [mon, tue, wed, thu, fri, sat, sun]
      """;

  /** A detractor task, every answer on the timeline, a 90-day account roll-up. */
  static final String FULL_WRITEBACK = """
      writeback:
        account-rollup-window: 90d
        timeline-activity: true
        follow-up-tasks:
          detractor:
            subject: "Call {name}: NPS {score}"
            due-in: 2d
            priority: high
      """;

  /** Only the contact's (and account's) fields: no tasks, no timeline. */
  static final String FIELDS_ONLY = """
      writeback:
        timeline-activity: false
        follow-up-tasks: {}
      """;

  NpsConfig config;
  TestClock clock;
  Database database;
  FakeCrmAdapter crm;
  InterceptingCrmAdapter adapter;
  RecordingChannel channel;
  Engine engine;
  WritebackRepository queue;
  InvitationRepository invitations;
  private int contactSeq;
  private int eventSeq;

  /** A freshly migrated, empty database. */
  abstract Database open();

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    database = open();
    queue = new WritebackRepository(database.jdbi());
    invitations = new InvitationRepository(database.jdbi());
    channel = new RecordingChannel();
  }

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close();
    }
    database.close();
  }

  // ---- an answer reaches the contact ----

  @Test
  void writesAnAnswerOntoTheContactAtTheNextFlush() {
    start(FULL_WRITEBACK, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    answered("c1", 9, "Quick and friendly");

    assertThat(crm.contactNps("c1")).as("nothing is written before a flush").isEmpty();
    Engine.FlushReport report = engine.flushWritebacks(CRM);

    WriteRequest.ContactNps written = crm.contactNps("c1").orElseThrow();
    assertThat(written.score()).isEqualTo(9);
    assertThat(written.category()).isEqualTo("promoter");
    assertThat(written.respondedAt()).isEqualTo(T0);
    assertThat(written.comment()).contains("Quick and friendly");
    assertThat(report.failed()).isZero();
    assertThat(report.retryLater()).isZero();
    assertThat(item("contact:c1").state()).isEqualTo("DONE");
    assertThat(queue.countByState(CRM)).containsOnlyKeys("DONE");
  }

  @Test
  void coalescesTwoAnswersOfOneContactBeforeAFlushIntoOneWriteWithTheLatestScore() {
    start(FIELDS_ONLY, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    answered("c1", 3, "Slow delivery");
    clock.advance(Duration.ofHours(2));
    answered("c1", 10, null);

    Engine.FlushReport report = engine.flushWritebacks(CRM);

    List<WriteRequest.ContactNps> writes = applied(WriteRequest.ContactNps.class);
    assertThat(writes).hasSize(1);
    assertThat(writes.get(0).score()).isEqualTo(10);
    assertThat(writes.get(0).category()).isEqualTo("promoter");
    assertThat(writes.get(0).respondedAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
    assertThat(writes.get(0).comment()).as("the latest answer has no comment, so the field is cleared").isEmpty();
    assertThat(report).isEqualTo(new Engine.FlushReport(1, 1, 0, 0));
    assertThat(crm.contactNps("c1").orElseThrow().score()).isEqualTo(10);
  }

  // ---- batching and results ----

  @Test
  void writes450ContactsInThreeCallsOfTheLargestBatchTheCrmTakes() {
    start(FIELDS_ONLY, 200);
    List<String> ids = pendingContactWrites(450);

    Engine.FlushReport report = engine.flushWritebacks(CRM);

    assertThat(adapter.batchSizes()).containsExactly(200, 200, 50);
    assertThat(crm.calls("write")).isEqualTo(3);
    assertThat(report).isEqualTo(new Engine.FlushReport(3, 450, 0, 0));
    assertThat(ids).allSatisfy(id -> assertThat(crm.contactNps(id)).isPresent());
    assertThat(results()).hasSize(450).allMatch(StoredResult::success);
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    try {
      assertThat(latch.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("waited for the other call").isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void writesTwoBatchesAtOnceWhenTheAdapterTakesTwoCalls() throws Exception {
    start(FIELDS_ONLY, 100);
    List<String> ids = pendingContactWrites(450);
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch bothStarted = new java.util.concurrent.CountDownLatch(2);
    adapter.concurrentWrites(2).beforeWrite((call, requests) -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      bothStarted.countDown();
      try {
        // the first two calls wait for each other: they are only both here if both are in flight
        assertThat(bothStarted.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("call %d", call).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }).afterWrite((call, requests) -> inFlight.decrementAndGet());

    Engine.FlushReport report = engine.flushWritebacks(CRM);

    assertThat(most.get()).as("calls in flight at once").isEqualTo(2);
    assertThat(adapter.batchSizes()).containsExactlyInAnyOrder(100, 100, 100, 100, 50);
    assertThat(report).isEqualTo(new Engine.FlushReport(5, 450, 0, 0));
    assertThat(ids).allSatisfy(id -> assertThat(crm.contactNps(id)).isPresent());
    assertThat(results()).hasSize(450).allMatch(StoredResult::success);
  }

  @Test
  void aCallRefusedWhileAnotherIsInFlightStartsNoOtherAndKeepsTheOthersResults() throws Exception {
    start(FIELDS_ONLY, 100);
    List<String> ids = pendingContactWrites(450);
    java.util.concurrent.CountDownLatch thirdStarted = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch refused = new java.util.concurrent.CountDownLatch(1);
    adapter.concurrentWrites(2).beforeWrite((call, requests) -> {
      // call 1 is refused once call 3 (started when call 2 was answered) is in flight; call 3 goes on afterwards
      if (call == 1) {
        await(thirdStarted);
        refused.countDown();
        throw new CrmException.Retriable(CRM, "write", "HTTP 503: injected", Optional.empty(), null);
      }
      if (call == 3) {
        thirdStarted.countDown();
        await(refused);
      }
    });

    Engine.FlushReport report = engine.flushWritebacks(CRM);

    // a call started before the flush saw the refusal (call 4, if call 3 was answered first) is answered too
    int calls = adapter.batches().size();
    assertThat(calls).as("no call starts once the refusal is seen").isBetween(3, 4);
    assertThat(report).isEqualTo(new Engine.FlushReport(calls, 100 * (calls - 1), 0, 450 - 100 * (calls - 1)));
    assertThat(queue.inState(CRM, "PENDING")).hasSize(450 - 100 * (calls - 1));

    adapter.beforeWrite((call, requests) -> { });
    clock.advance(Duration.ofMinutes(5));
    engine.flushWritebacks(CRM);
    assertThat(ids).as("nothing lost").allSatisfy(id -> assertThat(crm.contactNps(id)).isPresent());
  }

  @Test
  void storesEveryPerRecordResultWithTheCrmsRecordIdOrErrorCode() {
    start(FULL_WRITEBACK, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    crm.putContact(person("c2", "Grace", "Hopper").build());
    crm.putContact(person("c3", "Alan", "Turing").build());
    answered("c1", 9, null);
    answered("c2", 8, null);
    answered("c3", 10, null);
    crm.failRecord("contact:c2", LOCKED, true, 1);
    crm.failRecord("contact:c3", "INVALID_FIELD_FOR_INSERT_UPDATE", false);

    engine.flushWritebacks(CRM);

    // three contacts and three timeline activities, no detractor so no task
    List<StoredResult> results = results();
    assertThat(results).hasSize(6);
    assertThat(results).filteredOn(result -> result.key().startsWith("contact:"))
        .extracting(StoredResult::key, StoredResult::success, StoredResult::errorCode, StoredResult::retriable)
        .containsExactlyInAnyOrder(
            tuple("contact:c1", true, Optional.empty(), false),
            tuple("contact:c2", false, Optional.of(LOCKED), true),
            tuple("contact:c3", false, Optional.of("INVALID_FIELD_FOR_INSERT_UPDATE"),
                false));
    assertThat(results).filteredOn(result -> result.key().startsWith("activity:"))
        .hasSize(3).allSatisfy(result -> {
          assertThat(result.success()).isTrue();
          assertThat(result.crmRecordId()).hasValueSatisfying(id -> assertThat(id).startsWith("activity-"));
        });
    assertThat(item("contact:c1").state()).isEqualTo("DONE");
    assertThat(item("contact:c2").state()).isEqualTo("PENDING");
    assertThat(item("contact:c3").state()).isEqualTo("FAILED");
  }

  // ---- retries ----

  @Test
  void neverRetriesAWholeCallWithinAFlushAndWritesItAtTheNextFlush() {
    // one retry layer: the adapter's transport retries single HTTP calls; the engine does not call again
    start(FIELDS_ONLY, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    crm.putContact(person("c2", "Grace", "Hopper").build());
    answered("c1", 9, null);
    answered("c2", 6, null);
    crm.failNextWrites(1);

    Engine.FlushReport paused = engine.flushWritebacks(CRM);

    assertThat(crm.calls("write")).isEqualTo(1);
    assertThat(paused).isEqualTo(new Engine.FlushReport(1, 0, 0, 2));
    assertThat(queue.inState(CRM, "PENDING")).hasSize(2).allSatisfy(row -> assertThat(row.attempts()).isZero());
    assertThat(results()).as("no record result when the CRM never answered").isEmpty();

    Engine.FlushReport next = engine.flushWritebacks(CRM);

    assertThat(next).isEqualTo(new Engine.FlushReport(1, 2, 0, 0));
    assertThat(crm.calls("write")).isEqualTo(2);
    assertThat(crm.contactNps("c1")).isPresent();
    assertThat(crm.contactNps("c2")).isPresent();
    assertThat(item("contact:c1").attempts()).as("a refused whole call is not a record attempt").isEqualTo(1);
  }

  @Test
  void waitsForTheCrmsRetryHintBeforeCallingItAgain() {
    start(FIELDS_ONLY, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    answered("c1", 9, null);
    adapter.beforeWrite((call, requests) -> {
      if (call == 1) {
        throw new CrmException.Retriable(CRM, "write", "HTTP 429: injected", Optional.of(Duration.ofSeconds(10)), null);
      }
    });

    engine.flushWritebacks(CRM);

    assertThatThrownBy(() -> engine.flushWritebacks(CRM)).isInstanceOf(ConnectionUnavailableException.class)
        .hasMessageContaining("asked to wait");
    assertThat(engine.connectionStatus(CRM).state()).isEqualTo(ConnectionStatus.State.WAITING);
    assertThat(adapter.batches()).as("no call while the hint runs").hasSize(1);

    clock.advance(Duration.ofSeconds(10));
    Engine.FlushReport next = engine.flushWritebacks(CRM);

    assertThat(next.written()).isEqualTo(1);
    assertThat(engine.connectionStatus(CRM).state()).isEqualTo(ConnectionStatus.State.ACTIVE);
  }

  @Test
  void countsEveryCallAndEveryRowLeftPendingWhenABatchIsRefusedAfterEarlierBatches() {
    start("""
        writeback:
          timeline-activity: true
          follow-up-tasks: {}
        """, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    crm.putContact(person("c2", "Grace", "Hopper").build());
    answered("c1", 9, null);
    answered("c2", 9, null);
    crm.failRecord("contact:c1", LOCKED, true, 1);
    // the contacts' batch goes through; the activities' batch is refused
    adapter.beforeWrite((call, requests) -> {
      if (requests.get(0) instanceof WriteRequest.TimelineActivity) {
        throw new CrmException.Retriable(CRM, "write", "HTTP 503: injected", Optional.empty(), null);
      }
    });

    Engine.FlushReport report = engine.flushWritebacks(CRM);

    assertThat(adapter.batches()).hasSize(2);
    assertThat(report.calls()).as("the CRM saw 1 + 1 calls").isEqualTo(2);
    assertThat(report.written()).isEqualTo(1);
    assertThat(report.retryLater()).as("contact c1 and both activities wait").isEqualTo(3);
    assertThat(queue.inState(CRM, "PENDING")).hasSize(3);
  }

  @Test
  void retriesARetriableRecordFailureAtALaterFlushOnceItsBackoffPassed() {
    start(FIELDS_ONLY, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    answered("c1", 9, null);
    crm.failRecord("contact:c1", LOCKED, true, 1);

    Engine.FlushReport first = engine.flushWritebacks(CRM);

    assertThat(first).isEqualTo(new Engine.FlushReport(1, 0, 0, 1));
    Item waiting = item("contact:c1");
    assertThat(waiting.state()).isEqualTo("PENDING");
    assertThat(waiting.attempts()).isEqualTo(1);
    assertThat(waiting.errorCode()).contains(LOCKED);
    assertThat(waiting.nextAttemptAt()).isEqualTo(T0.plus(Backoff.after(1)));

    clock.advance(Backoff.after(1).minusSeconds(1));
    assertThat(engine.flushWritebacks(CRM)).as("not due yet").isEqualTo(new Engine.FlushReport(0, 0, 0, 0));
    assertThat(crm.calls("write")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    Engine.FlushReport retried = engine.flushWritebacks(CRM);

    assertThat(retried).isEqualTo(new Engine.FlushReport(1, 1, 0, 0));
    assertThat(crm.contactNps("c1").orElseThrow().score()).isEqualTo(9);
    Item done = item("contact:c1");
    assertThat(done.state()).isEqualTo("DONE");
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.errorCode()).isEmpty();
    assertThat(results()).extracting(StoredResult::success, StoredResult::errorCode).containsExactly(
        tuple(false, Optional.of(LOCKED)),
        tuple(true, Optional.empty()));
  }

  @Test
  void givesUpARetriableRecordFailureAfterFiveAttemptsAndKeepsItFailed() {
    int attempts = 5; // as documented: a retriable record failure is tried five times, one write call each
    start(FIELDS_ONLY, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    answered("c1", 9, null);
    crm.failRecord("contact:c1", LOCKED, true);

    for (int attempt = 1; attempt < attempts; attempt++) {
      assertThat(engine.flushWritebacks(CRM).retryLater()).isEqualTo(1);
      clock.advance(Backoff.after(attempt));
    }
    Engine.FlushReport last = engine.flushWritebacks(CRM);

    assertThat(last).isEqualTo(new Engine.FlushReport(1, 0, 1, 0));
    Item failed = item("contact:c1");
    assertThat(failed.state()).isEqualTo("FAILED");
    assertThat(failed.attempts()).isEqualTo(attempts);
    assertThat(failed.errorCode()).contains(LOCKED);
    clock.advance(Duration.ofDays(1));
    assertThat(engine.flushWritebacks(CRM).calls()).isZero();
    assertThat(crm.calls("write")).isEqualTo(attempts);
  }

  @Test
  void keepsAPermanentRecordFailureFailedWithTheCrmsCodeAndNeverRetriesIt() {
    start(FULL_WRITEBACK, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").account("001-acme", "Acme").build());
    answered("c1", 9, null);
    crm.failRecord("contact:c1", "FIELD_CUSTOM_VALIDATION_EXCEPTION", false);

    Engine.FlushReport report = engine.flushWritebacks(CRM);

    assertThat(report.failed()).isEqualTo(1);
    assertThat(report.written()).as("the account's roll-up and the activity").isEqualTo(2);
    Item failed = item("contact:c1");
    assertThat(failed.state()).isEqualTo("FAILED");
    assertThat(failed.errorCode()).contains("FIELD_CUSTOM_VALIDATION_EXCEPTION");
    assertThat(failed.errorMessage()).contains("injected failure");
    assertThat(item("account:001-acme").state()).isEqualTo("DONE");
    int calls = crm.calls("write");

    clock.advance(Duration.ofDays(3));
    assertThat(engine.flushWritebacks(CRM)).isEqualTo(new Engine.FlushReport(0, 0, 0, 0));
    assertThat(crm.calls("write")).isEqualTo(calls);
    assertThat(item("contact:c1").attempts()).isEqualTo(1);
    assertThat(crm.contactNps("c1")).isEmpty();
  }

  @Test
  void failsEveryRecordOfABatchTheCrmRefusedAsAWholeWithItsVendorCode() {
    start(FIELDS_ONLY, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    crm.putContact(person("c2", "Grace", "Hopper").build());
    answered("c1", 9, null);
    answered("c2", 2, null);
    crm.failNextWrites(1, new CrmException.Data(CRM, "write", "INVALID_TYPE", "sObject type 'Contact' is not supported",
        null));

    Engine.FlushReport report = engine.flushWritebacks(CRM);

    assertThat(report).isEqualTo(new Engine.FlushReport(1, 0, 2, 0));
    assertThat(queue.inState(CRM, "FAILED")).extracting(Item::coalesceKey, Item::errorCode).containsExactly(
        tuple("contact:c1", Optional.of("INVALID_TYPE")),
        tuple("contact:c2", Optional.of("INVALID_TYPE")));
    assertThat(engine.flushWritebacks(CRM).calls()).isZero();
  }

  // ---- the account's roll-up ----

  @Test
  void sendsTheAccountRollUpOverTheTrailingWindowForEveryAccountAnAnswerTouched() {
    start(FULL_WRITEBACK, 200); // 90-day window
    crm.putContact(person("c1", "Ada", "Lovelace").account("001-acme", "Acme").build());
    crm.putContact(person("c2", "Grace", "Hopper").account("001-acme", "Acme").build());
    crm.putContact(person("c3", "Alan", "Turing").account("001-acme", "Acme").build());
    crm.putContact(person("c4", "Edsger", "Dijkstra").account("001-acme", "Acme").build());
    crm.putContact(person("c5", "Barbara", "Liskov").account("001-globex", "Globex").build());
    crm.putContact(person("c6", "Ken", "Thompson").account("001-initech", "Initech").build());
    answered("c1", 0, "old complaint");
    engine.flushWritebacks(CRM);
    assertThat(crm.accountNps("001-acme").orElseThrow().responses()).isEqualTo(1);
    int before = adapter.batches().size();

    clock.advance(Duration.ofDays(100)); // c1's 0 is now outside the 90-day window
    answered("c2", 10, null);
    answered("c3", 9, null);
    answered("c4", 3, null);
    answered("c5", 0, null);
    engine.flushWritebacks(CRM);

    // Acme in the window: 10 and 9 (promoters), 3 (detractor): (2 - 1) / 3 = +33.3 points.
    // With the old 0 it would be (2 - 2) / 4 = 0.
    WriteRequest.AccountNps acme = crm.accountNps("001-acme").orElseThrow();
    assertThat(acme.responses()).isEqualTo(3);
    assertThat(acme.nps().getAsDouble()).isCloseTo(100.0 / 3, within(1e-9));
    WriteRequest.AccountNps globex = crm.accountNps("001-globex").orElseThrow();
    assertThat(globex.responses()).isEqualTo(1);
    assertThat(globex.nps().getAsDouble()).isCloseTo(-100.0, within(1e-9));
    assertThat(crm.accountNps("001-initech")).as("no answer touched it").isEmpty();
    assertThat(adapter.batches().subList(before, adapter.batches().size()).stream().flatMap(List::stream)
        .filter(WriteRequest.AccountNps.class::isInstance).map(WriteRequest::key))
        .as("one roll-up per touched account, however many answers it had")
        .containsExactlyInAnyOrder("account:001-acme", "account:001-globex");
  }

  @Test
  void anAnswerThatArrivesWhileAFlushIsWritingStillReachesTheAccountRollUp() {
    start(FIELDS_ONLY, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").account("001-acme", "Acme").build());
    crm.putContact(person("c2", "Grace", "Hopper").account("001-acme", "Acme").build());
    answered("c1", 0, null);
    long second = sentInvitation("c2");
    boolean[] answeredDuringFlush = {false};
    adapter.beforeWrite((call, requests) -> {
      if (!answeredDuringFlush[0] && requests.get(0) instanceof WriteRequest.AccountNps) {
        answeredDuringFlush[0] = true;
        engine.answer(second, 10, Optional.empty()); // committed while the roll-up call is in flight
      }
    });

    engine.flushWritebacks(CRM);
    engine.flushWritebacks(CRM);

    assertThat(answeredDuringFlush[0]).isTrue();
    WriteRequest.AccountNps acme = crm.accountNps("001-acme").orElseThrow();
    assertThat(acme.responses()).as("both answers are in the CRM's roll-up").isEqualTo(2);
    assertThat(acme.nps().getAsDouble()).isCloseTo(0.0, within(1e-9));
    assertThat(queue.countByState(CRM)).containsOnlyKeys("DONE");
  }

  // ---- follow-up tasks ----

  @Test
  void createsAFollowUpTaskForTheOwnerOfADetractorAndNoneForAPromoterWhenOnlyDetractorsAreConfigured() {
    start(FULL_WRITEBACK, 200);
    crm.putContact(person("c1", "Grace", "Hopper").ownerId("005-owner-9").build());
    crm.putContact(person("c2", "Ada", "Lovelace").ownerId("005-owner-9").build());
    crm.putContact(person("c3", "Alan", "Turing").ownerId("005-owner-9").build());
    answered("c1", 4, "Too slow");
    answered("c2", 10, null);
    answered("c3", 7, null);

    engine.flushWritebacks(CRM);

    assertThat(crm.tasks()).singleElement().satisfies(task -> {
      assertThat(task.contactId()).isEqualTo("c1");
      assertThat(task.ownerId()).contains("005-owner-9");
      assertThat(task.subject()).isEqualTo("Call Grace Hopper: NPS 4");
      assertThat(task.description()).isEqualTo("NPS 4 (detractor): Too slow");
      assertThat(task.dueDate()).isEqualTo(LocalDate.parse("2026-03-04"));
      assertThat(task.priority()).isEqualTo("high");
    });
    assertThat(allItems()).filteredOn(row -> row.kind() == Kind.FOLLOW_UP_TASK).singleElement()
        .satisfies(row -> assertThat(row.state()).isEqualTo("DONE"));
  }

  @Test
  void createsATaskForEveryConfiguredCategoryWithItsOwnDueDateAndPriority() {
    start("""
        writeback:
          timeline-activity: false
          follow-up-tasks:
            detractor:
              subject: "Detractor {first_name} ({score})"
              due-in: 1d
              priority: high
            passive:
              subject: "Passive {first_name} ({score})"
              due-in: 7d
              priority: low
        """, 200);
    crm.putContact(person("c1", "Grace", "Hopper").ownerId("005-a").build());
    crm.putContact(person("c2", "Alan", "Turing").ownerId("005-b").build());
    crm.putContact(person("c3", "Ada", "Lovelace").build());
    answered("c1", 6, null);
    answered("c2", 8, null);
    answered("c3", 9, null);

    engine.flushWritebacks(CRM);

    assertThat(crm.tasks()).extracting(WriteRequest.FollowUpTask::contactId, WriteRequest.FollowUpTask::ownerId,
            WriteRequest.FollowUpTask::subject, WriteRequest.FollowUpTask::dueDate, WriteRequest.FollowUpTask::priority)
        .containsExactlyInAnyOrder(
            tuple("c1", Optional.of("005-a"), "Detractor Grace (6)",
                LocalDate.parse("2026-03-03"), "high"),
            tuple("c2", Optional.of("005-b"), "Passive Alan (8)",
                LocalDate.parse("2026-03-09"), "low"));
  }

  @Test
  void writesNamesAndCommentsLiterallyIntoTheTaskAndTheTimelineNeverExpandedOrEscaped() {
    start("""
        writeback:
          timeline-activity: true
          follow-up-tasks:
            detractor:
              subject: "{first_name} {last_name} ({name}) scored {score}: {comment}"
        """, 200);
    crm.putContact(person("c1", "{comment}", "<script>alert(1)</script>").build());
    crm.putContact(person("c2", "{{score}}", "${score}").build());
    answered("c1", 2, "{first_name} & <b>{{score}}</b>");
    answered("c2", 3, null);

    engine.flushWritebacks(CRM);

    assertThat(crm.tasks()).extracting(WriteRequest.FollowUpTask::subject, WriteRequest.FollowUpTask::description)
        .containsExactlyInAnyOrder(
            tuple("{comment} <script>alert(1)</script> ({comment} <script>alert(1)</script>) scored 2: "
                + "{first_name} & <b>{{score}}</b>", "NPS 2 (detractor): {first_name} & <b>{{score}}</b>"),
            tuple("{{score}} ${score} ({{score}} ${score}) scored 3: ", "NPS 3 (detractor)"));
    assertThat(crm.activities()).extracting(WriteRequest.TimelineActivity::subject,
            WriteRequest.TimelineActivity::body)
        .containsExactlyInAnyOrder(
            tuple("NPS answer: 2 (detractor)", "Trigger post-purchase\nComment: {first_name} & <b>{{score}}</b>"),
            tuple("NPS answer: 3 (detractor)", "Trigger post-purchase"));
  }

  // ---- follow-up tasks read back from the CRM ----

  /** The contact's follow-up as last read back. */
  FollowUpRepository.FollowUp followUp(String contactId) {
    List<FollowUpRepository.FollowUp> found = engine.followUps().forContact(CRM, contactId);
    assertThat(found).as("follow-ups of " + contactId).hasSize(1);
    return found.get(0);
  }

  /** A detractor's answer whose task is in the CRM, owned by {@code owner}; the task's record id. */
  String detractorTask(String contactId, String owner) {
    crm.putContact(person(contactId, "Dee", contactId).ownerId(owner).segment("region", "EMEA").build());
    answered(contactId, 3, "Too slow");
    engine.flushWritebacks(CRM);
    return crm.taskId("task:" + answerId(contactId)).orElseThrow();
  }

  private long answerId(String contactId) {
    return database.jdbi().withHandle(handle -> handle.createQuery("SELECT a.id FROM answers a JOIN invitations i "
        + "ON i.id = a.invitation_id WHERE i.contact_crm_id = :c").bind("c", contactId).mapTo(Long.class).one());
  }

  @Test
  void readsAnOpenFollowUpBackOnTheNextSyncThenItsCompletionByTheRep() {
    start(FULL_WRITEBACK, 200);
    String task = detractorTask("c1", "u-7");
    Instant answeredAt = clock.instant();

    engine.syncAndTrigger(CRM);
    FollowUpRepository.FollowUp open = followUp("c1");
    assertThat(open.status()).isEqualTo(FollowUpRepository.Status.OPEN);
    assertThat(open.crmTaskId()).isEqualTo(task);
    assertThat(open.ownerId()).contains("u-7");
    assertThat(open.ownerName()).contains("Owner u-7");
    assertThat(open.dueDate()).contains(LocalDate.parse("2026-03-04")); // due-in 2d from the answer
    assertThat(open.answeredAt()).contains(answeredAt);
    assertThat(open.segments()).containsEntry("region", "EMEA");

    clock.advance(Duration.ofHours(5));
    crm.completeTask(task, "u-9", "Rita Rep");
    clock.advance(Duration.ofHours(1));
    engine.syncAndTrigger(CRM);

    FollowUpRepository.FollowUp done = followUp("c1");
    assertThat(done.status()).isEqualTo(FollowUpRepository.Status.COMPLETED);
    assertThat(done.completedAt()).contains(answeredAt.plus(Duration.ofHours(5)));
    assertThat(done.completedById()).contains("u-9");
    assertThat(done.completedByName()).contains("Rita Rep");
    assertThat(done.readAt()).isEqualTo(clock.instant());
    assertThat(new Explainer(database, clock).explain(CRM, "c1").entries())
        .anySatisfy(entry -> assertThat(entry.text()).contains("follow-up task " + task + " completed by Rita Rep (u-9)")
            .contains("5 h after the answer"));
  }

  @Test
  void readsOnlyOpenTasksAgainAndCountsTheirCallsInTheSync() {
    start(FULL_WRITEBACK, 200);
    String first = detractorTask("c1", "u-1");
    detractorTask("c2", "u-2");
    engine.syncAndTrigger(CRM);
    crm.completeTask(first, "u-1", null);
    engine.syncAndTrigger(CRM);
    int before = crm.calls("readTasks");

    Engine.SyncReport report = engine.syncAndTrigger(CRM);

    assertThat(crm.calls("readTasks") - before).as("one call for the one task still open").isEqualTo(1);
    assertThat(report.apiCalls()).as("the read-back's call counts in the sync")
        .isEqualTo(FakeCrmAdapter.CALLS_PER_PAGE + 1);
    assertThat(followUp("c1").status()).isEqualTo(FollowUpRepository.Status.COMPLETED);
    assertThat(followUp("c2").status()).isEqualTo(FollowUpRepository.Status.OPEN);
  }

  @Test
  void marksAnOpenTaskPastItsDueDateOverdue() {
    start(FULL_WRITEBACK, 200);
    detractorTask("c1", "u-1");
    clock.advance(Duration.ofDays(3));
    engine.syncAndTrigger(CRM);

    FollowUpRepository.FollowUp task = followUp("c1");
    assertThat(task.overdue(LocalDate.parse("2026-03-04"))).as("on its due day").isFalse();
    assertThat(task.overdue(LocalDate.parse("2026-03-05"))).as("the day after").isTrue();
    assertThat(new Explainer(database, clock).explain(CRM, "c1").entries())
        .anySatisfy(entry -> assertThat(entry.text()).contains("OPEN since 2026-03-02T10:00:00Z")
            .contains("OVERDUE (due 2026-03-04)"));
  }

  @Test
  void aTaskDeletedInTheCrmIsDeletedAndKeepsItsOwner() {
    start(FULL_WRITEBACK, 200);
    String task = detractorTask("c1", "u-1");
    engine.syncAndTrigger(CRM);
    crm.deleteTask(task);
    engine.syncAndTrigger(CRM);
    int calls = crm.calls("readTasks");

    FollowUpRepository.FollowUp deleted = followUp("c1");
    assertThat(deleted.status()).isEqualTo(FollowUpRepository.Status.DELETED);
    assertThat(deleted.ownerId()).contains("u-1");
    engine.syncAndTrigger(CRM);
    assertThat(crm.calls("readTasks")).as("a deleted task is final").isEqualTo(calls);
  }

  @Test
  void aTaskTheEngineClosedIsWithdrawnWithoutACallAndAResubmissionReopensIt() {
    start(FULL_WRITEBACK, 200);
    detractorTask("c1", "u-1");
    long invitation = invitations.forContact(CRM, "c1").get(0).id();
    engine.answer(invitation, 10, Optional.empty()); // the detractor became a promoter: the task is closed
    engine.flushWritebacks(CRM);
    engine.syncAndTrigger(CRM);
    assertThat(followUp("c1").status()).isEqualTo(FollowUpRepository.Status.WITHDRAWN);
    assertThat(crm.calls("readTasks")).isZero();

    clock.advance(Duration.ofMinutes(5));
    engine.answer(invitation, 2, Optional.of("Worse again"));
    engine.flushWritebacks(CRM);
    engine.syncAndTrigger(CRM);
    assertThat(followUp("c1").status()).as("the rewritten task is read again").isEqualTo(
        FollowUpRepository.Status.OPEN);
  }

  @Test
  void readsMoreThanAHundredTasksInBatchesAndAtMostTheLimitPerSync() {
    start(FULL_WRITEBACK, 200);
    List<String> ids = pendingContactWrites(150); // the contacts, in the CRM
    database.jdbi().useTransaction(handle -> ids.forEach(id -> queue.enqueue(handle, CRM, new WriteRequest.FollowUpTask(
        "task:" + id, id, Optional.of("u-1"), "Call " + id, "", LocalDate.parse("2026-03-04"), "high"),
        clock.instant())));
    engine.flushWritebacks(CRM);
    FollowUpService limited = new FollowUpService(Stores.of(database), clock, 120);

    FollowUpService.Result first = limited.readBack(CRM, crm);
    assertThat(first.read()).isEqualTo(120);
    assertThat(first.apiCalls()).as("120 ids in calls of 100").isEqualTo(2);
    clock.advance(Duration.ofMinutes(1));
    FollowUpService.Result second = limited.readBack(CRM, crm);
    assertThat(second.read()).as("the least recently read first: the 30 never read, then 90 read before")
        .isEqualTo(120);
    assertThat(engine.followUps().all()).hasSize(150)
        .allSatisfy(task -> assertThat(task.status()).isEqualTo(FollowUpRepository.Status.OPEN));
    assertThat(crm.calls("readTasks")).isEqualTo(4);
  }

  @Test
  void readsNothingWhileTheCrmsApiBudgetRunsLow() {
    start(FULL_WRITEBACK, 200);
    detractorTask("c1", "u-1");
    crm.conserveApiBudget(true);
    engine.syncAndTrigger(CRM);
    assertThat(crm.calls("readTasks")).isZero();
    assertThat(engine.followUps().all()).isEmpty();

    crm.conserveApiBudget(false);
    engine.syncAndTrigger(CRM);
    assertThat(followUp("c1").status()).isEqualTo(FollowUpRepository.Status.OPEN);
  }

  @Test
  void aRefusedReadBackKeepsTheStatesAndTheSyncAndWaitsForTheCrmsHint() {
    start(FULL_WRITEBACK, 200);
    String task = detractorTask("c1", "u-1");
    engine.syncAndTrigger(CRM);
    crm.completeTask(task, "u-1", null);
    crm.failNextTaskReads(1, new CrmException.Retriable(CRM, "read follow-up tasks", "HTTP 503",
        Optional.of(Duration.ofMinutes(2)), null));

    Engine.SyncReport report = engine.syncAndTrigger(CRM);

    assertThat(report.pages()).as("the sync itself went through").isEqualTo(1);
    assertThat(followUp("c1").status()).isEqualTo(FollowUpRepository.Status.OPEN);
    assertThat(engine.connectionStatus(CRM).state()).isEqualTo(ConnectionStatus.State.WAITING);
    clock.advance(Duration.ofMinutes(3));
    engine.syncAndTrigger(CRM);
    assertThat(followUp("c1").status()).isEqualTo(FollowUpRepository.Status.COMPLETED);
  }

  // ---- timeline activities ----

  @Test
  void writesOneTimelineActivityPerAnswerWhenEnabled() {
    start(FULL_WRITEBACK, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    crm.putContact(person("c2", "Grace", "Hopper").build());
    answered("c1", 9, "Great");
    clock.advance(Duration.ofHours(1));
    answered("c1", 8, null);
    answered("c2", 10, null);

    engine.flushWritebacks(CRM);

    assertThat(crm.activities()).extracting(WriteRequest.TimelineActivity::contactId,
            WriteRequest.TimelineActivity::subject, WriteRequest.TimelineActivity::at)
        .containsExactlyInAnyOrder(
            tuple("c1", "NPS answer: 9 (promoter)", T0),
            tuple("c1", "NPS answer: 8 (passive)", T0.plus(Duration.ofHours(1))),
            tuple("c2", "NPS answer: 10 (promoter)", T0.plus(Duration.ofHours(1))));
    assertThat(crm.activities()).filteredOn(activity -> activity.subject().contains("9 ("))
        .singleElement().satisfies(activity -> assertThat(activity.body()).isEqualTo(
            "Trigger post-purchase\nComment: Great"));
  }

  @Test
  void writesNoTimelineActivityWhenDisabled() {
    start(FIELDS_ONLY, 200);
    crm.putContact(person("c1", "Ada", "Lovelace").build());
    answered("c1", 9, "Great");

    engine.flushWritebacks(CRM);

    assertThat(crm.contactNps("c1")).isPresent();
    assertThat(crm.activities()).isEmpty();
    assertThat(applied(WriteRequest.TimelineActivity.class)).isEmpty();
    assertThat(allItems()).noneMatch(row -> row.kind() == Kind.TIMELINE_ACTIVITY);
  }

  // ---- crashes ----

  @Test
  void aCrashInTheMiddleOfAFlushLosesNothingAndTheRestIsWrittenExactlyOnceAfterRestart() {
    start(FIELDS_ONLY, 2);
    for (String id : List.of("c1", "c2", "c3", "c4", "c5")) {
      crm.putContact(person(id, "Ada", id).build());
      answered(id, 9, null);
    }
    adapter.beforeWrite((call, requests) -> {
      if (call == 2) {
        throw new InterceptingCrmAdapter.SimulatedCrash("process died before the second call");
      }
    });

    assertThatThrownBy(() -> engine.flushWritebacks(CRM)).isInstanceOf(InterceptingCrmAdapter.SimulatedCrash.class);
    assertThat(queue.countByState(CRM)).containsEntry("DONE", 2).containsEntry("PENDING", 3);

    engine.close();
    engine = engine(new InterceptingCrmAdapter(crm)); // a new process on the same store and CRM
    Engine.FlushReport report = engine.flushWritebacks(CRM);

    assertThat(report).isEqualTo(new Engine.FlushReport(2, 3, 0, 0));
    assertThat(applied(WriteRequest.ContactNps.class)).extracting(WriteRequest::key)
        .containsExactlyInAnyOrder("contact:c1", "contact:c2", "contact:c3", "contact:c4", "contact:c5");
    assertThat(queue.countByState(CRM)).containsOnly(Map.entry("DONE", 5));
    assertThat(results()).hasSize(5).allMatch(StoredResult::success);
    assertThat(engine.flushWritebacks(CRM).calls()).isZero();
  }

  @Test
  void aCrashAfterTheCrmAppliedABatchWritesItAgainWithoutDuplicatingTasksOrActivities() {
    start(FULL_WRITEBACK, 200);
    crm.putContact(person("c1", "Grace", "Hopper").ownerId("005-a").build());
    crm.putContact(person("c2", "Alan", "Turing").ownerId("005-a").build());
    answered("c1", 2, null);
    answered("c2", 5, null);
    adapter.afterWrite((call, requests) -> {
      if (requests.get(0) instanceof WriteRequest.FollowUpTask) {
        throw new InterceptingCrmAdapter.SimulatedCrash("process died before storing the results");
      }
    });

    assertThatThrownBy(() -> engine.flushWritebacks(CRM)).isInstanceOf(InterceptingCrmAdapter.SimulatedCrash.class);
    assertThat(crm.tasks()).hasSize(2);
    assertThat(allItems()).filteredOn(row -> row.kind() == Kind.FOLLOW_UP_TASK)
        .allSatisfy(row -> assertThat(row.state()).isEqualTo("PENDING"));

    engine.close();
    engine = engine(new InterceptingCrmAdapter(crm));
    engine.flushWritebacks(CRM);

    // the fake CRM does not drop a repeated create, as no real CRM does: the retry, sent as "may exist", finds the
    // records by their keys and updates them
    assertThat(crm.tasks()).as("one follow-up task per answer in the CRM after the crash and the retry")
        .hasSize(2);
    assertThat(crm.activities()).hasSize(2);
    assertThat(applied(WriteRequest.FollowUpTask.class)).as("written at least once, here twice").hasSize(4);
    assertThat(queue.countByState(CRM)).containsOnlyKeys("DONE");
  }

  // ---- one answer, one task and one timeline entry ----

  @Test
  void aResubmittedAnswerRewritesItsTaskAndEntryUnderTheSameKeysAndClosesATaskNoLongerNeeded() {
    start(FULL_WRITEBACK, 200);
    crm.putContact(person("c1", "Grace", "Hopper").ownerId("005-a").build());
    long invitation = answered("c1", 3, "Slow");
    engine.flushWritebacks(CRM);
    engine.answer(invitation, 4, Optional.of("Still slow"));
    engine.flushWritebacks(CRM);
    engine.answer(invitation, 9, Optional.of("Fixed now"));
    engine.flushWritebacks(CRM);

    List<WriteRequest.FollowUpTask> tasks = applied(WriteRequest.FollowUpTask.class);
    assertThat(tasks).extracting(WriteRequest::key).as("one key for every write about the answer").hasSize(3)
        .containsOnly(tasks.get(0).key());
    assertThat(tasks.get(0).prior()).isEqualTo(PriorWrite.NONE);
    assertThat(tasks.subList(1, 3)).allSatisfy(task -> assertThat(task.prior().recordId()).isPresent()
        .isEqualTo(tasks.get(1).prior().recordId()));
    assertThat(tasks).extracting(WriteRequest.FollowUpTask::closed).containsExactly(false, false, true);
    assertThat(tasks.get(1).description()).isEqualTo("NPS 4 (detractor): Still slow");
    assertThat(tasks.get(2).subject()).as("the task keeps its subject").isEqualTo("Call Grace Hopper: NPS 4");
    assertThat(tasks.get(2).description()).startsWith("NPS 9 (promoter): Fixed now\n")
        .endsWith(AnswerService.NO_LONGER_NEEDED);
    List<WriteRequest.TimelineActivity> entries = applied(WriteRequest.TimelineActivity.class);
    assertThat(entries).extracting(WriteRequest::key).hasSize(3).containsOnly(entries.get(0).key());
    assertThat(entries).extracting(entry -> entry.prior().mayExist()).containsExactly(false, true, true);
    assertThat(entries.get(2).subject()).isEqualTo("NPS answer: 9 (promoter)");
  }

  @Test
  void aProcessThatDiesBetweenTheCrmsAnswerAndTheCommitTellsTheRetryTheOutcomeIsUnknown() {
    start(FULL_WRITEBACK, 200);
    crm.putContact(person("c1", "Grace", "Hopper").ownerId("005-a").build());
    answered("c1", 2, null);
    engine.close();
    engine = Engine.builder(config, database).adapter(CRM, adapter).channel(channel).clock(clock)
        .settings(EngineSettings.defaults().withWritebackRetryWait(Duration.ZERO))
        .hooks(new EngineHooks() {
          private int acknowledged;

          @Override
          public void at(String point) {
            // batches go by kind: the contact's fields, then the task; die once the task's batch is answered
            if (point.equals(EngineHooks.WRITEBACK_ACKNOWLEDGED) && ++acknowledged == 2) {
              throw new InterceptingCrmAdapter.SimulatedCrash("process died before storing the CRM's answer");
            }
          }
        }).build();

    assertThatThrownBy(() -> engine.flushWritebacks(CRM)).isInstanceOf(InterceptingCrmAdapter.SimulatedCrash.class);
    assertThat(item("task:1").state()).isEqualTo("PENDING");
    assertThat(item("task:1").lastSentAt()).contains(T0);

    engine.close();
    engine = engine(new InterceptingCrmAdapter(crm));
    engine.flushWritebacks(CRM);

    List<WriteRequest.FollowUpTask> tasks = applied(WriteRequest.FollowUpTask.class);
    assertThat(tasks).extracting(WriteRequest.FollowUpTask::prior)
        .containsExactly(PriorWrite.NONE, PriorWrite.UNKNOWN);
    assertThat(applied(WriteRequest.TimelineActivity.class)).extracting(WriteRequest.TimelineActivity::prior)
        .as("the timeline entry was never sent before the crash").containsExactly(PriorWrite.NONE);
    assertThat(item("contact:c1").state()).isEqualTo("DONE");
    assertThat(item("task:1").state()).isEqualTo("DONE");
    assertThat(item("task:1").crmRecordId()).isPresent();
  }

  // ---- helpers ----

  /** Builds the engine on {@code writebackYaml} and a fake CRM taking batches of {@code maxBatch}. */
  void start(String writebackYaml, int maxBatch) {
    crm = FakeCrmAdapter.builder().connection(CRM).clock(clock).maxWriteBatch(maxBatch).build();
    config = FakeCrmProvider.parse("writeback-test.yaml", CONFIG + writebackYaml, Map.of());
    engine = engine(new InterceptingCrmAdapter(crm));
  }

  Engine engine(InterceptingCrmAdapter crmAdapter) {
    adapter = crmAdapter;
    return Engine.builder(config, database).adapter(CRM, crmAdapter).channel(channel).clock(clock)
        .settings(EngineSettings.defaults().withWritebackRetryWait(Duration.ZERO)).build();
  }

  /** A contact with an e-mail address; each one newer in the CRM than the last, so the next sync reads it. */
  Contact.Builder person(String id, String first, String last) {
    return Contact.builder(id, T0.minus(Duration.ofDays(30)).plusSeconds(++contactSeq))
        .email(id + "@example.com").firstName(first).lastName(last);
  }

  /** A purchase by the contact (already in the CRM), synced, decided on and its invitation sent; the invitation. */
  long sentInvitation(String contactId) {
    crm.addEvent(new InteractionEvent(String.format("opp-%05d", ++eventSeq), EventKind.PURCHASE,
        clock.instant().minusSeconds(60), List.of(contactId), Map.of("amount", "1200")));
    engine.syncAndTrigger(CRM);
    Invitation invitation = invitations.forContact(CRM, contactId).stream()
        .filter(candidate -> candidate.state() == InvitationState.SCHEDULED).findFirst().orElseThrow();
    assertThat(engine.send(invitation.id())).isEqualTo("SENT");
    return invitation.id();
  }

  /** As {@link #sentInvitation}, then answered now. */
  long answered(String contactId, int score, String comment) {
    long invitation = sentInvitation(contactId);
    engine.answer(invitation, score, Optional.ofNullable(comment));
    return invitation;
  }

  /** Queues {@code count} contact write-backs directly, as answers would, for contacts the CRM holds. */
  List<String> pendingContactWrites(int count) {
    List<String> ids = new ArrayList<>();
    List<Contact> contacts = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String id = String.format("bulk-%04d", i);
      ids.add(id);
      contacts.add(person(id, "Bulk", id).build());
    }
    crm.putContacts(contacts);
    database.jdbi().useTransaction(handle -> ids.forEach(id -> queue.enqueue(handle, CRM,
        new WriteRequest.ContactNps("contact:" + id, id, 9, "promoter", clock.instant(), Optional.empty()),
        clock.instant())));
    return ids;
  }

  <T extends WriteRequest> List<T> applied(Class<T> type) {
    return crm.appliedWrites().stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<Item> allItems() {
    return Stream.of("PENDING", "DONE", "FAILED").flatMap(state -> queue.inState(CRM, state).stream()).toList();
  }

  Item item(String key) {
    return allItems().stream().filter(row -> row.coalesceKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError("no queue row " + key + " in " + allItems()));
  }

  /** One stored per-record result, with its queue row's key. */
  record StoredResult(String key, boolean success, Optional<String> crmRecordId, Optional<String> errorCode,
      boolean retriable) {}

  List<StoredResult> results() {
    return database.jdbi().withHandle(handle -> handle.createQuery("SELECT q.coalesce_key, r.success, "
            + "r.crm_record_id, r.error_code, r.retriable FROM writeback_results r "
            + "JOIN writeback_queue q ON q.id = r.queue_id ORDER BY r.id")
        .map((rs, ctx) -> new StoredResult(rs.getString("coalesce_key"), rs.getBoolean("success"),
            Optional.ofNullable(rs.getString("crm_record_id")), Optional.ofNullable(rs.getString("error_code")),
            rs.getBoolean("retriable")))
        .list());
  }
}
