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

  /** The most follow-up tasks one sync reads back from a connection's CRM (the least recently read first). */
  public static final int FOLLOW_UPS_READ_PER_SYNC = FollowUpService.MAX_TASKS_PER_SYNC;

  private final NpsConfig config;
  private final Map<String, CrmAdapter> adapters;
  private final Stores stores;
  private final SyncService sync;
  private final TriggerService triggers;
  private final DeliveryService delivery;
  private final AnswerService answers;
  private final OneClickService oneClick;
  private final WritebackService writeback;
  private final AccountRollups rollups;
  private final DbScheduler scheduler;
  private final java.time.Clock clock;
  private final ConnectionGuard guard;
  private final java.time.Duration writebackPause;
  private final SendLog sendLog;
  private final io.npsconnector.core.store.SegmentLabelRepository segmentLabels;
  private final FollowUpService followUps;
  private final AlertService alerts;

  private Engine(Builder builder) {
    this.config = builder.config;
    this.clock = builder.clock;
    this.adapters = Map.copyOf(builder.adapters);
    this.stores = Stores.of(builder.database);
    this.alerts = new AlertService(config, stores, builder.alertDestinations, this.adapters, builder.clock,
        Optional.ofNullable(builder.alertRateLimitWait));
    this.scheduler = new DbScheduler(builder.database.dataSource(), builder.database.jdbi(),
        sendThreads(builder.settings, config, builder.channels), this, builder.clock);
    this.sync = new SyncService(stores, builder.clock, builder.hooks, builder.progress);
    this.triggers = new TriggerService(config, stores, scheduler, builder.clock);
    this.delivery = new DeliveryService(config, stores, builder.channels, scheduler, builder.clock, builder.hooks);
    this.answers = new AnswerService(config, stores, builder.clock, builder.hooks,
        connection -> builder.adapters.containsKey(connection) && builder.adapters.get(connection).keepsResponses(),
        alerts);
    this.oneClick = new OneClickService(config, stores, answers, scheduler, builder.clock, builder.hooks);
    this.guard = new ConnectionGuard(stores.connectionStates(),
        name -> ConnectionGuard.fingerprint(config.connection(name).orElseThrow()), builder.clock);
    this.writeback = new WritebackService(config, stores, builder.clock, builder.hooks);
    this.rollups = new AccountRollups(config, stores, builder.clock);
    this.writebackPause = builder.settings.writebackRetryWait();
    this.sendLog = new SendLog(builder.clock);
    this.segmentLabels = new io.npsconnector.core.store.SegmentLabelRepository(builder.database.jdbi());
    this.followUps = new FollowUpService(stores, builder.clock);
  }

  /**
   * The scheduler's settings with enough threads for the e-mail channel's {@code max-connections} sends at once
   * and one thread besides them (a sync, a write-back flush): each send is a scheduler execution, run on one of
   * its threads.
   */
  static EngineSettings sendThreads(EngineSettings settings, NpsConfig config, Map<String, Channel> channels) {
    int sends = channels.containsKey(io.npsconnector.core.delivery.email.EmailChannel.ID)
        ? config.email().map(io.npsconnector.config.EmailChannelConfig::maxConnections).orElse(0) : 0;
    return sends + 1 > settings.threads() ? settings.withThreads(sends + 1) : settings;
  }

  public static Builder builder(NpsConfig config, Database database) {
    return new Builder(config, database);
  }

  /** Starts the scheduler: recurring syncs and flushes, and every due send, reminder and expiry. */
  public void start() {
    scheduler.start();
  }

  /**
   * The names of the scheduler's recurring tasks (each connection's sync, write-back flush and roll-ups, the
   * alerts), as db-scheduler knows them; each has one execution, {@code recurring}, once the scheduler started.
   */
  public List<String> recurringTasks() {
    return scheduler.recurringTasks();
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
    Synced synced = guard.call(connection, () -> syncAndTriggerNow(connection));
    // after the guarded call, whose success would clear the wait: the read-back's retry hint holds the connection
    synced.pausedBy().ifPresent(pause -> guard.retryLater(connection, pause, java.time.Duration.ZERO));
    return synced.report();
  }

  /** A sync's report, and the retriable failure that ended its follow-up read-back, if one did. */
  private record Synced(SyncReport report, Optional<io.npsconnector.core.spi.CrmException.Retriable> pausedBy) {}

  private Synced syncAndTriggerNow(String connection) {
    sendLog.flush(connection);
    long started = System.nanoTime();
    PassAlong along = new PassAlong(connection);
    SyncService.Result read = sync.sync(connection, adapter(connection), along::stored);
    readSegmentLabels(connection);
    TriggerService.Result events = along.decided.then(triggers.evaluateStored(connection));
    triggers.logDecisions(connection, events);
    TriggerService.Result relationship = adapter(connection).conservingApiBudget()
        ? TriggerService.Result.EMPTY // relationship surveys can wait for the CRM's API budget
        : triggers.planRelationship(connection);
    triggers.reconcile(connection);
    Optional<io.npsconnector.core.spi.CrmException.Retriable> paused = Optional.empty();
    FollowUpService.Result tasks = FollowUpService.Result.NONE;
    try {
      tasks = readFollowUps(connection);
    } catch (io.npsconnector.core.spi.CrmException.Retriable e) {
      LOG.warn("{}: reading follow-up tasks back failed, tried again next sync: {}", connection, e.getMessage());
      paused = Optional.of(e);
    }
    SyncReport report = new SyncReport(read.pages(), read.contacts(), read.events(), read.apiCalls() + tasks.apiCalls(),
        events.evaluated() + relationship.evaluated(), events.invited() + relationship.invited(),
        events.suppressed() + relationship.suppressed(), events.collapsed() + relationship.collapsed());
    java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);
    stores.lastSyncs().record(new LastSyncRepository.LastSync(connection, clock.instant(), took,
        new LastSyncRepository.Counts(report.pages(), report.contacts(), report.events(), report.apiCalls(),
            report.evaluated(), report.invited(), report.suppressed(), report.collapsed())));
    ACTIVITY.info("{}: sync done: contacts={} events={} invitations={} suppressions={} api_calls={} duration_ms={}",
        connection, report.contacts(), report.events(), report.invited(), report.suppressed(), report.apiCalls(),
        took.toMillis());
    return new Synced(report, paused);
  }

  /**
   * The trigger pass along a sync's read: once the pages stored since its last pass hold a page of the pass
   * ({@link TriggerService#PAGE}) of new pairs of event and contact, a pass decides on them while the reader
   * reads the next page, so that the pass after the read only decides what came since. Events are decided as
   * they arrive, page after page, each against everything decided before it (fatigue, daily caps, collapse),
   * as across syncs; a pair whose contact is not stored yet waits, as in any pass.
   */
  private final class PassAlong {
    private final String connection;
    private int waiting;
    private TriggerService.Result decided = TriggerService.Result.EMPTY;

    PassAlong(String connection) {
      this.connection = connection;
    }

    void stored(int pairs) {
      waiting += pairs;
      if (waiting >= TriggerService.PAGE) {
        waiting = 0;
        decided = decided.then(triggers.evaluateStored(connection));
      }
    }
  }

  /**
   * Reads the follow-up tasks' states back from the CRM (see {@link FollowUpService}). A retriable failure (thrown:
   * the caller holds the connection back by the CRM's hint) and a refused read (logged) keep the states read
   * before and leave the sync's own work done. Refused credentials stop the connection, as for every other call.
   */
  private FollowUpService.Result readFollowUps(String connection) {
    try {
      FollowUpService.Result result = followUps.readBack(connection, adapter(connection));
      if (result.read() > 0) {
        ACTIVITY.info("{}: follow-up tasks read back: read={} completed={} deleted={} api_calls={}", connection,
            result.read(), result.completed(), result.deleted(), result.apiCalls());
      }
      return result;
    } catch (io.npsconnector.core.spi.CrmException.Data e) {
      LOG.warn("{}: the CRM refused reading follow-up tasks back: {}", connection, e.getMessage());
    }
    return FollowUpService.Result.NONE;
  }

  /** The follow-up tasks as last read back from the CRMs (the dashboard's inbox, {@code explain}). */
  public io.npsconnector.core.store.FollowUpRepository followUps() {
    return stores.followUps();
  }

  /**
   * Keeps the CRM's labels of segment values, read once per sync, for the dashboard. A CRM that refuses or
   * cannot be reached leaves the labels of the last sync in place (the sync itself goes on); refused
   * credentials stop the connection as any call's would.
   */
  private void readSegmentLabels(String connection) {
    try {
      segmentLabels.replace(connection, adapter(connection).segmentLabels(), clock.instant());
    } catch (io.npsconnector.core.spi.CrmException.Retriable | io.npsconnector.core.spi.CrmException.Data e) {
      LOG.warn("{}: the labels of segment values were not read, the last ones stay: {}", connection, e.getMessage());
    }
  }

  /**
   * Where the contact's record opens in its CRM, as its adapter knows without a call; empty for a connection
   * not enabled or a CRM without such a page.
   */
  public Optional<java.net.URI> contactUrl(String connection, String crmId) {
    CrmAdapter adapter = adapters.get(connection);
    return adapter == null ? Optional.empty() : adapter.recordUrl("contact", crmId);
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
    Optional<io.npsconnector.core.store.Invitation> found = stores.invitations().find(invitationId);
    return sent(found.map(io.npsconnector.core.store.Invitation::connection), delivery.send(invitationId, found))
        .outcome().name();
  }

  /** As {@link #send}, for the scheduler: when to run it again (a retry, or the send window's opening). */
  Optional<java.time.Instant> sendFromScheduler(long invitationId) {
    // read once, before the send: its connection counts the attempt, so nothing is read between its end and its
    // task's
    Optional<io.npsconnector.core.store.Invitation> found = stores.invitations().find(invitationId);
    return sent(found.map(io.npsconnector.core.store.Invitation::connection), delivery.send(invitationId, found))
        .again();
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

  /** What became of a one-click score reported or confirmed by a survey page. */
  public enum OneClick {
    /** Kept as provisional until confirmed. */
    PROVISIONAL,
    /** Stored as the answer. */
    CONFIRMED,
    /** Discarded: several different scores within seconds, as a link scanner reports them. */
    DISCARDED,
    /** The invitation has an answer already, which only the form changes. */
    ANSWERED,
    /** No open provisional score with that value. */
    NONE,
    /** The survey takes no answer now. */
    CLOSED
  }

  /**
   * A score reported by the script of the page a score link opened: kept as provisional, never counted until a
   * gesture on the page ({@link #confirmScore}) or the grace period ({@code server.one-click-grace}) confirms it;
   * different scores within {@code 2 min} are a link scanner's and discarded.
   */
  public OneClick reportScore(long invitationId, int score) {
    return oneClick.report(invitationId, score);
  }

  /** A real gesture on the page confirms the open provisional score: it becomes the answer. */
  public OneClick confirmScore(long invitationId, int score) {
    return oneClick.confirmByGesture(invitationId, score);
  }

  /**
   * Confirms the invitation's provisional score if its grace period has passed and it is the only one (the
   * scheduler runs this at the end of the grace period).
   *
   * @return when to look again, if the grace period of its score has not passed yet
   */
  public Optional<java.time.Instant> confirmDueScore(long invitationId) {
    return oneClick.confirmDue(invitationId);
  }

  /** Every one-click score reported for the invitation, oldest first (for {@code explain} and audit). */
  public List<io.npsconnector.core.store.ProvisionalScoreRepository.Provisional> reportedScores(long invitationId) {
    return stores.provisionals().forInvitation(invitationId);
  }

  /** Answers given since {@code since}, by how they were first confirmed (the form, a gesture, the grace period). */
  public Map<io.npsconnector.core.store.AnswerRepository.Confirmation, Integer> answersByConfirmation(
      java.time.Instant since) {
    return stores.answers().countByConfirmation(since);
  }

  /** The contact as the store has it (the dashboard's preview). */
  public Optional<Contact> contact(String connection, String crmId) {
    return stores.contacts().find(connection, crmId);
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
              stores.unsubscribes().contains(invitation.connection(), contact.crmId(), contact.email()),
              invitation.trigger());
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
