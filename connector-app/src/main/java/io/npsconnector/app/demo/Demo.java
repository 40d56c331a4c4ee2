package io.npsconnector.app.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.npsconnector.app.service.Composition;
import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.app.service.Lifecycle;
import io.npsconnector.app.service.Service;
import io.npsconnector.app.web.CapturedMails;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.stats.NpsTally;
import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.ContactRepository;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.EventRepository;
import io.npsconnector.core.store.DecisionRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.ReportRepository;
import io.npsconnector.core.store.WritebackRepository;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import jakarta.mail.internet.MimeMessage;

/**
 * The whole product on one machine: both CRM sandboxes, an embedded SMTP server that captures every mail,
 * the real service (store under {@code data/demo}, scheduler, survey pages, dashboard), and simulated
 * respondents who answer a realistic share of the mails through the real survey pages over HTTP.
 *
 * <p>It plays six months of history: one clock (the {@link DemoClock}) is shared by the sandboxes and the
 * service and starts {@link #HISTORY} in the past; each round, new purchases and tickets happen in the CRMs,
 * the engine syncs, triggers and sends, respondents answer and the answers are written back, and the clock
 * moves on until it is the real time again, when the dashboard starts serving. It runs on the configuration
 * it writes to {@code DATA/demo.yaml} and leaves the answers in {@code DATA/answers.csv}; a lock on
 * {@code DATA/demo.lock} keeps a second demo off the same folder.
 */
public final class Demo implements AutoCloseable {
  static final String HUBSPOT = "hubspot-demo";
  static final String SALESFORCE = "salesforce-demo";
  /** Survey page requests a minute from the respondents' one address: more than a demo ever makes. */
  static final int RESPONDENT_REQUESTS_PER_MINUTE = 100_000;

  /** How far back the demo's history starts. */
  static final Duration HISTORY = Duration.ofDays(182);
  /** The configuration the demo runs on, written to its data folder. */
  public static final String CONFIG_FILE = "demo.yaml";
  /** The demo's answers as a CSV for {@code report --responses}, written to its data folder. */
  public static final String ANSWERS_FILE = "answers.csv";

  /**
   * What to run.
   *
   * @param port the dashboard's port; the HubSpot sandbox listens on the next one, the Salesforce sandbox on the
   *     one after and the SMTP server on the third (0: every one on any free port)
   * @param newEventsPerCrm purchases and closed tickets each CRM gets in each round
   * @param rounds how many rounds the history ({@link #HISTORY}) is played in, the last one now
   * @param environment what the configuration's {@code ${NPS_DEMO_...}} references resolve from (empty: every
   *     demo default)
   */
  public record Options(Path dataDir, int port, long seed, int contactsPerCrm, int newEventsPerCrm,
      double answerShare, int rounds, Map<String, String> environment) {
    public Options {
      if (rounds < 1) {
        throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
      }
      environment = Map.copyOf(environment);
    }

    /** Monthly rounds over six months, ignoring the process environment. */
    public static Options defaults(Path dataDir, int port) {
      return new Options(dataDir, port, 42, 300, 30, 0.6, 6, Map.of());
    }

    /** The same, resolving the configuration's {@code ${NPS_DEMO_...}} references from {@code environment}. */
    public Options withEnvironment(Map<String, String> environment) {
      return new Options(dataDir, port, seed, contactsPerCrm, newEventsPerCrm, answerShare, rounds, environment);
    }

    private Options withPort(int port) {
      return new Options(dataDir, port, seed, contactsPerCrm, newEventsPerCrm, answerShare, rounds, environment);
    }

    /** The port of the part {@code offset} places after the dashboard's, or 0 (any free one) without a port. */
    private int portAfter(int offset, boolean any) {
      return any ? 0 : port + offset;
    }
  }

  private final Options options;
  private final DemoClock clock = DemoClock.behind(HISTORY);
  private final DemoFolder folder;
  /** Owns the sandboxes, the mail server and everything the service opens; closes them newest first. */
  private final Lifecycle lifecycle = new Lifecycle();
  private final Composition composition;
  private final HubSpotSandbox hubspot;
  private final SalesforceSandbox salesforce;
  private final GreenMail smtp;
  private final SmtpCapture captured;
  private final Service service;
  private final NpsConfig config;
  private final Database database;
  private final long startedNanos = System.nanoTime();
  /** Per connection, the fewest owner look-ups the alerts needed: the distinct owners of each delivery run. */
  private final Map<String, Integer> ownerLookups = new LinkedHashMap<>();
  /** The Message-IDs of the mails the respondents have had. */
  private final java.util.Set<String> seenMails = new java.util.HashSet<>();

  private Demo(Options requested, java.util.function.Consumer<String> progress) throws IOException {
    Options options = requested;
    boolean anyPorts = options.port() == 0;
    if (anyPorts) { // any free port: the survey links must name the real one
      try (java.net.ServerSocket free = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
        options = options.withPort(free.getLocalPort());
      }
    }
    this.options = options;
    folder = DemoFolder.lock(options.dataDir());
    try {
      Path store = options.dataDir().resolve("store");
      if (clearStore(store)) { // each demo starts from freshly seeded CRMs: so does its store
        progress.accept("removed the previous demo's store, " + store);
      }
      hubspot = HubSpotSandbox.seeded(options.seed(), options.contactsPerCrm(), clock)
          .port(options.portAfter(1, anyPorts));
      salesforce = SalesforceSandbox.seeded(options.seed() + 1, options.contactsPerCrm(), clock)
          .port(options.portAfter(2, anyPorts));
      smtp = new GreenMail(new ServerSetup(options.portAfter(3, anyPorts), "127.0.0.1", "smtp"));
      captured = new SmtpCapture(smtp);
    } catch (IOException | RuntimeException e) {
      folder.close();
      throw e;
    }
    lifecycle.own("demo folder lock", folder);
    try {
      String hubspotUrl = listening("HubSpot sandbox", options.portAfter(1, anyPorts),
          () -> lifecycle.own("HubSpot sandbox", hubspot).start());
      String salesforceUrl = listening("Salesforce sandbox", options.portAfter(2, anyPorts),
          () -> lifecycle.own("Salesforce sandbox", salesforce).start());
      listening("SMTP server", options.portAfter(3, anyPorts), () -> {
        lifecycle.start("SMTP server", smtp::start, smtp::stop);
        return "";
      });
      Path configFile = options.dataDir().resolve(CONFIG_FILE);
      Files.writeString(configFile, configuration(options.dataDir(), options.port(), hubspotUrl, salesforceUrl,
          smtp.getSmtp().getPort()));
      config = ConfigLoader.load(configFile, options.environment());
      // every simulated respondent answers from this machine's one address, which the per-client limit of the
      // survey pages would otherwise throttle by the wall clock's minute: the same run must give the same answers
      Service.Options listen = Service.Options.of(config).withPort("127.0.0.1", options.port()).withoutScheduler()
          .withSurveyRequestsPerMinute(RESPONDENT_REQUESTS_PER_MINUTE);
      composition = Composition.of(lifecycle, config, binder -> {
        binder.bind(Service.Options.class).toInstance(listen);
        binder.bind(java.time.Clock.class).toInstance(clock);
        binder.bind(CapturedMails.class).toInstance(captured); // the dashboard shows them
      });
      service = Service.start(composition);
      database = service.database();
    } catch (IOException | RuntimeException e) {
      lifecycle.close();
      throw e;
    }
  }

  /** Starts one part on its port; a port that is taken is named, with what to do about it. */
  private static String listening(String part, int port, java.util.function.Supplier<String> start) {
    try {
      return start.get();
    } catch (RuntimeException e) {
      throw new IllegalStateException("the " + part + " cannot listen on "
          + (port == 0 ? "a free port" : "port " + port + " (is another program using it? give the demo another "
          + "--port; its parts take the three ports after it)") + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the store an earlier demo left (only the demo's own directory); whether there was one. */
  private static boolean clearStore(Path store) throws IOException {
    if (!Files.isDirectory(store)) {
      return false;
    }
    try (var files = Files.walk(store)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
    return true;
  }

  /** Starts the sandboxes, the mail server and the service. */
  public static Demo start(Options options) throws IOException {
    return start(options, line -> { });
  }

  /** As {@link #start(Options)}, telling {@code progress} what it changed on disk. */
  public static Demo start(Options options, java.util.function.Consumer<String> progress) throws IOException {
    return new Demo(options, progress);
  }

  /**
   * Plays the history: installs the fields, backfills both CRMs, then round by round new events happen, are
   * synced, surveyed and answered, and the answers written back, until the clock is the real time; the figures.
   */
  public DemoReport run(java.util.function.Consumer<String> progress) throws Exception {
    Engine engine = service.engine();
    Instant historyStart = clock.instant();
    progress.accept("installing the NPS properties in the HubSpot sandbox ...");
    Map<String, Integer> before = hubspot.calls();
    composition.get(CrmAdapters.class).open(config.connection(HUBSPOT).orElseThrow()).installFields();
    Map<String, Integer> installCalls = new LinkedHashMap<>();
    hubspot.calls().forEach((operation, count) -> {
      int made = count - before.getOrDefault(operation, 0);
      if (made > 0) {
        installCalls.put(operation, made);
      }
    });
    Map<String, List<int[]>> passes = new LinkedHashMap<>(); // per pass: contacts, purchase events, support events
    progress.accept("first sync of both CRMs, " + DATE.format(historyStart)
        + " (a backfill: old events are too old to survey) ...");
    for (String connection : List.of(HUBSPOT, SALESFORCE)) {
      passes.put(connection, new ArrayList<>());
      sync(engine, connection, passes.get(connection));
    }
    Map<String, List<Map<String, Integer>>> flushes = new LinkedHashMap<>(); // per flush: records pending by kind
    int mails = survey(engine, 0, flushes, progress); // the backfill's recent events are surveyed at once
    progress.accept("six months of purchases and closed tickets, in " + options.rounds()
        + " rounds: synced, surveyed, answered through the survey pages and written back ...");
    Duration step = HISTORY.dividedBy(options.rounds());
    FollowUpWork reps = new FollowUpWork(hubspot, salesforce, options.seed());
    for (int round = 1; round <= options.rounds(); round++) {
      Duration behind = step.multipliedBy(options.rounds() - round);
      reps.workUntil(clock, behind.plus(Duration.ofHours(1))); // read back by this round's sync
      // the events happen an hour before the round's sync, after the last pass's window
      clock.setBehind(behind.plus(Duration.ofHours(1)));
      hubspot.addEventsNow(options.newEventsPerCrm());
      salesforce.addEventsNow(options.newEventsPerCrm());
      clock.setBehind(behind);
      for (String connection : List.of(HUBSPOT, SALESFORCE)) {
        sync(engine, connection, passes.get(connection));
      }
      mails += survey(engine, round, flushes, progress);
    }
    Path emlFolder = options.dataDir().resolve("mails");
    int written = captured.writeEml(emlFolder);
    long alertMails = capturedMails().stream().filter(SmtpCapture::isAlert).count();
    progress.accept(written + " mails captured (" + alertMails + " of them alerts to the contacts' owners): open them"
        + " on the dashboard (Mails), or as .eml files in " + emlFolder);
    Path answers = writeAnswers(historyStart);
    progress.accept("the configuration the demo runs on is " + options.dataDir().resolve(CONFIG_FILE)
        + "; its answers are in " + answers);
    return report(passes, flushes, installCalls, mails, historyStart);
  }

  /**
   * Sends what is due, lets the respondents answer the new mails through the survey pages and writes the answers
   * back (recording what each flush had to write); the number of mails.
   */
  private int survey(Engine engine, int round, Map<String, List<Map<String, Integer>>> flushes,
      java.util.function.Consumer<String> progress) throws Exception {
    send(engine);
    // the mail server lists its messages by mailbox, not by arrival: the new ones are those not seen yet
    List<MimeMessage> added = new ArrayList<>();
    for (MimeMessage mail : smtp.getReceivedMessages()) {
      if (seenMails.add(mail.getMessageID()) && !SmtpCapture.isAlert(mail)) { // the owners' alerts are no surveys
        added.add(mail);
      }
    }
    // in every round but the last (which is now) some respondents click and leave: their grace period passes
    boolean graceCanPass = round < options.rounds();
    List<Respondents.Outcome> outcomes = new Respondents(URI.create("http://127.0.0.1:" + service.port()),
        options.answerShare(), options.seed() + round, graceCanPass).respond(added);
    long answered = outcomes.stream().filter(Respondents.Outcome::answered).count();
    long left = outcomes.stream().filter(outcome -> outcome.way() == Respondents.Way.LEFT).count();
    if (graceCanPass) {
      answered += confirmAfterGrace(engine);
    }
    int alerts = deliverAlerts(engine);
    progress.accept(String.format(java.util.Locale.ROOT, "  %s: %d mails, %d answers (%d by one click, %d of them "
        + "confirmed by the grace period), alerts sent: %d", DATE.format(clock.instant()), added.size(), answered,
        outcomes.stream().filter(outcome -> outcome.answered() && outcome.way() == Respondents.Way.GESTURE).count()
            + left, left, alerts));
    for (String connection : List.of(HUBSPOT, SALESFORCE)) {
      flushes.computeIfAbsent(connection, key -> new ArrayList<>())
          .add(new WritebackRepository(database.jdbi()).pendingByKind(connection));
      engine.flushWritebacks(connection);
    }
    return added.size();
  }

  /**
   * Lets the one-click grace period pass on the demo's clock, then confirms every score still provisional, as the
   * scheduler does at the end of the grace period; how many became answers.
   */
  private int confirmAfterGrace(Engine engine) {
    List<Long> open = new io.npsconnector.core.store.ProvisionalScoreRepository(database.jdbi()).openInvitations();
    if (open.isEmpty()) {
      return 0;
    }
    Duration behind = Duration.between(clock.instant(), Instant.now());
    clock.setBehind(behind.minus(config.server().oneClickGrace()).minus(Duration.ofMinutes(1)));
    int confirmed = 0;
    for (long invitation : open) {
      if (engine.confirmDueScore(invitation).isEmpty()
          && new AnswerRepository(database.jdbi()).forInvitation(invitation).isPresent()) {
        confirmed++;
      }
    }
    return confirmed;
  }

  /** Sends every alert that is due (the scheduler would within 10 s); how many were sent. */
  private int deliverAlerts(Engine engine) {
    Map<String, java.util.Set<String>> owners = new LinkedHashMap<>();
    ContactRepository contacts = new ContactRepository(database.jdbi());
    for (io.npsconnector.core.store.AlertRepository.Alert alert
        : new io.npsconnector.core.store.AlertRepository(database.jdbi()).due(clock.instant(), Integer.MAX_VALUE)) {
      if (alert.destination().equals("owner-mail")) { // the owner's address is looked up once per owner and run
        contacts.find(alert.connection(), alert.contactId()).flatMap(contact -> contact.ownerId())
            .ifPresent(owner -> owners.computeIfAbsent(alert.connection(), key -> new java.util.HashSet<>()).add(owner));
      }
    }
    owners.forEach((connection, distinct) -> ownerLookups.merge(connection, distinct.size(), Integer::sum));
    int sent = 0;
    Engine.AlertReport run;
    do {
      run = engine.deliverAlerts();
      sent += run.sent();
    } while (run.sent() + run.failed() > 0);
    return sent;
  }

  /** The first HubSpot contact who answered (oldest answer first): one whose story {@code explain} tells in full. */
  public Optional<String> answeredContact() {
    return new ReportRepository(database.jdbi()).answers(Instant.EPOCH).stream()
        .filter(row -> row.connection().equals(HUBSPOT)).findFirst()
        .map(row -> row.connection() + ":" + row.contactId());
  }

  private static final java.time.format.DateTimeFormatter DATE = java.time.format.DateTimeFormatter.ISO_LOCAL_DATE
      .withZone(java.time.ZoneOffset.UTC);

  /** Sends every invitation that is due by the demo's clock. */
  private void send(Engine engine) {
    InvitationRepository invitations = new InvitationRepository(database.jdbi());
    for (String connection : List.of(HUBSPOT, SALESFORCE)) {
      for (Invitation invitation : invitations.inStates(connection, InvitationState.SCHEDULED)) {
        if (!invitation.sendAt().isAfter(clock.instant())) {
          engine.send(invitation.id());
        }
      }
    }
  }

  /** Writes every answer since {@code since} as a CSV {@code report --responses} reads; returns the file. */
  private Path writeAnswers(Instant since) throws IOException {
    List<ReportRepository.AnswerRow> rows = new ReportRepository(database.jdbi()).answers(since);
    java.util.SortedSet<String> segments = new java.util.TreeSet<>();
    rows.forEach(row -> segments.addAll(row.segments().keySet()));
    StringBuilder csv = new StringBuilder("answered_at,score,contact,trigger,channel");
    segments.forEach(segment -> csv.append(',').append(AnswersCsv.field(segment)));
    csv.append(",comment\n");
    for (ReportRepository.AnswerRow row : rows) {
      List<String> fields = new ArrayList<>(List.of(row.answeredAt().toString(), Integer.toString(row.score()),
          row.connection() + ":" + row.contactId(), row.trigger(), row.channel()));
      segments.forEach(segment -> fields.add(row.segments().getOrDefault(segment, "")));
      fields.add(row.comment().orElse(""));
      csv.append(AnswersCsv.line(fields));
    }
    Path file = options.dataDir().resolve(ANSWERS_FILE);
    Files.writeString(file, csv);
    return file;
  }

  /** One sync pass; records what it read per object. */
  private void sync(Engine engine, String connection, List<int[]> passes) {
    EventRepository events = new EventRepository(database.jdbi());
    Map<String, Integer> before = events.countByKind(connection);
    int followUps = (int) engine.followUps().due(connection, Engine.FOLLOW_UPS_READ_PER_SYNC).stream()
        .filter(task -> !task.request().closed()).count(); // the tasks this sync reads back
    Engine.SyncReport report = engine.syncAndTrigger(connection);
    Map<String, Integer> after = events.countByKind(connection);
    passes.add(new int[] {report.contacts(), after.getOrDefault("PURCHASE", 0) - before.getOrDefault("PURCHASE", 0),
        after.getOrDefault("SUPPORT", 0) - before.getOrDefault("SUPPORT", 0), followUps});
  }

  /**
   * The fewest calls that could have done the demo's work: per pass and object one search or query per full
   * page (and one per object even when nothing changed), an association read per page of deals or tickets,
   * the pipelines once a pass, and per flush one write per batch the CRM allows (HubSpot 100, Salesforce 200;
   * Salesforce's tasks by upsert on their key), and per alert run one look-up of each owner mailed.
   */
  static Map<String, Integer> lowerBounds(boolean isHubSpot, List<int[]> passes, List<Map<String, Integer>> flushes,
      Map<String, Integer> installCalls, int ownerLookups) {
    Map<String, Integer> bounds = new LinkedHashMap<>(reads(isHubSpot, passes, installCalls));
    // the alerts' owner addresses: HubSpot's owners API, Salesforce's User by a query
    bounds.merge(isHubSpot ? "owner" : "query", ownerLookups, Integer::sum);
    for (Map<String, Integer> written : flushes) {
      writes(isHubSpot, written).forEach((operation, calls) -> bounds.merge(operation, calls, Integer::sum));
    }
    bounds.values().removeIf(count -> count == 0);
    return bounds;
  }

  private static Map<String, Integer> reads(boolean isHubSpot, List<int[]> passes, Map<String, Integer> installCalls) {
    Map<String, Integer> bounds = new LinkedHashMap<>(installCalls);
    if (isHubSpot) {
      for (int[] pass : passes) {
        bounds.merge("search contacts", pages(pass[0], 200), Integer::sum);
        bounds.merge("search deals", pages(pass[1], 200), Integer::sum);
        bounds.merge("search tickets", pages(pass[2], 200), Integer::sum);
        bounds.merge("read associations deals to contacts", pass[1] == 0 ? 0 : pages(pass[1], 200), Integer::sum);
        bounds.merge("read associations tickets to contacts", pass[2] == 0 ? 0 : pages(pass[2], 200),
            Integer::sum);
        bounds.merge("batch read tasks", batches(pass[3], 100), Integer::sum); // follow-ups read back
      }
      // the pipelines once per pass: the demo's passes lie days apart, longer than the adapter trusts them
      bounds.put("pipelines deals", passes.size());
      bounds.put("pipelines tickets", passes.size());
    } else {
      for (int i = 0; i < passes.size(); i++) {
        int[] pass = passes.get(i);
        bounds.merge("queryAll", 1, Integer::sum);
        bounds.merge("queryMore", pages(pass[0], 2000) - 1, Integer::sum);
        // opportunities and cases each pass; contact roles from the second pass on
        bounds.merge("query", pages(pass[1], 2000) + pages(pass[2], 2000) + (i == 0 ? 0 : 1), Integer::sum);
        bounds.merge("queryAll", batches(pass[3], 2000), Integer::sum); // follow-ups read back, 2,000 rows a page
      }
    }
    return bounds;
  }

  private static Map<String, Integer> writes(boolean isHubSpot, Map<String, Integer> written) {
    Map<String, Integer> bounds = new LinkedHashMap<>();
    if (isHubSpot) {
      bounds.put("batch update contacts", batches(written.get("CONTACT_NPS"), 100));
      bounds.put("batch update companies", batches(written.get("ACCOUNT_NPS"), 100));
      bounds.put("batch create tasks", batches(written.get("FOLLOW_UP_TASK"), 100));
      bounds.put("batch create notes", batches(written.get("TIMELINE_ACTIVITY"), 100));
    } else {
      bounds.put("update", batches(written.get("CONTACT_NPS"), 200) + batches(written.get("ACCOUNT_NPS"), 200));
      // tasks and timeline entries are Tasks; each answer is also an NPS Response record, a call of its own
      bounds.put("upsert", batches(written.get("FOLLOW_UP_TASK"), 200) + batches(written.get("TIMELINE_ACTIVITY"),
          200) + batches(written.getOrDefault("RESPONSE", 0), 200));
    }
    return bounds;
  }

  private static int pages(int records, int pageSize) {
    return Math.max(1, (records + pageSize - 1) / pageSize);
  }

  private static int batches(Integer records, int batchSize) {
    return records == null ? 0 : (records + batchSize - 1) / batchSize;
  }

  private DemoReport report(Map<String, List<int[]>> passes, Map<String, List<Map<String, Integer>>> written,
      Map<String, Integer> installCalls, int mails, Instant historyStart) {
    InvitationRepository invitations = new InvitationRepository(database.jdbi());
    DecisionRepository decisions = new DecisionRepository(database.jdbi());
    AnswerRepository answers = new AnswerRepository(database.jdbi());
    WritebackRepository writebacks = new WritebackRepository(database.jdbi());
    ContactRepository contacts = new ContactRepository(database.jdbi());
    EventRepository events = new EventRepository(database.jdbi());
    List<DemoReport.Crm> crms = new ArrayList<>();
    for (String connection : List.of(HUBSPOT, SALESFORCE)) {
      boolean isHubSpot = connection.equals(HUBSPOT);
      int sent = (int) invitations.inStates(connection, InvitationState.values()).stream()
          .filter(invitation -> invitation.sentAt().isPresent()).count();
      Map<String, Integer> calls = new java.util.TreeMap<>(isHubSpot ? hubspot.calls() : salesforce.calls());
      calls.values().removeIf(count -> count == 0);
      crms.add(new DemoReport.Crm(connection, isHubSpot ? "hubspot" : "salesforce", contacts.count(connection),
          events.count(connection), sent, decisions.suppressionsByRule(connection), answers.count(connection),
          writebacks.countByState(connection).getOrDefault("DONE", 0),
          isHubSpot ? hubspot.tasks().size() : salesforce.tasks().size(), calls,
          new java.util.TreeMap<>(lowerBounds(isHubSpot, passes.get(connection), written.get(connection),
              isHubSpot ? installCalls : Map.of(), ownerLookups.getOrDefault(connection, 0)))));
    }
    List<Integer> scores = new ReportRepository(database.jdbi()).answers(historyStart).stream()
        .map(ReportRepository.AnswerRow::score).toList();
    NpsTally tally = NpsTally.of(scores.stream().map(Score::of).toList());
    return new DemoReport(crms, tally.n(), tally.nps().isPresent() ? tally.nps().getAsDouble() : null,
        tally.ci95().map(ci -> ci.low()).orElse(null), tally.ci95().map(ci -> ci.high()).orElse(null), mails,
        Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds(), answersBy(historyStart), alertsSent(),
        alertsFailed(), followUps());
  }

  /** The answers since {@code since} by how they were first confirmed, as the engine counts them. */
  private Map<String, Integer> answersBy(Instant since) {
    Map<String, Integer> by = new LinkedHashMap<>();
    service.engine().answersByConfirmation(since).forEach((confirmation, count) -> by.put(confirmation.id(), count));
    return by;
  }

  /** The alerts the outbox has sent, by destination. */
  private Map<String, Integer> alertsSent() {
    Map<String, Integer> sent = new java.util.TreeMap<>();
    new io.npsconnector.core.store.AlertRepository(database.jdbi()).countByDestinationAndState()
        .forEach((key, count) -> {
          String[] destinationAndState = key.split("\\|");
          if (destinationAndState[1].equals("SENT")) {
            sent.put(destinationAndState[0], count);
          }
        });
    return sent;
  }

  private int alertsFailed() {
    return new io.npsconnector.core.store.AlertRepository(database.jdbi()).countByDestinationAndState().entrySet()
        .stream().filter(entry -> entry.getKey().endsWith("|FAILED")).mapToInt(Map.Entry::getValue).sum();
  }

  /** The follow-ups as read back from the CRMs, counted as the dashboard's follow-up inbox counts them. */
  private DemoReport.FollowUps followUps() {
    io.npsconnector.app.web.FollowUpPage.Group all = io.npsconnector.app.web.FollowUpPage.group("all",
        service.engine().followUps().all(), java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC));
    return new DemoReport.FollowUps(all.n(), all.completed(), all.open(), all.overdue(), all.deleted(),
        all.closeRate(), all.medianTimeToClose());
  }

  public int port() {
    return service.port();
  }

  /** The HubSpot sandbox, for checks of what the demo wrote. */
  public HubSpotSandbox hubspot() {
    return hubspot;
  }

  public SalesforceSandbox salesforce() {
    return salesforce;
  }

  /** Every mail the demo's SMTP server captured: the surveys, then (by mailbox) the owners' alerts. */
  public List<MimeMessage> capturedMails() {
    return List.of(smtp.getReceivedMessages());
  }

  /** The store the demo ran on. */
  public Database database() {
    return database;
  }

  /** Closes the service, then the mail server and the sandboxes. */
  @Override
  public void close() {
    lifecycle.close();
  }

  /**
   * The demo's configuration: both sandboxes at their addresses, the mail server on {@code smtpPort}, the store
   * under {@code dataDir}, the survey pages on {@code port}.
   */
  public static String configuration(Path dataDir, int port, String hubspotUrl, String salesforceUrl,
      int smtpPort) {
    return """
        # Written by `nps-connector demo`: the configuration it runs on, with the ports its CRM sandboxes, mail
        # server and dashboard listen on while it serves. Use it with explain, simulate, check, validate-config.
        # Its secrets are demo-only defaults; NPS_DEMO_* variables override them only under `demo --use-env`
        # (and in the commands you run on this file). Never use these defaults in production.
        company: Acme Analytics
        store:
          type: h2
          path: %s
        server:
          port: %d
          public-url: http://localhost:%d
          token-secret: ${NPS_DEMO_TOKEN_SECRET:-demo-only-token-secret-0123456789abcdef}
          admin-password: ${NPS_DEMO_ADMIN_PASSWORD:-demo-admin}
        connections:
          - name: hubspot-demo
            type: hubspot
            credentials:
              token: ${NPS_DEMO_HUBSPOT_TOKEN:-%s}
            base-url: %s
            webhook-secret: ${NPS_DEMO_HUBSPOT_WEBHOOK_SECRET:-demo-only-webhook-secret}
            sync-interval: 1h
            time-zone: Europe/Berlin
            segments:
              industry: industry
              region: region
          - name: salesforce-demo
            type: salesforce
            auth: client-credentials
            credentials:
              client-id: %s
              client-secret: ${NPS_DEMO_SALESFORCE_CLIENT_SECRET:-%s}
            login-url: %s
            sync-interval: 1h
            window-lag: 0s
            time-zone: America/New_York
            fields:
              locale: Preferred_Language__c
              time-zone: Time_Zone__c
            segments:
              industry: Account.Industry
              region: MailingCountry
        channels:
          email:
            host: 127.0.0.1
            port: %d
            tls: none
            from: "Acme Analytics <nps@acme.example>"
        triggers:
          - name: post-purchase
            on: purchase
            delay: 0d
            max-event-age: 30d
          - name: post-ticket
            on: support
            delay: 0d
            max-event-age: 14d
        send-window:
          quiet-hours: none
          weekdays: [mon, tue, wed, thu, fri, sat, sun]
        fatigue:
          days: 60
        writeback:
          follow-up-tasks:
            detractor:
              subject: "NPS detractor: {name} scored {score}"
              due-in: 2d
              priority: high
        alerts:
          owner-mail:
            fallback: cx@example.com
            min-interval: 0s
        """.formatted(dataDir.resolve("store").resolve("npsconnector").toAbsolutePath().normalize()
            .toString().replace('\\', '/'),
        port, port, HubSpotSandbox.DEFAULT_TOKEN, hubspotUrl,
        SalesforceSandbox.DEFAULT_CLIENT_ID, SalesforceSandbox.DEFAULT_CLIENT_SECRET, salesforceUrl, smtpPort);
  }
}
