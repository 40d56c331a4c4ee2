package io.npsconnector.core.engine;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.npsconnector.config.ConnectionConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's work on db-scheduler, a persistent, cluster-aware scheduler: one-time tasks per
 * invitation (send, reminder, expiry) and recurring tasks per connection (sync and trigger pass,
 * write-back flush, the daily account roll-up refresh). Every execution is claimed by exactly one instance; work
 * claimed by an instance that stops heart-beating is revived on another within
 * {@link EngineSettings#takeOverWithin()}, and an instance restarted under its own name takes back what its previous
 * run held as soon as that claim's heartbeat has stood still for two heartbeats (at once, when the restart took
 * longer).
 */
final class DbScheduler implements Scheduling {
  private static final Logger LOG = LoggerFactory.getLogger(DbScheduler.class);
  static final String SEND = "send-invitation";
  static final String REMIND = "remind-invitation";
  static final String EXPIRE = "expire-invitation";
  static final String CONFIRM_SCORE = "confirm-score";
  /** The recurring task that recomputes a connection's account roll-ups, followed by the connection's name. */
  static final String ROLLUPS = "rollups-";
  /** How often account roll-ups are recomputed as their window moves: daily. */
  static final java.time.Duration ROLLUP_INTERVAL = java.time.Duration.ofDays(1);
  /** The recurring task that sends due alerts (Slack, Teams, the owner's mail). */
  static final String ALERTS = "alerts";
  /** How often due alerts are looked for. */
  static final java.time.Duration ALERT_INTERVAL = java.time.Duration.ofSeconds(10);

  private final CustomTask<Void> send;
  private final CustomTask<Void> remind;
  private final OneTimeTask<Void> expire;
  private final CustomTask<Void> confirmScore;
  private final List<RecurringTask<Void>> recurring = new ArrayList<>();
  private final SchedulerClient client;
  private final DataSource dataSource;
  private final EngineSettings settings;
  private volatile Scheduler scheduler;
  private final java.time.Clock clock;
  private final Map<String, io.npsconnector.core.spi.support.OncePer> skipped = new ConcurrentHashMap<>();
  private final ClaimTable claims;
  private volatile java.util.concurrent.ScheduledExecutorService takingBack;

  DbScheduler(DataSource dataSource, org.jdbi.v3.core.Jdbi jdbi, EngineSettings settings, Engine engine,
      java.time.Clock clock) {
    this.clock = clock;
    this.dataSource = dataSource;
    this.claims = new ClaimTable(jdbi);
    this.settings = settings;
    FailureHandler<Void> backoff = new FailureHandler.ExponentialBackoffFailureHandler<>(settings.taskRetryWait(), 2.0);
    this.send = Tasks.custom(SEND, Void.class).onFailure(backoff)
        .execute((instance, context) -> runAgainAt(engine.sendFromScheduler(Long.parseLong(instance.getId()))));
    this.remind = Tasks.custom(REMIND, Void.class).onFailure(backoff)
        .execute((instance, context) -> runAgainAt(engine.remindFromScheduler(Long.parseLong(instance.getId()))));
    this.expire = Tasks.oneTime(EXPIRE).onFailure(backoff)
        .execute((instance, context) -> engine.expire(Long.parseLong(instance.getId())));
    this.confirmScore = Tasks.custom(CONFIRM_SCORE, Void.class).onFailure(backoff)
        .execute((instance, context) -> runAgainAt(engine.confirmDueScore(Long.parseLong(instance.getId()))));
    for (ConnectionConfig connection : engine.enabledConnections()) {
      recurring.add(Tasks.recurring("sync-" + connection.name(), FixedDelay.of(connection.syncInterval()))
          .execute((instance, context) -> crmCall(connection, "sync", connection.syncInterval(),
              () -> engine.syncAndTrigger(connection.name()))));
      recurring.add(Tasks.recurring("writeback-" + connection.name(), FixedDelay.of(settings.writebackInterval()))
          .execute((instance, context) -> crmCall(connection, "write-back", settings.writebackInterval(),
              () -> engine.flushWritebacks(connection.name()))));
      recurring.add(Tasks.recurring(ROLLUPS + connection.name(), FixedDelay.of(ROLLUP_INTERVAL))
          .execute((instance, context) -> {
            Engine.RollupReport report = engine.refreshRollups(connection.name());
            LOG.info("{}: account roll-ups refreshed: {} accounts, {} queued for write-back", connection.name(),
                report.accounts(), report.queued());
          }));
    }
    if (engine.sendsAlerts()) {
      recurring.add(Tasks.recurring(ALERTS, FixedDelay.of(ALERT_INTERVAL))
          .execute((instance, context) -> engine.deliverAlerts()));
    }
    this.client = SchedulerClient.Builder.create(dataSource, tasks()).build();
  }

  /** Done, or the same execution again at the time given (a retry, the opening of a send window). */
  private static CompletionHandler<Void> runAgainAt(Optional<Instant> again) {
    return again.<CompletionHandler<Void>>map(at -> (complete, operations) -> operations.reschedule(complete, at))
        .orElseGet(CompletionHandler.OnCompleteRemove::new);
  }

  /**
   * A recurring run that the CRM refused: the engine's connection guard has warned once for the run of failures
   * (naming the connection and the CRM's reason, never a secret) and counts the rest, so here it is a debug line
   * with no stack trace; the next run comes at its interval. A run skipped because
   * the connection is stopped or waits for the CRM's hint says so once an hour, not at every interval.
   */
  private void crmCall(ConnectionConfig connection, String what, java.time.Duration interval, Runnable run) {
    try {
      run.run();
    } catch (ConnectionUnavailableException e) {
      if (skipped.computeIfAbsent(connection.name() + " " + what,
          key -> new io.npsconnector.core.spi.support.OncePer(java.time.Duration.ofHours(1), clock)).due()) {
        LOG.warn("{} skipped: {}", what, e.getMessage());
      }
    } catch (io.npsconnector.core.spi.CrmException e) {
      String when = e instanceof io.npsconnector.core.spi.CrmException.Retriable retriable
          && retriable.retryAfter().isPresent()
          ? "the CRM asks to wait " + retriable.retryAfter().get() + "; next run in " + interval
          : "next run in " + interval;
      LOG.debug("{}: {} failed ({}): {}; {}", connection.name(), what, e.getClass().getSimpleName(), e.getMessage(),
          when);
    }
  }

  /** The names of the recurring tasks (syncs, write-back flushes, roll-ups, alerts), as db-scheduler knows them. */
  List<String> recurringTasks() {
    return recurring.stream().map(Task::getName).toList();
  }

  private List<Task<?>> tasks() {
    List<Task<?>> tasks = new ArrayList<>(List.of(send, remind, expire, confirmScore));
    tasks.addAll(recurring);
    return tasks;
  }

  /**
   * Starts polling; several instances may run against one database. What a previous run of this instance still
   * holds is read first (before this run claims anything under the same name) and taken back.
   */
  synchronized void start() {
    if (scheduler != null) {
      return;
    }
    List<ClaimTable.Held> leftBehind = claims.heldBy(settings.instanceName());
    scheduler = Scheduler.create(dataSource, List.of(send, remind, expire, confirmScore))
        .startTasks(recurring)
        .schedulerName(new SchedulerName.Fixed(settings.instanceName()))
        .threads(settings.threads())
        .pollingInterval(settings.pollingInterval())
        .heartbeatInterval(settings.heartbeatInterval())
        .missedHeartbeatsLimit(settings.missedHeartbeats())
        .enableImmediateExecution()
        .shutdownMaxWait(settings.shutdownWait())
        .build();
    scheduler.start();
    if (!leftBehind.isEmpty()) {
      takingBack = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "npsconnector-take-back");
        thread.setDaemon(true);
        return thread;
      });
      leftBehind.forEach(this::takeBack);
    }
  }

  /**
   * Takes back a claim of this instance's name once its heartbeat has stood still for
   * {@link EngineSettings#ownClaimStaleAfter()}: at once when it already has, else when it will have, if it is
   * unchanged then. A claim whose heartbeat moved meanwhile belongs to another running instance of the same name,
   * and is left alone. db-scheduler stamps heartbeats with the system clock, so this reads that clock.
   */
  private void takeBack(ClaimTable.Held claim) {
    Instant staleAt = claim.lastHeartbeat().orElse(Instant.EPOCH).plus(settings.ownClaimStaleAfter());
    long delay = Math.max(0, java.time.Duration.between(Instant.now(), staleAt).toMillis());
    takingBack.schedule(() -> {
      try {
        if (claims.release(claim)) {
          LOG.info("took back {} {}, held by this instance ({}) before its restart", claim.task(),
              claim.taskInstance(), claim.pickedBy());
          Scheduler running = scheduler;
          if (running != null) {
            running.triggerCheckForDueExecutions();
          }
        } else if (claims.find(claim).filter(now -> now.pickedBy().equals(claim.pickedBy())
            && now.version() == claim.version()).isPresent()) {
          LOG.warn("{} {} is held under this instance's name ({}) by another running instance; give each "
              + "instance its own scheduler.instance-name", claim.task(), claim.taskInstance(), claim.pickedBy());
        }
      } catch (RuntimeException e) {
        LOG.warn("could not take back {} {}: {}; another instance revives it once its heartbeats are missed",
            claim.task(), claim.taskInstance(), e.toString());
      }
    }, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Who holds which work now, from the scheduler's table. */
  SchedulerClaims claims() {
    return claims.claims(settings.instanceName(), settings.takeOverWithin(),
        settings.heartbeatInterval().multipliedBy(settings.missedHeartbeats()), Instant.now());
  }

  /**
   * Stops polling; running executions get {@code shutdownWait} to finish (then they are interrupted).
   * Executions that were not started stay unclaimed; one whose worker ignores the interrupt stays
   * claimed until another instance sees its heartbeat stop.
   */
  synchronized void stop() {
    if (takingBack != null) {
      takingBack.shutdownNow();
      takingBack = null;
    }
    if (scheduler != null) {
      scheduler.stop();
      scheduler = null;
    }
  }

  /** The running scheduler when there is one, so that work due now runs at once, not at the next poll. */
  private SchedulerClient target() {
    Scheduler running = scheduler; // not synchronized: executions finishing during stop() schedule too
    return running != null ? running : client;
  }

  @Override
  public void send(long invitationId, Instant at) {
    target().scheduleIfNotExists(send.instance(Long.toString(invitationId)), at);
  }

  /**
   * One batched insert for all of them; when one of them is already scheduled (an earlier pass scheduled it, and
   * the batch fails on its key), each is scheduled on its own, unless it exists, as {@link #send} does.
   */
  @Override
  public void sends(Map<Long, Instant> sends) {
    if (sends.size() < 2) {
      sends.forEach(this::send);
      return;
    }
    List<com.github.kagkarlsson.scheduler.task.SchedulableInstance<?>> batch = new ArrayList<>(sends.size());
    sends.forEach((invitationId, at) -> batch.add(
        com.github.kagkarlsson.scheduler.task.SchedulableInstance.of(send.instance(Long.toString(invitationId)), at)));
    try {
      target().scheduleBatch(batch);
    } catch (RuntimeException e) {
      LOG.debug("scheduling {} sends in one batch failed ({}); scheduling each unless it exists", sends.size(),
          e.getClass().getSimpleName());
      sends.forEach(this::send);
    }
  }

  @Override
  public void reminder(long invitationId, Instant at) {
    target().scheduleIfNotExists(remind.instance(Long.toString(invitationId)), at);
  }

  @Override
  public void expiry(long invitationId, Instant at) {
    target().scheduleIfNotExists(expire.instance(Long.toString(invitationId)), at);
  }

  /**
   * The reminder and the expiry in one batched insert; when either is already scheduled (a send completed again
   * after a restart, and the batch fails on its key), each is scheduled on its own, unless it exists.
   */
  @Override
  public void followUps(long invitationId, Optional<Instant> reminder, Instant expiry) {
    String id = Long.toString(invitationId);
    List<com.github.kagkarlsson.scheduler.task.SchedulableInstance<?>> batch = new ArrayList<>(2);
    reminder.ifPresent(at -> batch.add(
        com.github.kagkarlsson.scheduler.task.SchedulableInstance.of(remind.instance(id), at)));
    batch.add(com.github.kagkarlsson.scheduler.task.SchedulableInstance.of(expire.instance(id), expiry));
    try {
      target().scheduleBatch(batch); // inserts only: no read first, as each unless it exists would
    } catch (RuntimeException e) {
      LOG.debug("scheduling the follow-ups of invitation {} in one batch failed ({}); scheduling each unless it "
          + "exists", invitationId, e.getClass().getSimpleName());
      reminder.ifPresent(at -> reminder(invitationId, at));
      expiry(invitationId, expiry);
    }
  }

  @Override
  public void confirmScore(long invitationId, Instant at) {
    target().scheduleIfNotExists(confirmScore.instance(Long.toString(invitationId)), at);
  }
}
