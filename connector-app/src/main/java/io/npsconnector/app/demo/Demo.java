package io.npsconnector.app.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 */
public final class Demo implements AutoCloseable {
  static final String HUBSPOT = "hubspot-demo";
  static final String SALESFORCE = "salesforce-demo";
  /** Survey page requests a minute from the respondents' one address: more than a demo ever makes. */
  static final int RESPONDENT_REQUESTS_PER_MINUTE = 100_000;

  /** What to run. */
  public record Options(Path dataDir, int port, long seed, int contactsPerCrm, int newEventsPerCrm,
      double answerShare) {
    public static Options defaults(Path dataDir, int port) {
      return new Options(dataDir, port, 42, 300, 40, 0.6);
    }
  }

  private final Options options;
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
  private final Instant started = Instant.now();

  private Demo(Options requested) throws IOException {
    Options options = requested;
    if (options.port() == 0) { // any free port: the survey links must name the real one
      try (java.net.ServerSocket free = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
        options = new Options(options.dataDir(), free.getLocalPort(), options.seed(), options.contactsPerCrm(),
            options.newEventsPerCrm(), options.answerShare());
      }
    }
    this.options = options;
    Files.createDirectories(options.dataDir());
    clearStore(options.dataDir().resolve("store")); // each demo starts from empty CRMs: so does its store
    hubspot = HubSpotSandbox.seeded(options.seed(), options.contactsPerCrm());
    salesforce = SalesforceSandbox.seeded(options.seed() + 1, options.contactsPerCrm());
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp"));
    captured = new SmtpCapture(smtp);
    try {
      String hubspotUrl = lifecycle.own("HubSpot sandbox", hubspot).start();
      String salesforceUrl = lifecycle.own("Salesforce sandbox", salesforce).start();
      lifecycle.start("SMTP server", smtp::start, smtp::stop);
      config = ConfigLoader.parse("demo configuration", yaml(hubspotUrl, salesforceUrl,
          smtp.getSmtp().getPort()), System.getenv());
      // every simulated respondent answers from this machine's one address, which the per-client limit of the
      // survey pages would otherwise throttle by the wall clock's minute: the same run must give the same answers
      Service.Options listen = Service.Options.of(config).withPort("127.0.0.1", options.port()).withoutScheduler()
          .withSurveyRequestsPerMinute(RESPONDENT_REQUESTS_PER_MINUTE);
      composition = Composition.of(lifecycle, config,
          binder -> binder.bind(Service.Options.class).toInstance(listen),
          binder -> binder.bind(CapturedMails.class).toInstance(captured)); // the dashboard shows them
      service = Service.start(composition);
      database = service.database();
    } catch (RuntimeException e) {
      lifecycle.close();
      throw e;
    }
  }

  /** Deletes the store an earlier demo left (only the demo's own directory). */
  private static void clearStore(Path store) throws IOException {
    if (!Files.isDirectory(store)) {
      return;
    }
    try (var files = Files.walk(store)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Starts the sandboxes, the mail server and the service. */
  public static Demo start(Options options) throws IOException {
    return new Demo(options);
  }

  /** Syncs, sends, lets the respondents answer, writes back; the figures. */
  public DemoReport run(java.util.function.Consumer<String> progress) throws Exception {
    Engine engine = service.engine();
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
    progress.accept("first sync of both CRMs (a backfill: old events are too old to survey) ...");
    for (String connection : List.of(HUBSPOT, SALESFORCE)) {
      passes.put(connection, new ArrayList<>());
      sync(engine, connection, passes.get(connection));
    }
    progress.accept("new purchases and closed tickets happen in both CRMs; syncing them ...");
    hubspot.addEventsNow(options.newEventsPerCrm());
    salesforce.addEventsNow(options.newEventsPerCrm());
    Thread.sleep(1_100); // the new events lie after the first pass's window
    for (String connection : List.of(HUBSPOT, SALESFORCE)) {
      sync(engine, connection, passes.get(connection));
    }
    progress.accept("sending the due invitations ...");
    InvitationRepository invitations = new InvitationRepository(database.jdbi());
    for (String connection : List.of(HUBSPOT, SALESFORCE)) {
      for (Invitation invitation : invitations.inStates(connection, InvitationState.SCHEDULED)) {
        if (!invitation.sendAt().isAfter(Instant.now())) {
          engine.send(invitation.id());
        }
      }
    }
    List<MimeMessage> mails = Arrays.asList(smtp.getReceivedMessages());
    Path emlFolder = options.dataDir().resolve("mails");
    captured.writeEml(emlFolder);
    progress.accept(mails.size() + " mails captured (open them on the dashboard, or as .eml files in " + emlFolder
        + "); simulated respondents answer through the survey pages ...");
    new Respondents(URI.create("http://127.0.0.1:" + service.port()), options.answerShare(), options.seed())
        .respond(mails);
    progress.accept("writing the answers back to both CRMs ...");
    Map<String, Map<String, Integer>> written = new LinkedHashMap<>();
    for (String connection : List.of(HUBSPOT, SALESFORCE)) {
      written.put(connection, new WritebackRepository(database.jdbi()).pendingByKind(connection));
      engine.flushWritebacks(connection);
    }
    return report(passes, written, installCalls, mails.size());
  }

  /** One sync pass; records what it read per object. */
  private void sync(Engine engine, String connection, List<int[]> passes) {
    EventRepository events = new EventRepository(database.jdbi());
    Map<String, Integer> before = events.countByKind(connection);
    Engine.SyncReport report = engine.syncAndTrigger(connection);
    Map<String, Integer> after = events.countByKind(connection);
    passes.add(new int[] {report.contacts(), after.getOrDefault("PURCHASE", 0) - before.getOrDefault("PURCHASE", 0),
        after.getOrDefault("SUPPORT", 0) - before.getOrDefault("SUPPORT", 0)});
  }

  /**
   * The fewest calls that could have done the demo's work: per pass and object one search or query per full
   * page (and one per object even when nothing changed), an association read per page of deals or tickets,
   * the pipelines once, and one write per batch the CRM allows (HubSpot 100, Salesforce 200; Salesforce's tasks
   * by upsert on their key).
   */
  static Map<String, Integer> lowerBounds(boolean isHubSpot, List<int[]> passes, Map<String, Integer> written,
      Map<String, Integer> installCalls) {
    Map<String, Integer> bounds = new LinkedHashMap<>(installCalls);
    if (isHubSpot) {
      for (int[] pass : passes) {
        bounds.merge("search contacts", pages(pass[0], 200), Integer::sum);
        bounds.merge("search deals", pages(pass[1], 200), Integer::sum);
        bounds.merge("search tickets", pages(pass[2], 200), Integer::sum);
        bounds.merge("read associations deals to contacts", pass[1] == 0 ? 0 : pages(pass[1], 200), Integer::sum);
        bounds.merge("read associations tickets to contacts", pass[2] == 0 ? 0 : pages(pass[2], 200),
            Integer::sum);
      }
      bounds.put("pipelines deals", 1);
      bounds.put("pipelines tickets", 1);
      bounds.put("batch update contacts", batches(written.get("CONTACT_NPS"), 100));
      bounds.put("batch update companies", batches(written.get("ACCOUNT_NPS"), 100));
      bounds.put("batch create tasks", batches(written.get("FOLLOW_UP_TASK"), 100));
      bounds.put("batch create notes", batches(written.get("TIMELINE_ACTIVITY"), 100));
    } else {
      for (int i = 0; i < passes.size(); i++) {
        int[] pass = passes.get(i);
        bounds.merge("queryAll", 1, Integer::sum);
        bounds.merge("queryMore", pages(pass[0], 2000) - 1, Integer::sum);
        // opportunities and cases each pass; contact roles from the second pass on
        bounds.merge("query", pages(pass[1], 2000) + pages(pass[2], 2000) + (i == 0 ? 0 : 1), Integer::sum);
      }
      bounds.put("update", batches(written.get("CONTACT_NPS"), 200) + batches(written.get("ACCOUNT_NPS"), 200));
      // tasks and timeline entries are Tasks; each answer is also an NPS Response record, a call of its own
      bounds.put("upsert", batches(written.get("FOLLOW_UP_TASK"), 200) + batches(written.get("TIMELINE_ACTIVITY"),
          200) + batches(written.getOrDefault("RESPONSE", 0), 200));
    }
    bounds.values().removeIf(count -> count == 0);
    return bounds;
  }

  private static int pages(int records, int pageSize) {
    return Math.max(1, (records + pageSize - 1) / pageSize);
  }

  private static int batches(Integer records, int batchSize) {
    return records == null ? 0 : (records + batchSize - 1) / batchSize;
  }

  private DemoReport report(Map<String, List<int[]>> passes, Map<String, Map<String, Integer>> written,
      Map<String, Integer> installCalls, int mails) {
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
              isHubSpot ? installCalls : Map.of()))));
    }
    List<Integer> scores = new ReportRepository(database.jdbi()).answers(started.minus(Duration.ofDays(1))).stream()
        .map(ReportRepository.AnswerRow::score).toList();
    NpsTally tally = NpsTally.of(scores.stream().map(Score::of).toList());
    return new DemoReport(crms, tally.n(), tally.nps().isPresent() ? tally.nps().getAsDouble() : null,
        tally.ci95().map(ci -> ci.low()).orElse(null), tally.ci95().map(ci -> ci.high()).orElse(null), mails,
        Duration.between(started, Instant.now()).toSeconds());
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

  /** The store the demo ran on. */
  public Database database() {
    return database;
  }

  /** Closes the service, then the mail server and the sandboxes. */
  @Override
  public void close() {
    lifecycle.close();
  }

  private String yaml(String hubspotUrl, String salesforceUrl, int smtpPort) {
    return """
        # The demo: both CRM sandboxes, an embedded SMTP server and an embedded H2 store, on this machine.
        company: Acme Analytics
        store:
          type: h2
          path: %s
        server:
          port: %d
          public-url: http://localhost:%d
          token-secret: ${NPS_TOKEN_SECRET:-demo-only-token-secret-0123456789abcdef}
          admin-password: ${NPS_ADMIN_PASSWORD:-demo-admin}
        connections:
          - name: hubspot-demo
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN:-%s}
            base-url: %s
            webhook-secret: ${HUBSPOT_WEBHOOK_SECRET:-demo-only-webhook-secret}
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
              client-secret: ${SALESFORCE_CLIENT_SECRET:-%s}
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
        """.formatted(options.dataDir().resolve("store").resolve("npsconnector").toString().replace('\\', '/'),
        options.port(), options.port(), HubSpotSandbox.DEFAULT_TOKEN, hubspotUrl,
        SalesforceSandbox.DEFAULT_CLIENT_ID, SalesforceSandbox.DEFAULT_CLIENT_SECRET, salesforceUrl, smtpPort);
  }
}
