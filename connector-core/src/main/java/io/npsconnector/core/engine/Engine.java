package io.npsconnector.core.engine;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.LastSyncRepository;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one process: sync, trigger, send, answer, write back. Every operation is idempotent
 * and safe to run again after a crash; {@link #start()} runs them on db-scheduler, so that several
 * instances can share one PostgreSQL database and each invitation is sent once.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  /**
   * What {@code run} does, at the default log level (INFO while everything else logs from WARN): one line per
   * sync, send batch and write-back flush of a connection, and when a failing CRM answers again.
   */
  static final Logger ACTIVITY = LoggerFactory.getLogger("io.npsconnector.activity");

  private final NpsConfig config;
  private final Map<String, CrmAdapter> adapters;
  private final Stores stores;
  private final SyncService sync;
  private final TriggerService triggers;
  private final DeliveryService delivery;
  private final AnswerService answers;
  private final WritebackService writeback;
  private final AccountRollups rollups;
  private final DbScheduler scheduler;
  private final java.time.Clock clock;
  private final ConnectionGuard guard;
  private final java.time.Duration writebackPause;
  private final SendLog sendLog;
  private final AlertService alerts;

  private Engine(Builder builder) {
    this.config = builder.config;
    this.clock = builder.clock;
    this.adapters = Map.copyOf(builder.adapters);
    this.stores = Stores.of(builder.database);
    this.alerts = new AlertService(config, stores, builder.alertDestinations, this.adapters, builder.clock,
        Optional.ofNullable(builder.alertRateLimitWait));
    this.scheduler = new DbScheduler(builder.database.dataSource(), builder.database.jdbi(), builder.settings, this,
        builder.clock);
    this.sync = new SyncService(stores, builder.clock, builder.hooks, builder.progress);
    this.triggers = new TriggerService(config, stores, scheduler, builder.clock);
    this.delivery = new DeliveryService(config, stores, builder.channels, scheduler, builder.clock, builder.hooks);
    this.answers = new AnswerService(config, stores, builder.clock, builder.hooks,
        connection -> builder.adapters.containsKey(connection) && builder.adapters.get(connection).keepsResponses(),
        alerts);
    this.guard = new ConnectionGuard(stores.connectionStates(),
        name -> ConnectionGuard.fingerprint(config.connection(name).orElseThrow()), builder.clock);
    this.writeback = new WritebackService(config, stores, builder.clock, builder.hooks);
    this.rollups = new AccountRollups(config, stores, builder.clock);
    this.writebackPause = builder.settings.writebackRetryWait();
    this.sendLog = new SendLog(builder.clock);
  }

  public static Builder builder(NpsConfig config, Database database) {
    return new Builder(config, database);
  }

  /** Starts the scheduler: recurring syncs and flushes, and every due send, reminder and expiry. */
  public void start() {
    scheduler.start();
  }

  /** Stops the scheduler; running work finishes, claims are released. */
  public void stop() {
    scheduler.stop();
  }

  @Override
  public void close() {
    stop();
  }

  /** The connections with an adapter that are enabled in the configuration. */
  List<ConnectionConfig> enabledConnections() {
    return config.connections().stream()
        .filter(connection -> connection.enabled() && adapters.containsKey(connection.name())).toList();
  }

  /** What one sync run did. */
  public record SyncReport(int pages, int contacts, int events, int apiCalls, int evaluated, int invited,
      int suppressed, int collapsed) {}

  /** A finished sync: when, what it did, how long it took. */
  public record SyncRun(java.time.Instant at, SyncReport report, java.time.Duration took) {}

  /** The last finished sync of the connection, whichever instance ran it (kept in the store). */
  public Optional<SyncRun> lastSync(String connection) {
    return stores.lastSyncs().find(connection).map(last -> {
      LastSyncRepository.Counts counts = last.counts();
      return new SyncRun(last.finishedAt(), new SyncReport(counts.pages(), counts.contacts(), counts.events(),
          counts.apiCalls(), counts.evaluated(), counts.invited(), counts.suppressed(), counts.collapsed()),
          last.took());
    });
  }

  /** Reads changes, decides on every new event, plans relationship surveys, and schedules what is due. */
  public SyncReport syncAndTrigger(String connection) {
    return guard.call(connection, () -> syncAndTriggerNow(connection));
  }

  private SyncReport syncAndTriggerNow(String connection) {
    sendLog.flush(connection);
    long started = System.nanoTime();
    SyncService.Result read = sync.sync(connection, adapter(connection));
    TriggerService.Result events = triggers.evaluatePending(connection);
    TriggerService.Result relationship = adapter(connection).conservingApiBudget()
        ? TriggerService.Result.EMPTY // relationship surveys can wait for the CRM's API budget
        : triggers.planRelationship(connection);
    triggers.reconcile(connection);
    SyncReport report = new SyncReport(read.pages(), read.contacts(), read.events(), read.apiCalls(),
        events.evaluated() + relationship.evaluated(), events.invited() + relationship.invited(),
        events.suppressed() + relationship.suppressed(), events.collapsed() + relationship.collapsed());
    java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);
    stores.lastSyncs().record(new LastSyncRepository.LastSync(connection, clock.instant(), took,
        new LastSyncRepository.Counts(report.pages(), report.contacts(), report.events(), report.apiCalls(),
            report.evaluated(), report.invited(), report.suppressed(), report.collapsed())));
    ACTIVITY.info("{}: sync done: contacts={} events={} invitations={} suppressions={} api_calls={} duration_ms={}",
        connection, report.contacts(), report.events(), report.invited(), report.suppressed(), report.apiCalls(),
        took.toMillis());
    return report;
  }

  /**
   * Stores events pushed by the CRM (webhooks) and decides on them at once, without waiting for the
   * next sync. Storing is idempotent (events are unique per connection, kind and CRM id), so the
   * polling sync reading the same events later changes nothing. Contacts not stored yet are read by
   * that sync; their events wait for them.
   *
   * @return the decisions made, as counts
   */
  public SyncReport ingest(String connection, List<Contact> contacts, List<InteractionEvent> events) {
    adapter(connection);
    sync.store(connection, contacts, events);
    TriggerService.Result decided = triggers.evaluatePending(connection);
    return new SyncReport(0, contacts.size(), events.size(), 0, decided.evaluated(), decided.invited(),
        decided.suppressed(), decided.collapsed());
  }

  /** Sends one invitation now (if it is still due, eligible and inside the recipient's send window). */
  public String send(long invitationId) {
    Optional<String> connection = connectionOf(invitationId);
    return sent(connection, delivery.send(invitationId)).outcome().name();
  }

  /** As {@link #send}, for the scheduler: when to run it again (a retry, or the send window's opening). */
  Optional<java.time.Instant> sendFromScheduler(long invitationId) {
    Optional<String> connection = connectionOf(invitationId);
    return sent(connection, delivery.send(invitationId)).again();
  }

  /** The invitation's connection, read before the send, so that nothing is read between its end and its task's. */
  private Optional<String> connectionOf(long invitationId) {
    return stores.invitations().find(invitationId).map(io.npsconnector.core.store.Invitation::connection);
  }

  /** Counts the attempt into its connection's send batch (one log line per batch). */
  private DeliveryService.Attempt sent(Optional<String> connection, DeliveryService.Attempt attempt) {
    if (attempt.outcome() != DeliveryService.Outcome.ALREADY_DONE && connection.isPresent()) {
      sendLog.sent(connection.get(), attempt.outcome());
    }
    return attempt;
  }

  /** Sends the reminder of an unanswered invitation now, if the recipient's send window is open. */
  public String remind(long invitationId) {
    return delivery.remind(invitationId).outcome().name();
  }

  /** As {@link #remind}, for the scheduler: when to run it again, if the window is closed now. */
  Optional<java.time.Instant> remindFromScheduler(long invitationId) {
    return delivery.remind(invitationId).again();
  }

  public void expire(long invitationId) {
    delivery.expire(invitationId);
  }

  /**
   * Stores an answer (or updates it) and queues its write-backs in the same transaction.
   *
   * @throws IllegalArgumentException for a score outside 0-10
   * @throws IllegalStateException when the invitation cannot take an answer (unknown, not sent, expired)
   */
  public long answer(long invitationId, int score, Optional<String> comment) {
    try {
      return answers.record(invitationId, score, comment);
    } catch (AnswerService.AnswerRefused e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public void unsubscribe(long invitationId) {
    answers.unsubscribe(invitationId);
  }

  /** The invitation as its survey page shows it, or empty when there is no such invitation or contact. */
  public Optional<SurveyView> surveyView(long invitationId) {
    return stores.invitations().find(invitationId).flatMap(invitation -> stores.contacts()
        .find(invitation.connection(), invitation.contactId()).map(contact -> {
          Optional<io.npsconnector.core.store.AnswerRepository.Answer> answer =
              stores.answers().forInvitation(invitationId);
          boolean expired = invitation.expiresAt().map(at -> !clock.instant().isBefore(at)).orElse(false);
          boolean answerable = AnswerService.ANSWERABLE.contains(invitation.state()) && !expired;
          return new SurveyView(invitationId, invitation.connection(),
              DeliveryService.templateOf(config, invitation.trigger()), contact, invitation.state(),
              invitation.expiresAt(), answerable, answer.map(io.npsconnector.core.store.AnswerRepository.Answer::score),
              answer.flatMap(io.npsconnector.core.store.AnswerRepository.Answer::comment),
              stores.unsubscribes().contains(invitation.connection(), contact.crmId(), contact.email()));
        }));
  }

  /** What one flush did. */
  public record FlushReport(int calls, int written, int failed, int retryLater) {}

  /** Writes pending answers back to the CRM in the largest batches it takes. */
  public FlushReport flushWritebacks(String connection) {
    sendLog.flush(connection);
    long started = System.nanoTime();
    WritebackService.Result result = guard.call(connection, () -> writeback.flush(connection, adapter(connection)));
    result.pausedBy().ifPresent(pause -> guard.retryLater(connection, pause, writebackPause));
    FlushReport report = new FlushReport(result.calls(), result.written(), result.failed(), result.retryLater());
    if (report.calls() + report.retryLater() > 0) { // an idle flush every interval would only be noise
      ACTIVITY.info("{}: write-back flush done: written={} failed={} retry_later={} api_calls={} duration_ms={}",
          connection, report.written(), report.failed(), report.retryLater(), report.calls(),
          (System.nanoTime() - started) / 1_000_000);
    }
    return report;
  }

  /** What one alert run did. */
  public record AlertReport(int sent, int failed, int retrying, int waiting) {}

  /**
   * Sends the alerts that are due (Slack, Teams, the owner's mail): each once, spaced per destination, retried after
   * failures; one activity line when anything was attempted.
   */
  public AlertReport deliverAlerts() {
    long started = System.nanoTime();
    AlertService.Result result = alerts.deliverDue();
    if (result.total() > 0) {
      ACTIVITY.info("alerts done: sent={} failed={} retry_later={} rate_limited={} duration_ms={}", result.sent(),
          result.failed(), result.retrying(), result.waiting(), (System.nanoTime() - started) / 1_000_000);
    }
    return new AlertReport(result.sent(), result.failed(), result.retrying(), result.waiting());
  }

  /** Whether the configuration has alert destinations this engine can send to. */
  boolean sendsAlerts() {
    return alerts.active();
  }

  /** Alerts sent since {@code since}, every destination together (the dashboard's figure). */
  public int alertsSentSince(java.time.Instant since) {
    return stores.alerts().sentSince(since);
  }

  /**
   * Pauses a trigger for every instance on this store: the trigger pass suppresses its events (rule
   * {@code trigger-paused}, which {@code explain} shows) and plans none of its relationship surveys until it
   * resumes. Invitations scheduled before the pause still go out.
   *
   * @param who the admin, for the audit
   * @return false when the trigger was paused already
   * @throws IllegalArgumentException when no trigger of that name is configured
   */
  public boolean pauseTrigger(String trigger, String who) {
    boolean paused = stores.triggerPauses().pause(configuredTrigger(trigger), who, clock.instant());
    if (paused) {
      ACTIVITY.info("trigger '{}' paused by {}", trigger, who);
    }
    return paused;
  }

  /** Lets a paused trigger invite again; false when it was not paused. */
  public boolean resumeTrigger(String trigger, String who) {
    boolean resumed = stores.triggerPauses().resume(configuredTrigger(trigger), who, clock.instant());
    if (resumed) {
      ACTIVITY.info("trigger '{}' resumed by {}", trigger, who);
    }
    return resumed;
  }

  /** The paused triggers by name, with who paused them and when. */
  public Map<String, io.npsconnector.core.store.TriggerPauseRepository.Pause> pausedTriggers() {
    return stores.triggerPauses().paused();
  }

  private String configuredTrigger(String trigger) {
    if (config.triggers().stream().noneMatch(configured -> configured.name().equals(trigger))) {
      throw new IllegalArgumentException("no trigger named '" + trigger + "' in the configuration");
    }
    return trigger;
  }

  /** What one roll-up refresh did: accounts looked at, and roll-ups queued because their figure moved. */
  public record RollupReport(int accounts, int queued) {}

  /**
   * The daily roll-up refresh: queues, for the next flush to write in its batches, the roll-up (NPS, n,
   * interval) of every account whose figure moved with the window since the CRM last acknowledged one;
   * unchanged accounts are not written again. It calls no CRM itself.
   */
  public RollupReport refreshRollups(String connection) {
    adapter(connection);
    AccountRollups.Result result = rollups.refresh(connection);
    return new RollupReport(result.accounts(), result.queued());
  }

  /**
   * Whether the engine calls the connection's CRM now: active, waiting for the CRM's retry hint, or stopped
   * because the CRM refused the credentials (until they change or {@link #resume}).
   */
  public ConnectionStatus connectionStatus(String connection) {
    adapter(connection);
    return guard.status(connection);
  }

  /** {@link #connectionStatus} of every enabled connection, in configuration order. */
  public List<ConnectionStatus> connectionStatuses() {
    return enabledConnections().stream().map(connection -> guard.status(connection.name())).toList();
  }

  /** Who holds which scheduled work now (every instance sharing the store), and this instance's name. */
  public SchedulerClaims schedulerClaims() {
    return scheduler.claims();
  }

  /**
   * Lets a stopped connection sync and write back again, as an admin asks once its credentials work.
   *
   * @param who the admin, for the log
   * @return true when the connection was stopped
   */
  public boolean resume(String connection, String who) {
    adapter(connection);
    return guard.resume(connection, who);
  }

  private CrmAdapter adapter(String connection) {
    CrmAdapter adapter = adapters.get(connection);
    if (adapter == null) {
      throw new IllegalArgumentException("no adapter for connection '" + connection + "'");
    }
    return adapter;
  }

  /** Assembles an engine; adapters and channels are owned by the caller. */
  public static final class Builder {
    private final NpsConfig config;
    private final Database database;
    private final Map<String, CrmAdapter> adapters = new LinkedHashMap<>();
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private EngineHooks hooks = EngineHooks.NONE;
    private SyncProgress progress = SyncProgress.NONE;
    private EngineSettings settings = EngineSettings.defaults();
    private final List<io.npsconnector.core.alert.AlertDestination> alertDestinations = new java.util.ArrayList<>();
    private java.time.Duration alertRateLimitWait;

    private Builder(NpsConfig config, Database database) {
      this.config = config;
      this.database = database;
    }

    public Builder adapter(String connection, CrmAdapter adapter) {
      if (config.connection(connection).isEmpty()) {
        throw new IllegalArgumentException("no connection named '" + connection + "' in the configuration");
      }
      adapters.put(connection, adapter);
      return this;
    }

    public Builder channel(Channel channel) {
      channels.put(channel.id(), channel);
      return this;
    }

    /** A sender for one of the configuration's {@code alerts} destinations. */
    public Builder alertDestination(io.npsconnector.core.alert.AlertDestination destination) {
      alertDestinations.add(destination);
      return this;
    }

    /** How long an alert waits for its destination's rate limit (default: one {@code min-interval}; zero in tests). */
    public Builder alertRateLimitWait(java.time.Duration value) {
      alertRateLimitWait = value;
      return this;
    }

    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    /** Told after every sync page (progress bars, log lines). */
    public Builder progress(SyncProgress value) {
      progress = value;
      return this;
    }

    public Builder hooks(EngineHooks value) {
      hooks = value;
      return this;
    }

    public Builder settings(EngineSettings value) {
      settings = value;
      return this;
    }

    public Engine build() {
      LOG.debug("engine for {} connections, {} channels", adapters.size(), channels.size());
      return new Engine(this);
    }
  }
}
