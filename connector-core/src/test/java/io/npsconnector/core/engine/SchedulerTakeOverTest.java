package io.npsconnector.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.SchedulerConfig;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.FakeCrmProvider;
import io.npsconnector.core.testing.ForwardingCrmAdapter;
import io.npsconnector.core.testing.PostgresDatabase;
import io.npsconnector.core.testing.RecordingChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Taking over the work of an instance that died while holding it, on one PostgreSQL database: the instance is
 * killed in the middle of a sync run (its scheduler stops without the run finishing, so the claim stays and its
 * heartbeats stop), and the test measures how long the sync waits for another instance, or for the same instance
 * restarted under its name.
 */
class SchedulerTakeOverTest {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  private static final String CONNECTION = "crm";
  private static final String SYNC = "sync-" + CONNECTION;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final NpsConfig CONFIG = FakeCrmProvider.parse("take-over-test.yaml", """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: crm
          type: fake
      send-window:
        quiet-hours: none
        weekdays: [mon, tue, wed, thu, fri, sat, sun]
      """, Map.of("TOKEN_SECRET", "test-only-token-secret-0123456789abcdef", "ADMIN_PASSWORD", "test-admin-password"));

  private final Deque<AutoCloseable> owned = new ArrayDeque<>();
  private final FakeCrmAdapter crm = FakeCrmAdapter.builder().connection(CONNECTION).build();
  private final SyncRuns runs = new SyncRuns();

  @BeforeEach
  void emptySchema() throws SQLException {
    try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + postgres.schema() + " CASCADE");
      statement.execute("CREATE SCHEMA " + postgres.schema());
    }
  }

  @AfterEach
  void closeEverything() throws Exception {
    runs.releaseHeld();
    while (!owned.isEmpty()) {
      owned.pop().close();
    }
  }

  @Test
  void theDefaultSettingsHandADeadInstancesWorkOverWithinThirtySeconds() {
    EngineSettings defaults = EngineSettings.defaults();
    SchedulerConfig configured = SchedulerConfig.defaults();

    // dead 4 heartbeats after its last one, found by a look every 2 heartbeats, run at the next poll
    assertThat(defaults.takeOverWithin()).isEqualTo(Duration.ofSeconds(3 * (4 + 2) + 5))
        .isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.with(configured, "same")).isEqualTo(defaults.withInstanceName("same"));
    assertThat(defaults.ownClaimStaleAfter()).isLessThan(defaults.heartbeatInterval()
        .multipliedBy(defaults.missedHeartbeats() - 1));
    assertThatThrownBy(() -> defaults.with(new SchedulerConfig(Optional.empty(), Duration.ofSeconds(3), 3,
        Duration.ofSeconds(5)), "x")).hasMessageContaining("missedHeartbeats must be at least 4, got 3");
  }

  @Test
  void withDefaultSettingsAnotherInstanceRunsTheSyncOfAKilledOneWithinThirtySeconds() throws Exception {
    EngineSettings defaults = EngineSettings.defaults();

    Duration takeOver = killHolderAndMeasure(defaults.withInstanceName("default-a"),
        defaults.withInstanceName("default-b"), "default-b");

    System.err.printf("[take-over] default settings (heartbeat %s, %d missed, poll %s): the sync of a killed "
            + "instance ran on the other after %.1f s (bound %d s)%n", defaults.heartbeatInterval(),
        defaults.missedHeartbeats(), defaults.pollingInterval(), takeOver.toMillis() / 1000.0,
        defaults.takeOverWithin().toSeconds());
    assertThat(takeOver).isLessThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void withShortIntervalsTheTakeOverComesAfterTheMissedHeartbeatsAndWithinItsBound() throws Exception {
    EngineSettings fast = EngineSettings.defaults().withPolling(Duration.ofMillis(100), Duration.ofMillis(250));

    Duration takeOver = killHolderAndMeasure(fast.withInstanceName("fast-a"), fast.withInstanceName("fast-b"),
        "fast-b");

    System.err.printf("[take-over] heartbeat 250 ms, poll 100 ms: taken over after %d ms (bound %d ms)%n",
        takeOver.toMillis(), fast.takeOverWithin().toMillis());
    // the killed instance's last heartbeat may have come just before it died; not before it is missed 4 times
    assertThat(takeOver).isGreaterThanOrEqualTo(Duration.ofMillis(250 * 3))
        .isLessThanOrEqualTo(fast.takeOverWithin().plusSeconds(1));
  }

  @Test
  void anInstanceRestartedUnderItsNameTakesBackItsOwnClaimBeforeAnyOtherInstanceCould() throws Exception {
    Duration heartbeat = Duration.ofSeconds(2);
    EngineSettings settings = EngineSettings.defaults().withInstanceName("restarting")
        .withPolling(Duration.ofMillis(100), heartbeat).withShutdownWait(Duration.ofMillis(1));
    Engine first = engine(settings, "first run");
    first.start();
    assertThat(runs.firstReached.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("first sync run").isTrue();
    assertThat(claimOf(SYNC)).contains("restarting");

    Instant killed = Instant.now();
    first.stop();
    assertThat(claimOf(SYNC)).as("the killed run's claim").contains("restarting");
    Engine restarted = engine(settings, "restarted");
    restarted.start();
    Instant ran = runs.awaitRunBy("restarted");

    Duration takenBack = Duration.between(killed, ran);
    System.err.printf("[take-over] restart under the same name (heartbeat %s): own claim taken back and run after "
        + "%d ms%n", heartbeat, takenBack.toMillis());
    // another instance could revive it no sooner than 4 heartbeats after the last one, at least 3 after the kill
    assertThat(takenBack).isLessThan(heartbeat.multipliedBy(3));
    assertThat(runs.runners()).containsExactly("first run", "restarted");
  }

  @Test
  void aLiveInstanceThatSharesTheNameKeepsItsClaim() throws Exception {
    Duration heartbeat = Duration.ofMillis(300);
    EngineSettings settings = EngineSettings.defaults().withInstanceName("shared-name")
        .withPolling(Duration.ofMillis(100), heartbeat);
    Engine running = engine(settings, "running");
    running.start();
    assertThat(runs.firstReached.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("first sync run").isTrue();

    Engine second = engine(settings, "second");
    second.start();
    // the second would take the claim back after 2 heartbeats if they stood still; they do not
    Thread.sleep(heartbeat.multipliedBy(6).toMillis());

    assertThat(runs.runners()).containsExactly("running");
    assertThat(claimOf(SYNC)).contains("shared-name");
    SchedulerClaims claims = second.schedulerClaims();
    assertThat(claims.instance()).isEqualTo("shared-name");
    assertThat(claims.held()).anySatisfy(claim -> {
      assertThat(claim.task()).isEqualTo(SYNC);
      assertThat(claim.taskInstance()).isEqualTo("recurring");
      assertThat(claim.pickedBy()).isEqualTo("shared-name");
      assertThat(claim.lastHeartbeat()).isPresent();
      assertThat(claim.dead()).isFalse();
    });
    assertThat(claims.heldTotal()).isEqualTo(claims.held().size());
    assertThat(claims.scheduled()).isGreaterThanOrEqualTo(2); // the sync and the write-back flush
  }

  /**
   * Starts {@code holder}, waits until its first sync run is held, starts {@code other}, kills the holder (its
   * scheduler stops at once, the run does not finish) and returns the time from the kill to {@code runner}'s run.
   */
  private Duration killHolderAndMeasure(EngineSettings holder, EngineSettings other, String runner)
      throws Exception {
    Engine a = engine(holder.withShutdownWait(Duration.ofMillis(1)), holder.instanceName());
    a.start();
    assertThat(runs.firstReached.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("first sync run").isTrue();
    assertThat(claimOf(SYNC)).contains(holder.instanceName());
    Engine b = engine(other, other.instanceName());
    b.start();

    Instant killed = Instant.now();
    a.stop();
    assertThat(claimOf(SYNC)).as("the killed run's claim").contains(holder.instanceName());
    Instant ran = runs.awaitRunBy(runner);
    assertThat(runs.runners()).containsExactly(holder.instanceName(), runner);
    return Duration.between(killed, ran);
  }

  private Engine engine(EngineSettings settings, String runner) {
    Database database = Database.open(postgres.jdbcUrl(), postgres.user(), postgres.password());
    owned.push(database);
    Engine engine = Engine.builder(CONFIG, database).adapter(CONNECTION, runs.adapter(runner, crm))
        .channel(new RecordingChannel()).settings(settings).build();
    owned.push(engine);
    return engine;
  }

  /** Who holds the task's execution, if anyone. */
  private Optional<String> claimOf(String task) throws SQLException {
    try (Connection connection = postgres.connect();
        var statement = connection.prepareStatement("SELECT picked_by FROM scheduled_tasks WHERE picked "
            + "AND task_name = ?")) {
      statement.setString(1, task);
      try (var rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * The sync runs of several engines over one fake CRM: who ran when. The first run is held until the test ends,
   * deaf to interrupts, as a process that died would never finish it.
   */
  private static final class SyncRuns {
    private record Run(String runner, Instant at) {}

    final CountDownLatch firstReached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch heldDone = new CountDownLatch(1);
    private final List<Run> runs = Collections.synchronizedList(new ArrayList<>());

    CrmAdapter adapter(String runner, FakeCrmAdapter crm) {
      return new ForwardingCrmAdapter(crm) {
        @Override
        public ChangePage readChanges(SyncCursor cursor) {
          runs.add(new Run(runner, Instant.now()));
          if (firstReached.getCount() > 0) {
            firstReached.countDown();
            holdUninterruptibly();
          }
          return crm.readChanges(cursor);
        }

        @Override
        public void close() {
          // the fake CRM is the test's, shared by every engine
        }
      };
    }

    private void holdUninterruptibly() {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            release.await();
            return;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        heldDone.countDown();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    List<String> runners() {
      synchronized (runs) {
        return runs.stream().map(Run::runner).toList();
      }
    }

    Instant awaitRunBy(String runner) throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        synchronized (runs) {
          Optional<Instant> at = runs.stream().filter(run -> run.runner().equals(runner)).map(Run::at).findFirst();
          if (at.isPresent()) {
            return at.get();
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no sync run by " + runner + " within " + TIMEOUT + "; runs: " + runners());
    }

    /** Lets the held run end, and waits for it, so that it is not left running into the next test. */
    void releaseHeld() throws InterruptedException {
      release.countDown();
      if (firstReached.getCount() == 0) {
        heldDone.await(10, TimeUnit.SECONDS);
      }
    }
  }
}
