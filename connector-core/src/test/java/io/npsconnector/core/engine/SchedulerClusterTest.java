package io.npsconnector.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.npsconnector.core.testing.FakeCrmProvider;
import io.npsconnector.core.testing.ForwardingCrmAdapter;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.store.ContactRepository;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.PostgresDatabase;
import io.npsconnector.core.testing.RecordingChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several engines on one PostgreSQL database, as in production: db-scheduler claims every send and
 * every recurring run for one instance, revives the work of an instance that stopped heart-beating,
 * and lets running work finish on stop. Nothing here asserts how fast anything is; waits poll for an
 * outcome with a generous timeout.
 */
class SchedulerClusterTest {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  private static final String CONNECTION = "crm";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Duration FAST_POLLING = Duration.ofMillis(100);
  private static final Map<String, String> ENV = Map.of(
      "TOKEN_SECRET", "test-only-token-secret-0123456789abcdef",
      "ADMIN_PASSWORD", "test-admin-password",
      "CRM_TOKEN", "test-crm-token");
  /** Sends at once: no delay, no quiet hours, every weekday; nothing else limits a trigger. */
  private static final NpsConfig CONFIG = FakeCrmProvider.parse("cluster-test.yaml", """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: crm
          type: fake
      channels:
        email:
          host: 127.0.0.1
          from: nps@example.com
      triggers:
        - name: post-purchase
          on: purchase
      send-window:
        quiet-hours: none
        weekdays: [mon, tue, wed, thu, fri, sat, sun]
      """, ENV);

  private final Deque<AutoCloseable> owned = new ArrayDeque<>();
  private Database store;

  @BeforeEach
  void emptySchema() throws SQLException {
    try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + postgres.schema() + " CASCADE");
      statement.execute("CREATE SCHEMA " + postgres.schema());
    }
    store = open();
  }

  @AfterEach
  void closeEverything() throws Exception {
    while (!owned.isEmpty()) {
      owned.pop().close();
    }
  }

  @Test
  void twoInstancesSendEachOfTwoThousandDueInvitationsExactlyOnce() throws Exception {
    int total = 2_000;
    FakeCrmAdapter crm = crmWithPurchases(total);
    RecordingChannel channel = new RecordingChannel();
    AtomicInteger sentByA = new AtomicInteger();
    AtomicInteger sentByB = new AtomicInteger();
    Engine a = engine("instance-a", open(), crm, channel, countingSends(sentByA), settings("instance-a"));
    Engine b = engine("instance-b", open(), crm, channel, countingSends(sentByB), settings("instance-b"));

    long syncStarted = System.nanoTime();
    Engine.SyncReport report = a.syncAndTrigger(CONNECTION);
    System.err.printf("[cluster] sync and trigger pass over %d purchases took %d ms%n", total,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - syncStarted));
    assertThat(report.invited()).isEqualTo(total);
    assertThat(countSql("SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = '" + DbScheduler.SEND
        + "' AND execution_time <= ?", Instant.now())).as("send tasks due now").isEqualTo(total);

    long started = System.nanoTime();
    a.start();
    b.start();
    await("all " + total + " invitations are SENT", () -> countInState(InvitationState.SENT) == total);
    System.err.printf("[cluster] %d invitations sent in %d ms: instance-a %d, instance-b %d%n", total,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), sentByA.get(), sentByB.get());

    List<Invitation> invitations = invitations().inStates(CONNECTION, InvitationState.values());
    assertThat(invitations).hasSize(total).allSatisfy(invitation -> {
      assertThat(invitation.state()).isEqualTo(InvitationState.SENT);
      assertThat(invitation.attempts()).as("claims of invitation %d", invitation.id()).isEqualTo(1);
      assertThat(channel.countFor(invitation.id())).as("messages for invitation %d", invitation.id()).isEqualTo(1);
    });
    assertThat(channel.count()).isEqualTo(total);
    assertThat(channel.distinctKeys()).hasSize(total);
    assertThat(sentByA.get() + sentByB.get()).isEqualTo(total);
    // 2,000 tasks due at once cannot all be fetched by one poll of one instance (a batch is a few
    // times its thread count), so a second instance that takes no share is not working at all
    assertThat(sentByA.get()).as("sends by instance-a").isPositive();
    assertThat(sentByB.get()).as("sends by instance-b").isPositive();
    assertThat(countSql("SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = '" + DbScheduler.SEND + "'"))
        .as("send tasks left").isZero();
    assertThat(countSql("SELECT COUNT(*) FROM invitation_history WHERE state = 'SENDING'")).isEqualTo(total);
  }

  @Test
  void sendClaimedByAnInstanceThatStoppedHeartBeatingIsRevivedAndSentOnceByALiveInstance() throws Exception {
    FakeCrmAdapter crm = crmWithPurchases(2);
    RecordingChannel channel = new RecordingChannel();
    // dead after 4 missed heartbeats: 20 s, far longer than this test runs, so the claim stamped "now"
    // below stays alive; db-scheduler looks for dead executions at start and every 2 heartbeats
    EngineSettings settings = settings("live-instance").withPolling(FAST_POLLING, Duration.ofSeconds(5));
    Engine live = engine("live-instance", open(), crm, channel, EngineHooks.NONE, settings);
    live.syncAndTrigger(CONNECTION);
    List<Invitation> scheduled = invitations().inStates(CONNECTION, InvitationState.SCHEDULED);
    assertThat(scheduled).hasSize(2);
    long orphaned = scheduled.get(0).id();
    long busyElsewhere = scheduled.get(1).id();
    Instant now = Instant.now();
    claimAsIfSending(orphaned, "dead-instance", now.minus(Duration.ofMinutes(10)));
    claimAsIfSending(busyElsewhere, "busy-instance", now);

    live.start();
    // the invitation turns SENT inside the task; db-scheduler removes the execution after the task returns
    await("the orphaned invitation is SENT and its send task done",
        () -> state(orphaned) == InvitationState.SENT && sendTask(orphaned).isEmpty());

    assertThat(channel.countFor(orphaned)).isEqualTo(1);
    Delivery delivery = channel.deliveries().get(0);
    assertThat(delivery.invitationId()).isEqualTo(orphaned);
    assertThat(delivery.idempotencyKey()).isEqualTo(DeliveryService.invitationKey(orphaned));
    assertThat(invitations().find(orphaned).orElseThrow().attempts()).as("claims").isEqualTo(1);
    assertThat(sendTask(orphaned)).as("send task of the revived invitation").isEmpty();
    // the same dead-execution query left the claim that is still heart-beating alone
    assertThat(state(busyElsewhere)).isEqualTo(InvitationState.SENDING);
    assertThat(channel.countFor(busyElsewhere)).isZero();
    assertThat(sendTask(busyElsewhere)).contains("busy-instance");
    assertThat(channel.count()).isEqualTo(1);
  }

  @Test
  void stopLetsTheSendInFlightFinishAndLeavesNoClaimBehind() throws Exception {
    FakeCrmAdapter crm = crmWithPurchases(1);
    RecordingChannel channel = new RecordingChannel();
    Engine engine = engine("stopping-instance", open(), crm, channel, EngineHooks.NONE,
        settings("stopping-instance"));
    engine.syncAndTrigger(CONNECTION);
    long id = invitations().inStates(CONNECTION, InvitationState.SCHEDULED).get(0).id();
    RecordingChannel.Gate gate = channel.holdNextSend();

    engine.start();
    assertThat(gate.awaitReached(TIMEOUT)).as("the send reached the channel").isTrue();
    assertThat(sendTask(id)).contains("stopping-instance");
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(engine::stop);

    // stop() cannot return while the send is held; waiting a little only gives it the chance to be wrong
    assertThatThrownBy(() -> stopping.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(state(id)).isEqualTo(InvitationState.SENDING);
    gate.release();
    stopping.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    assertThat(state(id)).isEqualTo(InvitationState.SENT);
    assertThat(channel.countFor(id)).isEqualTo(1);
    assertThat(countSql("SELECT COUNT(*) FROM scheduled_tasks WHERE picked")).as("claims left").isZero();
    assertThat(sendTask(id)).isEmpty();
    assertThat(countSql("SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = '" + DbScheduler.EXPIRE
        + "' AND task_instance = '" + id + "'")).as("expiry scheduled after the send").isEqualTo(1);
  }

  @Test
  void stopInTheMiddleOfABurstLeavesNothingHalfSentAndAStartAgainSendsTheRest() throws Exception {
    int total = 300;
    FakeCrmAdapter crm = crmWithPurchases(total);
    RecordingChannel channel = new RecordingChannel();
    Engine engine = engine("restarting-instance", open(), crm, channel, EngineHooks.NONE,
        settings("restarting-instance"));
    engine.syncAndTrigger(CONNECTION);

    engine.start();
    await("some invitations are sent", () -> channel.count() >= total / 10);
    engine.stop();

    int sentBeforeStop = countInState(InvitationState.SENT);
    System.err.printf("[cluster] %d of %d invitations sent before stop%n", sentBeforeStop, total);
    assertThat(countSql("SELECT COUNT(*) FROM scheduled_tasks WHERE picked")).as("claims left").isZero();
    assertThat(countInState(InvitationState.SENDING)).as("invitations left half-sent").isZero();
    assertThat(channel.count()).isEqualTo(sentBeforeStop);
    assertThat(sentBeforeStop + countInState(InvitationState.SCHEDULED)).isEqualTo(total);

    engine.start();
    await("all " + total + " invitations are SENT", () -> countInState(InvitationState.SENT) == total);
    assertThat(channel.count()).isEqualTo(total);
    assertThat(channel.distinctKeys()).hasSize(total);
  }

  @Test
  void recurringSyncRunsOnItsIntervalOnOneInstanceAtATime() throws Exception {
    FakeCrmAdapter crm = FakeCrmAdapter.builder().connection(CONNECTION).build();
    Instant modified = Instant.now().minus(Duration.ofHours(1));
    crm.putContacts(List.of(contact("first-1", modified), contact("first-2", modified)));
    SyncProbe probe = new SyncProbe();
    // a claim not renewed for 4 heartbeats (1 s) is dead: holding a run 2 s proves the owner renews it
    Duration heartbeat = Duration.ofMillis(250);
    Engine a = engine("sync-a", open(), probe.adapter("sync-a", crm), new RecordingChannel(), EngineHooks.NONE,
        settings("sync-a").withPolling(FAST_POLLING, heartbeat));
    Engine b = engine("sync-b", open(), probe.adapter("sync-b", crm), new RecordingChannel(), EngineHooks.NONE,
        settings("sync-b").withPolling(FAST_POLLING, heartbeat));
    String task = "sync-" + CONNECTION;

    a.start();
    b.start();
    assertThat(probe.firstRunReached.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("first sync run").isTrue();
    String firstRunner = probe.runners.get(0);
    assertThat(scheduledTask(task).pickedBy()).contains(firstRunner);
    // both instances poll every 100 ms and look for dead claims every 500 ms while the run is held
    Thread.sleep(heartbeat.multipliedBy(8).toMillis());
    assertThat(probe.runners).as("runs started while the first is held").containsExactly(firstRunner);
    probe.releaseFirstRun.countDown();
    await("the first contacts are stored", () -> contacts().count(CONNECTION) == 2);
    await("the first run is complete", () -> scheduledTask(task).pickedBy().isEmpty());

    ScheduledTask next = scheduledTask(task);
    assertThat(Duration.between(next.lastSuccess().orElseThrow(), next.executionTime()))
        .as("fixed delay after the run").isEqualTo(CONFIG.connection(CONNECTION).orElseThrow().syncInterval());
    crm.putContact(contact("second-1", Instant.now()));
    // the interval has passed, as far as the schedule can tell
    assertThat(update("UPDATE scheduled_tasks SET execution_time = ? WHERE task_name = ? AND NOT picked",
        Instant.now(), task)).isEqualTo(1);
    await("the contact of the second run is stored", () -> contacts().find(CONNECTION, "second-1").isPresent());
    await("the second run is complete", () -> scheduledTask(task).pickedBy().isEmpty());

    System.err.println("[cluster] sync runs by " + probe.runners);
    assertThat(probe.runners).hasSize(2);
    assertThat(probe.maxInFlight.get()).as("sync runs at the same time").isEqualTo(1);
    assertThat(contacts().count(CONNECTION)).isEqualTo(3);
  }

  // ---- set-up ----

  private static EngineSettings settings(String instance) {
    return EngineSettings.defaults().withInstanceName(instance).withThreads(4)
        .withPolling(FAST_POLLING, Duration.ofMillis(500));
  }

  private Database open() {
    Database database = Database.open(postgres.jdbcUrl(), postgres.user(), postgres.password());
    owned.push(database);
    return database;
  }

  /** An engine on its own pool; closed (stopped) before the pools. */
  private Engine engine(String instance, Database database, CrmAdapter crm, RecordingChannel channel,
      EngineHooks hooks, EngineSettings settings) {
    Engine engine = Engine.builder(CONFIG, database).adapter(CONNECTION, crm).channel(channel).hooks(hooks)
        .settings(settings).build();
    owned.push(engine);
    return engine;
  }

  private static EngineHooks countingSends(AtomicInteger sent) {
    return point -> {
      if (EngineHooks.SEND_DELIVERED.equals(point)) {
        sent.incrementAndGet();
      }
    };
  }

  /** A CRM holding {@code count} contacts, each with one won deal an hour old. */
  private static FakeCrmAdapter crmWithPurchases(int count) {
    FakeCrmAdapter crm = FakeCrmAdapter.builder().connection(CONNECTION).pageSize(500).build();
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
    List<Contact> contacts = new ArrayList<>();
    List<InteractionEvent> events = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String id = String.format("contact-%05d", i);
      contacts.add(contact(id, anHourAgo));
      events.add(new InteractionEvent("deal-" + i, EventKind.PURCHASE, anHourAgo, List.of(id),
          Map.of("amount", "1500")));
    }
    crm.putContacts(contacts);
    crm.addEvents(events);
    return crm;
  }

  private static Contact contact(String id, Instant modified) {
    return Contact.builder(id, modified).email(id + "@example.com").firstName("Customer").build();
  }

  /** As an instance that claimed the send and the invitation, then heart-beat last at {@code heartbeat}. */
  private void claimAsIfSending(long invitationId, String instance, Instant heartbeat) {
    boolean claimed = store.jdbi().inTransaction(handle -> invitations().transition(handle, invitationId,
        List.of(InvitationState.SCHEDULED), InvitationState.SENDING, "attempt 1", heartbeat));
    assertThat(claimed).isTrue();
    assertThat(update("UPDATE scheduled_tasks SET picked = TRUE, picked_by = ?, last_heartbeat = ?, "
            + "version = version + 1 WHERE task_name = ? AND task_instance = ? AND NOT picked",
        instance, heartbeat, DbScheduler.SEND, Long.toString(invitationId))).isEqualTo(1);
  }

  // ---- reading the store ----

  private InvitationRepository invitations() {
    return new InvitationRepository(store.jdbi());
  }

  private ContactRepository contacts() {
    return new ContactRepository(store.jdbi());
  }

  private int countInState(InvitationState state) {
    return invitations().countByState(CONNECTION).getOrDefault(state, 0);
  }

  private InvitationState state(long invitationId) {
    return invitations().find(invitationId).orElseThrow().state();
  }

  /** Who holds the invitation's send task: empty when there is none, "" when it is not picked. */
  private Optional<String> sendTask(long invitationId) {
    return store.jdbi().withHandle(handle -> handle.createQuery("SELECT picked, picked_by FROM scheduled_tasks "
            + "WHERE task_name = :task AND task_instance = :instance")
        .bind("task", DbScheduler.SEND).bind("instance", Long.toString(invitationId))
        .map((rs, ctx) -> rs.getBoolean("picked") ? rs.getString("picked_by") : "")
        .findOne());
  }

  /** One row of db-scheduler's table, as far as these tests read it. */
  record ScheduledTask(Instant executionTime, Optional<String> pickedBy, Optional<Instant> lastSuccess) {}

  private ScheduledTask scheduledTask(String name) {
    return store.jdbi().withHandle(handle -> handle.createQuery("SELECT execution_time, picked, picked_by, "
            + "last_success FROM scheduled_tasks WHERE task_name = :task")
        .bind("task", name)
        .map((rs, ctx) -> new ScheduledTask(rs.getTimestamp("execution_time").toInstant(),
            rs.getBoolean("picked") ? Optional.of(rs.getString("picked_by")) : Optional.empty(),
            Optional.ofNullable(rs.getTimestamp("last_success")).map(Timestamp::toInstant)))
        .one());
  }

  private int countSql(String sql, Object... arguments) {
    return store.jdbi().withHandle(handle -> {
      var query = handle.createQuery(sql);
      for (int i = 0; i < arguments.length; i++) {
        query.bind(i, jdbcValue(arguments[i]));
      }
      return query.mapTo(Integer.class).one();
    });
  }

  private int update(String sql, Object... arguments) {
    return store.jdbi().withHandle(handle -> {
      var update = handle.createUpdate(sql);
      for (int i = 0; i < arguments.length; i++) {
        update.bind(i, jdbcValue(arguments[i]));
      }
      return update.execute();
    });
  }

  private static Object jdbcValue(Object value) {
    return value instanceof Instant instant ? Timestamp.from(instant) : value;
  }

  /** Polls until {@code condition} holds; fails after {@link #TIMEOUT}, which no healthy run comes near. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("still waiting after " + TIMEOUT + " until " + what);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Watches the sync runs of several engines over one fake CRM: who started each run, how many ran at
   * once, and holds the first run until the test lets it go. Each run reads one page (the fake's pages
   * hold more than these tests' contacts), so a run is one {@code readChanges} call.
   */
  private static final class SyncProbe {
    final List<String> runners = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final CountDownLatch firstRunReached = new CountDownLatch(1);
    final CountDownLatch releaseFirstRun = new CountDownLatch(1);

    CrmAdapter adapter(String instance, FakeCrmAdapter crm) {
      return new ForwardingCrmAdapter(crm) {
        @Override
        public ChangePage readChanges(SyncCursor cursor) {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          try {
            runners.add(instance);
            if (firstRunReached.getCount() > 0) {
              firstRunReached.countDown();
              if (!releaseFirstRun.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("first sync run never released");
              }
            }
            return crm.readChanges(cursor);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while held", e);
          } finally {
            inFlight.decrementAndGet();
          }
        }

        @Override
        public void close() {
          // the fake CRM is the test's, shared by every engine
        }
      };
    }
  }
}
