package io.npsconnector.core.engine;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.FatigueConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.config.TriggerConfig.TriggerType;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.store.ContactRepository;
import io.npsconnector.core.store.DecisionRepository.StoredDecision;
import io.npsconnector.core.store.EventRepository.PendingEvaluation;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.InvitationRepository.NewInvitation;
import io.npsconnector.core.store.RelationshipPlanRepository;
import io.npsconnector.core.store.Statistics;
import io.npsconnector.core.store.RelationshipPlanRepository.DayPlan;
import io.npsconnector.core.store.TriggerPauseRepository.Pause;
import io.npsconnector.core.trigger.Decision;
import io.npsconnector.core.trigger.RelationshipPlanner;
import io.npsconnector.core.trigger.TriggerEvaluator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored events and the contact base into trigger decisions and invitations. For each event and
 * contact, every decision, the invitation it makes and the mark that the pair was evaluated are
 * committed together: a crash repeats the pair, and the database's unique key (one invitation per
 * trigger and key) keeps the repeat from surveying twice. The send is scheduled after the commit;
 * {@link #reconcile} schedules whatever a crash left unscheduled.
 *
 * <p>Every method takes the time to decide at, so that {@code simulate} can run the same code over
 * coming days inside a transaction it rolls back.
 */
final class TriggerService {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerService.class);
  static final int PAGE = 500;
  /** Contacts per page of the relationship planner's walk over the base. */
  static final int CONTACT_PAGE = 1_000;
  /** Relationship decisions per transaction. */
  static final int PLAN_BATCH = 200;
  /** How long an event waits for its contact to arrive from the CRM before it is given up. */
  static final Duration UNKNOWN_CONTACT_GRACE = Duration.ofHours(24);
  static final String UNKNOWN_CONTACT = "unknown-contact";
  /** The rule of a decision an admin's pause of the trigger made. */
  static final String TRIGGER_PAUSED = "trigger-paused";

  /** The tables a pass reads by index and writes, whose planner statistics it keeps current (PostgreSQL). */
  private static final List<String> PASS_TABLES = List.of("contacts", "events", "event_contacts", "invitations",
      "decisions", "invitation_history", "scheduled_tasks");

  private final NpsConfig config;
  private final Stores stores;
  private final Scheduling scheduling;
  private final Clock clock;
  private final TriggerEvaluator evaluator = new TriggerEvaluator();
  private final RelationshipPlanner planner = new RelationshipPlanner();
  private final RelationshipPlanRepository plans = new RelationshipPlanRepository();
  /**
   * The invitations the passes add, followed across passes: a first sync's passes along the read add a page's
   * worth each, fewer than one pass's look at the table's statistics would see.
   */
  private final Statistics.Growth invitationGrowth = new Statistics.Growth("invitations");

  TriggerService(NpsConfig config, Stores stores, Scheduling scheduling, Clock clock) {
    this.config = config;
    this.stores = stores;
    this.scheduling = scheduling;
    this.clock = clock;
  }

  /** One decision as stored, with the invitation it made or collapsed into. */
  record Outcome(Decision decision, Optional<Long> invitationId) {}

  /**
   * What a pass decided, as counts: a pass over a large backlog never holds its decisions ({@link #evaluatePending(
   * Handle, String, Instant, Consumer)} hands each to a caller that wants them).
   *
   * @param nextChange the earliest time a later pass could decide something this one did not, with no
   *     new data from the CRM: a waiting event's contact given up, a contact coming due for a
   *     relationship survey; empty when only new data (or the next day) can change anything
   */
  record Result(int evaluated, int invited, int suppressed, int collapsed, int deferred,
      Optional<Instant> nextChange) {
    static final Result EMPTY = new Result(0, 0, 0, 0, 0, Optional.empty());

    Result plus(Result other) {
      return new Result(evaluated + other.evaluated, invited + other.invited, suppressed + other.suppressed,
          collapsed + other.collapsed, deferred + other.deferred, earliest(nextChange, other.nextChange));
    }

    /**
     * The decisions of this pass and of {@code later}, a pass that read every pair still waiting after this one:
     * what waits, and when it could change, is what waits after {@code later}.
     */
    Result then(Result later) {
      return new Result(evaluated + later.evaluated, invited + later.invited, suppressed + later.suppressed,
          collapsed + later.collapsed, later.deferred, later.nextChange);
    }

    static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
      return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
    }
  }

  /** Counts decisions as a pass makes them. */
  private static final class Tally {
    private int evaluated;
    private int invited;
    private int suppressed;
    private int collapsed;

    void add(Outcome outcome) {
      evaluated++;
      switch (outcome.decision().outcome()) {
        case INVITE -> invited++;
        case SUPPRESS -> suppressed++;
        case COLLAPSE -> collapsed++;
      }
    }

    Result result(int deferred, Optional<Instant> nextChange) {
      return new Result(evaluated, invited, suppressed, collapsed, deferred, nextChange);
    }
  }

  /** Decides on every event and contact no pass has decided on yet, a page of them per transaction. */
  Result evaluatePending(String connection) {
    Result result = evaluateStored(connection);
    logDecisions(connection, result);
    return result;
  }

  /** As {@link #evaluatePending(String)}, without its log line: for a caller that logs several passes as one. */
  Result evaluateStored(String connection) {
    return stores.jdbi().withHandle(handle -> pass(handle, connection, clock.instant(), outcome -> { }));
  }

  /** Logs what passes decided, when they decided anything. */
  void logDecisions(String connection, Result result) {
    if (result.evaluated() > 0) {
      LOG.info("{}: {} event decisions: {} invited, {} suppressed, {} collapsed{}", connection, result.evaluated(),
          result.invited(), result.suppressed(), result.collapsed(),
          result.deferred() > 0 ? "; " + result.deferred() + " wait for their contact" : "");
    }
  }

  /** Plans today's relationship surveys of every relationship trigger of the connection. */
  Result planRelationship(String connection) {
    return stores.jdbi().withHandle(handle -> planRelationship(handle, connection, clock.instant(), outcome -> { }));
  }

  /**
   * As {@link #evaluatePending(String)} on {@code handle} at {@code now}, handing every decision to {@code
   * decided} once it is committed. The pending pairs are read a page at a time, by keyset on their index; each
   * page's decisions, invitations and marks are one transaction, and its sends are scheduled after it commits.
   * Inside a transaction the caller opened, the whole pass is that transaction.
   */
  Result evaluatePending(Handle handle, String connection, Instant now, Consumer<Outcome> decided) {
    Result result = pass(handle, connection, now, decided);
    logDecisions(connection, result);
    return result;
  }

  private Result pass(Handle handle, String connection, Instant now, Consumer<Outcome> decided) {
    ConnectionConfig connectionConfig = connection(connection);
    Tally tally = new Tally();
    int deferred = 0;
    Optional<Instant> givenUpAt = Optional.empty();
    Optional<PendingEvaluation> after = Optional.empty();
    Map<String, Pause> paused = stores.triggerPauses().paused(handle);
    Statistics.refresh(handle, PASS_TABLES);
    while (true) {
      List<PendingEvaluation> page = stores.events().pending(handle, connection, after, PAGE);
      List<PendingEvaluation> waiting = new ArrayList<>();
      List<Outcome> outcomes = handle.inTransaction(h -> {
        List<Supplier<Outcome>> made = new ArrayList<>();
        // the rules read invitations, never decisions or history: the page's decisions, its invitations' history
        // entries and its marks are written at its end, in batched statements, inside the same transaction; its
        // invitations too, unless a rule asks for one's id before (a contact's second event in the page)
        PageRows rows = new PageRows();
        rows.batch = batch(h, connectionConfig, page, now, rows.history::add);
        List<PendingEvaluation> evaluated = new ArrayList<>();
        // the page's contacts and their history in a few queries, not a few per pair
        Map<String, Contact> contacts = stores.contacts().findAll(h, connection,
            page.stream().map(PendingEvaluation::contactId).toList());
        PageHistory history = PageHistory.of(stores, h, connection, contacts, config.fatigue(), rows.batch::flush);
        for (PendingEvaluation pending : page) {
          Optional<List<Supplier<Outcome>>> pair = evaluate(h, connectionConfig, pending, Optional.ofNullable(
              contacts.get(pending.contactId())), history, paused, now, rows);
          if (pair.isEmpty()) {
            waiting.add(pending);
          } else {
            made.addAll(pair.get());
            evaluated.add(pending);
          }
        }
        rows.write(h);
        stores.events().markEvaluated(h, evaluated, now);
        return made.stream().map(Supplier::get).toList();
      });
      // a first sync's pass grows the invitations from nothing: the planner's count must follow, or PostgreSQL
      // keeps planning for an empty table and a page's survey look-ups scan every invitation made so far
      invitationGrowth.added(handle, (int) outcomes.stream().filter(outcome -> outcome.decision().invites()).count());
      scheduleAll(outcomes);
      for (Outcome outcome : outcomes) {
        tally.add(outcome);
        decided.accept(outcome);
      }
      for (PendingEvaluation pending : waiting) {
        deferred++;
        givenUpAt = Result.earliest(givenUpAt, Optional.of(pending.seenAt().plus(UNKNOWN_CONTACT_GRACE)));
      }
      if (page.size() < PAGE) {
        break;
      }
      after = Optional.of(page.get(page.size() - 1));
    }
    return tally.result(deferred, givenUpAt);
  }

  /**
   * The page's invitations, made together: the keys its pairs may take (one per trigger that fires on the pair's
   * kind of event) are looked up once.
   */
  private InvitationRepository.Batch batch(Handle handle, ConnectionConfig connection, List<PendingEvaluation> page,
      Instant now, Consumer<InvitationRepository.HistoryEntry> history) {
    Map<String, List<String>> keys = new HashMap<>();
    for (PendingEvaluation pending : page) {
      for (TriggerConfig trigger : triggersOn(connection, pending.event().event())) {
        keys.computeIfAbsent(trigger.name(), name -> new ArrayList<>())
            .add(eventKey(pending.event().id(), pending.contactId()));
      }
    }
    return stores.invitations().batch(handle, connection.name(), keys, now, history);
  }

  private List<TriggerConfig> triggersOn(ConnectionConfig connection, InteractionEvent event) {
    return config.triggers().stream()
        .filter(trigger -> applies(trigger, connection.name()) && trigger.on().id().equals(event.kind().id()))
        .toList();
  }

  private static String eventKey(long eventId, String contactId) {
    return "event:" + eventId + ":" + contactId;
  }

  /** Every decision on one event for one contact; empty to leave it pending (its contact is not here yet). */
  private Optional<List<Supplier<Outcome>>> evaluate(Handle handle, ConnectionConfig connection,
      PendingEvaluation pending, Optional<Contact> contact, PageHistory history, Map<String, Pause> paused,
      Instant now, PageRows rows) {
    long eventId = pending.event().id();
    InteractionEvent event = pending.event().event();
    List<TriggerConfig> triggers = triggersOn(connection, event);
    List<Supplier<Outcome>> outcomes = new ArrayList<>();
    if (contact.isEmpty()) {
      if (pending.seenAt().plus(UNKNOWN_CONTACT_GRACE).isAfter(now)) {
        return Optional.empty();
      }
      for (TriggerConfig trigger : triggers) {
        Decision decision = new Decision(trigger.name(), connection.name(), pending.contactId(),
            Optional.of(event.crmId()), Decision.Outcome.SUPPRESS, UNKNOWN_CONTACT, "the CRM did not return contact "
            + pending.contactId() + " within " + UNKNOWN_CONTACT_GRACE.toHours() + " hours of the event",
            Optional.empty(), Optional.empty());
        outcomes.add(store(handle, decision, Optional.of(eventId), Optional.empty(), trigger, now, rows,
            history::created));
      }
    } else {
      for (TriggerConfig trigger : triggers) {
        Pause pause = paused.get(trigger.name());
        if (pause != null) {
          Decision decision = new Decision(trigger.name(), connection.name(), pending.contactId(),
              Optional.of(event.crmId()), Decision.Outcome.SUPPRESS, TRIGGER_PAUSED, "trigger '" + trigger.name()
              + "' paused by " + pause.by() + " since " + pause.since(), Optional.empty(), Optional.empty());
          outcomes.add(store(handle, decision, Optional.of(eventId), contact.get().accountId(), trigger, now,
              rows, history::created));
          continue;
        }
        Decision decision = evaluator.evaluate(trigger, connection, config.fatigue(), config.sendWindow(),
            contact.get(), Optional.of(event), history, now);
        outcomes.add(store(handle, decision, Optional.of(eventId), contact.get().accountId(), trigger, now,
            rows, history::created));
      }
    }
    return Optional.of(outcomes);
  }

  /**
   * As {@link #planRelationship(String)} on {@code handle} at {@code now}, handing every decision to {@code
   * decided}. The contacts are streamed in keyset pages of {@link #CONTACT_PAGE} with their last surveys, so
   * that a pass holds a page of the base and the day's picks, never the whole base. A pass that finds the day's
   * plan settled ({@link #settled}) does not walk the base at all.
   */
  Result planRelationship(Handle handle, String connection, Instant now, Consumer<Outcome> decided) {
    ConnectionConfig connectionConfig = connection(connection);
    Map<String, Pause> paused = stores.triggerPauses().paused(handle);
    // a paused relationship trigger decides nothing: its contacts stay due and are planned once it resumes
    List<TriggerConfig> triggers = config.triggers().stream()
        .filter(trigger -> trigger.on() == TriggerType.RELATIONSHIP && applies(trigger, connection)
            && !paused.containsKey(trigger.name())).toList();
    if (triggers.isEmpty()) {
      return Result.EMPTY;
    }
    // the walk's page query looks each contact's surveys up by index: only with current statistics (PostgreSQL)
    Statistics.refresh(handle, PASS_TABLES);
    Instant dayStart = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    Tally tally = new Tally();
    Optional<Instant> nextDue = Optional.empty();
    boolean perPerson = config.fatigue().scope() == FatigueConfig.Scope.PERSON;
    for (TriggerConfig trigger : triggers) {
      int plannedToday = stores.decisions().countSince(handle, connection, trigger.name(),
          Decision.Outcome.INVITE.name(), dayStart);
      String fingerprint = fingerprint(trigger, perPerson);
      Optional<DayPlan> kept = plans.find(handle, connection, trigger.name())
          .filter(plan -> plan.dayStart().equals(dayStart) && plan.fingerprint().equals(fingerprint));
      if (kept.isPresent() && settled(handle, kept.get(), plannedToday, now)) {
        nextDue = Result.earliest(nextDue, kept.get().nextDue().filter(now::isBefore));
        continue;
      }
      Set<String> decidedToday = stores.decisions().contactsSince(handle, connection, trigger.name(), dayStart);
      Iterable<RelationshipPlanner.Candidate> candidates = () -> new Candidates(handle, connection, perPerson,
          decidedToday);
      int[] invited = {0};
      DecisionBatch batch = new DecisionBatch(handle, outcome -> {
        schedule(outcome);
        tally.add(outcome);
        decided.accept(outcome);
      });
      RelationshipPlanner.Plan plan;
      try {
        plan = planner.plan(trigger, connection, candidates, new StoreSurveyHistory(stores, handle), plannedToday, now,
            contact -> {
              Outcome outcome = batch.add(h -> {
                Decision decision = evaluator.evaluate(trigger, connectionConfig, config.fatigue(),
                    config.sendWindow(), contact, Optional.empty(), new StoreSurveyHistory(stores, h), now);
                PageRows rows = new PageRows();
                var stored = store(h, decision, Optional.empty(), contact.accountId(), trigger, now, rows,
                    (invitation, id) -> { });
                rows.write(h);
                return stored.get();
              });
              invited[0] += outcome.decision().invites() ? 1 : 0;
              return outcome.decision().invites();
            });
        batch.commit();
      } catch (RuntimeException e) {
        batch.abandon();
        throw e;
      }
      handle.useTransaction(h -> plans.save(h, new DayPlan(connection, trigger.name(), dayStart, fingerprint,
          plan.quota() + plannedToday, plan.later(), plan.nextDue(), now)));
      nextDue = Result.earliest(nextDue, plan.nextDue());
      if (!plan.chosen().isEmpty()) {
        LOG.info("{}: relationship trigger '{}' decided on {} of {} due contacts today, {} invited ({} left for "
            + "later)", connection, trigger.name(), plan.chosen().size(), plan.due(), invited[0], plan.later());
      }
    }
    return tally.result(0, nextDue);
  }

  /**
   * The decisions of a relationship plan, committed {@value #PLAN_BATCH} at a time (a decision, the invitation it
   * makes and nothing else in between may be lost to a crash, and a crash repeats them: the invitation's key is
   * the contact's and the day's), each handed on once its batch is committed: its send is scheduled only then.
   * One commit per contact made a PostgreSQL plan wait for a disk flush per contact. Inside a transaction the
   * caller opened (simulate's), every decision is handed on at once and nothing is committed.
   */
  private static final class DecisionBatch {
    private final Handle handle;
    private final boolean outer;
    private final Consumer<Outcome> committed;
    private final List<Outcome> waiting = new ArrayList<>();

    DecisionBatch(Handle handle, Consumer<Outcome> committed) {
      this.handle = handle;
      this.outer = handle.isInTransaction();
      this.committed = committed;
    }

    Outcome add(java.util.function.Function<Handle, Outcome> decide) {
      if (!outer && !handle.isInTransaction()) {
        handle.begin();
      }
      Outcome outcome = decide.apply(handle);
      waiting.add(outcome);
      if (outer || waiting.size() >= PLAN_BATCH) {
        commit();
      }
      return outcome;
    }

    void commit() {
      if (!outer && handle.isInTransaction()) {
        handle.commit();
      }
      List<Outcome> done = List.copyOf(waiting);
      waiting.clear();
      done.forEach(committed);
    }

    /** Something failed: the open batch is rolled back, and none of its decisions is handed on. */
    void abandon() {
      waiting.clear();
      if (!outer && handle.isInTransaction()) {
        handle.rollback();
      }
    }
  }

  /**
   * Whether the day's plan a pass left still holds, so that walking the base again could plan nothing: the day's
   * quota is planned, or the pass left no due contact, none has come due since ({@code nextDue}) and nothing that
   * makes a contact due changed (a contact stored, an invitation suppressed or failed). The day's quota is the one
   * its first plan computed: contacts stored once it is planned count towards the next day's.
   */
  private boolean settled(Handle handle, DayPlan plan, int plannedToday, Instant now) {
    if (plannedToday >= plan.quota()) {
      return true;
    }
    return plan.dueLeft() == 0 && plan.nextDue().map(now::isBefore).orElse(true)
        && !plans.changedSince(handle, plan.connection(), plan.plannedAt());
  }

  /** The settings a day's plan depends on, as a digest: another configuration plans the day again. */
  private String fingerprint(TriggerConfig trigger, boolean perPerson) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest((trigger + "|" + perPerson + "|"
          + config.fatigue()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * The relationship candidates of a connection, read a keyset page at a time: the page's contacts, less those
   * the trigger decided on today, each with its last survey (a query over the page's CRM id range).
   */
  private final class Candidates implements java.util.Iterator<RelationshipPlanner.Candidate> {
    private final Handle handle;
    private final String connection;
    private final boolean perPerson;
    private final Set<String> decidedToday;
    private final java.util.ArrayDeque<RelationshipPlanner.Candidate> page = new java.util.ArrayDeque<>();
    private Optional<String> after = Optional.empty();
    private boolean exhausted;

    Candidates(Handle handle, String connection, boolean perPerson, Set<String> decidedToday) {
      this.handle = handle;
      this.connection = connection;
      this.perPerson = perPerson;
      this.decidedToday = decidedToday;
    }

    @Override
    public boolean hasNext() {
      while (page.isEmpty() && !exhausted) {
        List<ContactRepository.Surveyed> contacts = stores.contacts().surveyedPage(handle, connection, perPerson,
            after, CONTACT_PAGE);
        exhausted = contacts.size() < CONTACT_PAGE;
        if (contacts.isEmpty()) {
          break;
        }
        after = Optional.of(contacts.get(contacts.size() - 1).contact().crmId());
        for (ContactRepository.Surveyed surveyed : contacts) {
          if (!decidedToday.contains(surveyed.contact().crmId())) {
            page.add(new RelationshipPlanner.Candidate(surveyed.contact(), surveyed.lastSurveyedAt()));
          }
        }
      }
      return !page.isEmpty();
    }

    @Override
    public RelationshipPlanner.Candidate next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return page.poll();
    }
  }

  /**
   * Schedules the send of every invitation that is waiting without a send task (after a crash). The waiting
   * invitations are read a keyset page at a time, and each page's tasks are looked up by key: the cost is that of
   * the waiting invitations, whatever the size of the store.
   */
  int reconcile(String connection) {
    int orphans = 0;
    for (InvitationState state : List.of(InvitationState.SCHEDULED, InvitationState.SENDING)) {
      long after = 0;
      while (true) {
        List<InvitationRepository.Waiting> page = stores.invitations().waitingPage(connection, state, after, PAGE);
        Set<Long> scheduled = stores.invitations().withTask(DbScheduler.SEND,
            page.stream().map(InvitationRepository.Waiting::id).toList());
        Map<Long, Instant> sends = new java.util.LinkedHashMap<>();
        for (InvitationRepository.Waiting waiting : page) {
          if (!scheduled.contains(waiting.id())) {
            sends.put(waiting.id(), waiting.sendAt());
          }
        }
        scheduling.sends(sends);
        orphans += sends.size();
        if (page.size() < PAGE) {
          break;
        }
        after = page.get(page.size() - 1).id();
      }
    }
    if (orphans > 0) {
      LOG.warn("{}: scheduled {} invitations whose send was not scheduled (an earlier process stopped)", connection,
          orphans);
    }
    return orphans;
  }

  /**
   * Makes the invitation a decision asks for (in the page's batch, when {@code rows} has one), tells {@code made}
   * of it when it is a new row, and adds the decision (and the invitation's history entry) to {@code rows}, to be
   * written before the transaction commits. The outcome is complete once {@code rows} are written: a new
   * invitation's id is known then.
   */
  private Supplier<Outcome> store(Handle handle, Decision decision, Optional<Long> eventId,
      Optional<String> accountId, TriggerConfig trigger, Instant now, PageRows rows,
      java.util.function.BiConsumer<NewInvitation, LongSupplier> made) {
    if (!decision.invites()) {
      Outcome outcome = new Outcome(decision, decision.collapsedInto());
      rows.decisions.add(() -> stored(decision, eventId, now, outcome.invitationId()));
      return () -> outcome;
    }
    String key = eventId.map(id -> eventKey(id, decision.contactId()))
        .orElseGet(() -> "relationship:" + decision.contactId() + ":" + LocalDate.ofInstant(now, ZoneOffset.UTC));
    NewInvitation invitation = new NewInvitation(decision.connection(), decision.trigger(), key,
        decision.contactId(), accountId, eventId, trigger.channel(), decision.sendAt().orElseThrow());
    LongSupplier id;
    boolean created;
    if (rows.batch != null) {
      InvitationRepository.Batch.Made batched = rows.batch.add(invitation);
      id = batched::id;
      created = batched.created();
    } else {
      InvitationRepository.Created one = stores.invitations().create(handle, invitation, now, rows.history::add);
      id = one::id;
      created = one.created();
    }
    if (created) {
      made.accept(invitation, id);
    }
    rows.decisions.add(() -> stored(decision, eventId, now, Optional.of(id.getAsLong())));
    return () -> new Outcome(decision, Optional.of(id.getAsLong()));
  }

  private static StoredDecision stored(Decision decision, Optional<Long> eventId, Instant now,
      Optional<Long> invitationId) {
    return new StoredDecision(decision.connection(), decision.contactId(), decision.trigger(), eventId, now,
        decision.outcome().name(), decision.rule(), decision.reason(), invitationId);
  }

  /**
   * The rows decisions write besides their invitations: the decisions and the new invitations' history entries,
   * gathered and written in one batched statement each ({@link #write}) in the transaction that made them, and,
   * in a trigger pass's page, the invitations themselves ({@link #batch}).
   */
  private final class PageRows {
    private final List<Supplier<StoredDecision>> decisions = new ArrayList<>();
    private final List<InvitationRepository.HistoryEntry> history = new ArrayList<>();
    /** The page's invitations, inserted together; null: each is inserted as it is made. */
    private InvitationRepository.Batch batch;

    void write(Handle handle) {
      if (batch != null) {
        batch.flush();
      }
      stores.invitations().recordAll(handle, history);
      stores.decisions().insertAll(handle, decisions.stream().map(Supplier::get).toList());
      history.clear();
      decisions.clear();
    }
  }

  /** Schedules the sends of a page's invitations, in one batch. */
  private void scheduleAll(List<Outcome> outcomes) {
    Map<Long, Instant> sends = new java.util.LinkedHashMap<>();
    for (Outcome outcome : outcomes) {
      if (outcome.decision().invites()) {
        sends.put(outcome.invitationId().orElseThrow(), outcome.decision().sendAt().orElseThrow());
      }
    }
    scheduling.sends(sends);
  }

  private void schedule(Outcome outcome) {
    if (outcome.decision().invites()) {
      scheduling.send(outcome.invitationId().orElseThrow(), outcome.decision().sendAt().orElseThrow());
    }
  }

  private ConnectionConfig connection(String name) {
    return config.connection(name)
        .orElseThrow(() -> new IllegalArgumentException("no connection named '" + name + "' in the configuration"));
  }

  static boolean applies(TriggerConfig trigger, String connection) {
    return trigger.enabled() && (trigger.connections().isEmpty() || trigger.connections().contains(connection));
  }
}
