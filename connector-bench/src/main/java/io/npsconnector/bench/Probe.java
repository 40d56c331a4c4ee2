package io.npsconnector.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.npsconnector.app.cli.Adapters;
import io.npsconnector.app.service.AdapterFactory;
import io.npsconnector.app.service.Composition;
import io.npsconnector.app.service.Service;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.SyncProgress;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.WritebackRepository;
import io.npsconnector.hubspot.HubSpotProvider;
import io.npsconnector.hubspot.client.MonotonicClock;
import io.npsconnector.hubspot.client.RateGovernor;
import io.npsconnector.hubspot.client.Sleeper;

/**
 * One measurement in its own JVM (started by {@link Bench} with the heap it gives the connector): the work named by
 * the first argument, on the configuration file or sandbox address given as {@code key=value} arguments. It prints
 * one line, {@value #RESULT} followed by a JSON object: the {@link Meter}'s reading and the counts the work reports.
 * Everything else it says goes to standard error.
 */
public final class Probe {
  static final String RESULT = "BENCH-RESULT ";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The longest a write-back waits for the CRM's rate limits before the probe gives up. */
  private static final Duration WRITEBACK_LIMIT = Duration.ofHours(2);

  private final Map<String, String> args;
  private final Meter meter;
  private final Map<String, Object> result = new LinkedHashMap<>();

  private Probe(Map<String, String> args) {
    this.args = args;
    // live-heap=MS: the heap peak is the live data, sampled by a full collection every MS (slows the work a little)
    this.meter = args.containsKey("live-heap")
        ? Meter.live(Duration.ofMillis(Long.parseLong(args.get("live-heap"))))
        : new Meter();
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length < 1) {
      throw new IllegalArgumentException("usage: Probe TASK [key=value ...]");
    }
    Map<String, String> args = new LinkedHashMap<>();
    for (String arg : Arrays.asList(argv).subList(1, argv.length)) {
      int equals = arg.indexOf('=');
      args.put(arg.substring(0, equals), arg.substring(equals + 1));
    }
    Probe probe = new Probe(args);
    switch (argv[0]) {
      case "adapter-pull" -> probe.adapterPull();
      case "hubspot-bare-pull" -> probe.hubspotBarePull();
      case "salesforce-bare-pull" -> probe.salesforceBarePull();
      case "first-sync" -> probe.firstSync();
      case "simulate" -> probe.simulate();
      case "send" -> probe.send();
      case "writeback" -> probe.writeback();
      default -> throw new IllegalArgumentException("unknown task " + argv[0]);
    }
    System.out.println(RESULT + JSON.writeValueAsString(probe.result));
    System.out.flush();
    System.exit(0); // pools and HTTP clients of the product may hold non-daemon threads
  }

  private NpsConfig config() {
    return ConfigLoader.load(Path.of(args.get("config")), Map.of());
  }

  private void record(Meter.Reading reading) {
    record("", reading);
  }

  private void record(String prefix, Meter.Reading reading) {
    result.put(prefix + "wall", reading.wallSeconds());
    result.put(prefix + "cpu", reading.cpuSeconds());
    result.put(prefix + "heap", reading.peakHeapAfterGcBytes());
    if (!Double.isNaN(reading.machineBusySeconds())) {
      result.put(prefix + "machine-busy", reading.machineBusySeconds());
    }
    if (!Double.isNaN(reading.postgresSeconds())) {
      result.put(prefix + "postgres-cpu", reading.postgresSeconds());
    }
  }

  /** The connection's adapter, through the build's providers, reads every change from the start. */
  private void adapterPull() throws Exception {
    NpsConfig config = config();
    String name = args.get("connection");
    meter.start();
    int contacts = 0;
    int events = 0;
    int calls = 0;
    int pages = 0;
    try (CrmAdapter adapter = adapters().open(config, config.connection(name).orElseThrow(), Clock.systemUTC())) {
      SyncCursor cursor = SyncCursor.START;
      ChangePage page;
      do {
        page = adapter.readChanges(cursor);
        contacts += page.contacts().size();
        events += page.events().size();
        calls += page.apiCalls();
        pages++;
        cursor = page.next();
      } while (page.hasMore());
    }
    record(meter.stop());
    result.put("contacts", contacts);
    result.put("events", events);
    result.put("calls", calls);
    result.put("pages", pages);
  }

  private void hubspotBarePull() throws Exception {
    BareHubSpotPull pull = new BareHubSpotPull(args.get("url"), args.get("token"),
        List.of(args.get("properties").split(",")));
    if (Boolean.parseBoolean(args.getOrDefault("warm", "false"))) {
      pull.pull(); // warm=true: the same pull once, uncounted, so that the counted one runs in a warm JVM
    }
    meter.start();
    BareHubSpotPull.Result read = pull.pull();
    record(meter.stop());
    result.put("contacts", read.contacts());
    result.put("events", read.deals() + read.tickets());
    result.put("calls", read.calls());
  }

  private void salesforceBarePull() throws Exception {
    List<String> statements = Files.readAllLines(Path.of(args.get("soql")));
    BareSalesforcePull pull = new BareSalesforcePull(args.get("endpoint"), args.get("session"),
        Integer.parseInt(args.get("page-size")));
    meter.start();
    BareSalesforcePull.Result read = pull.pull(statements);
    record(meter.stop());
    result.put("records", read.records());
    result.put("calls", read.calls());
  }

  /** The product's engine, as the service wires it, without its scheduler or HTTP server. */
  private Composition composition(NpsConfig config, SyncProgress progress) {
    Service.Options options = Service.Options.of(config).withPort("127.0.0.1", 0).withoutScheduler();
    return Composition.of(config, binder -> {
      binder.bind(Service.Options.class).toInstance(options);
      binder.bind(SyncProgress.class).toInstance(progress);
      binder.bind(AdapterFactory.class).toInstance(adapters());
    });
  }

  /**
   * How the probe makes adapters: the build's providers, as the service does; with {@code unpaced=true} a HubSpot
   * connection's rate governor has budgets no run reaches, so that a "no rate limit" row measures the connector's
   * own cost, not the 5 searches a second its adapter otherwise keeps to (HubSpot's limit, which configuration
   * cannot raise). Only the governor's budgets change: the same adapter, client, retries and calls.
   */
  private AdapterFactory adapters() {
    if (!Boolean.parseBoolean(args.getOrDefault("unpaced", "false"))) {
      return Adapters::open;
    }
    HubSpotProvider unpaced = HubSpotProvider.withOverrides(binder -> binder.bind(RateGovernor.class).toInstance(
        new RateGovernor(UNREACHED_BUDGET, UNREACHED_BUDGET, 0, new MonotonicClock(), Sleeper.SYSTEM)));
    return (config, connection, clock) -> connection.type().equals(unpaced.type())
        ? unpaced.create(connection, new AdapterContext(clock, config.writeback()))
        : Adapters.open(config, connection, clock);
  }

  /** Requests per window of an unpaced governor: more than any benchmark run makes in ten seconds. */
  private static final int UNREACHED_BUDGET = 1_000_000;

  /**
   * A first sync through the engine (read, store, trigger pass), the time its read ended (the engine's progress
   * report of the last page) and the decisions made by then (the pass along the read), then, when asked, a second sync with nothing new: the pass with nothing due.
   */
  private void firstSync() {
    NpsConfig config = config();
    String name = args.get("connection");
    AtomicReference<Meter.Reading> readEnded = new AtomicReference<>();
    AtomicReference<Database> store = new AtomicReference<>();
    AtomicReference<Long> decidedAlong = new AtomicReference<>(0L);
    SyncProgress progress = (connection, page, done) -> {
      if (done) {
        readEnded.set(meter.lap());
        // the decisions the trigger pass made along the read (a count, after the read's time is taken)
        decidedAlong.set(count(store.get(), "SELECT COUNT(*) FROM decisions WHERE connection = :c", connection));
      }
    };
    if (args.containsKey("warm-config")) {
      // warm-config=PATH: the same first sync once into that configuration's store, uncounted, so that the counted
      // one runs in a warm JVM
      try (Composition warming = composition(ConfigLoader.load(Path.of(args.get("warm-config")), Map.of()),
          (connection, page, done) -> { })) {
        warming.get(Engine.class).syncAndTrigger(name);
      }
    }
    try (Composition composition = composition(config, progress)) {
      Engine engine = composition.get(Engine.class);
      Database database = composition.get(Database.class);
      store.set(database);
      meter.start();
      Engine.SyncReport report = engine.syncAndTrigger(name);
      Meter.Reading sync = meter.stop();
      record(sync);
      Meter.Reading read = Optional.ofNullable(readEnded.get()).orElse(sync);
      result.put("read-wall", read.wallSeconds());
      result.put("read-cpu", read.cpuSeconds());
      result.put("contacts", report.contacts());
      result.put("events", report.events());
      result.put("calls", report.apiCalls());
      result.put("evaluated", report.evaluated());
      result.put("decided-along", decidedAlong.get());
      result.put("invited", report.invited());
      result.put("stored-contacts", count(database, "SELECT COUNT(*) FROM contacts WHERE connection = :c", name));
      result.put("stored-events", count(database, "SELECT COUNT(*) FROM events WHERE connection = :c", name));
      if (Boolean.parseBoolean(args.getOrDefault("idle-pass", "false"))) {
        meter.start();
        Engine.SyncReport idle = engine.syncAndTrigger(name);
        record("idle-", meter.stop());
        result.put("idle-evaluated", idle.evaluated());
        result.put("idle-calls", idle.apiCalls());
      }
    }
  }

  /**
   * {@code nps-connector simulate --days D} over the store a first sync filled, through the command line itself (its
   * lines formatted and counted, not kept): the surveys it lists and the lines it printed.
   */
  private void simulate() {
    java.io.StringWriter errors = new java.io.StringWriter();
    LineCounter out = new LineCounter();
    picocli.CommandLine command = io.npsconnector.app.cli.NpsConnectorCommand.commandLine()
        .setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(errors, true));
    meter.start();
    int exit = command.execute("simulate", "--config", args.get("config"), "--days", args.getOrDefault("days", "7"));
    record(meter.stop());
    if (exit != 0) {
      throw new IllegalStateException("simulate exited with " + exit + ": " + errors);
    }
    result.put("lines", out.lines);
    result.put("surveyed", out.surveyed);
  }

  /** Counts the lines written to it and keeps the count of "Would be surveyed (N):", nothing else. */
  private static final class LineCounter extends java.io.Writer {
    private static final String SURVEYED = "Would be surveyed (";
    private final StringBuilder line = new StringBuilder();
    long lines;
    long surveyed = -1;

    @Override
    public void write(char[] buffer, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        if (buffer[i] == '\n') {
          lines++;
          if (line.indexOf(SURVEYED) == 0) {
            surveyed = Long.parseLong(line.substring(SURVEYED.length(), line.indexOf(")")));
          }
          line.setLength(0);
        } else if (line.length() < 200) {
          line.append(buffer[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static long count(Database database, String sql, String connection) {
    return database.jdbi().withHandle(handle -> handle.createQuery(sql).bind("c", connection).mapTo(Long.class).one());
  }

  /**
   * Sends every due invitation as the service does: the engine's scheduler runs their send tasks on its threads,
   * as many at once as {@code channels.email.max-connections} allows. Its recurring tasks (sync, write-back,
   * roll-ups, alerts) are first put an hour ahead, so that only the sends run. Timed from the scheduler's start to
   * the last send recorded; the outcomes are the states the due invitations ended in (a send deferred to its
   * recipient's send window, or retried later, stays {@code SCHEDULED}).
   */
  private void send() throws InterruptedException {
    NpsConfig config = config();
    String name = args.get("connection");
    try (Composition composition = composition(config, SyncProgress.NONE)) {
      Engine engine = composition.get(Engine.class);
      Database database = composition.get(Database.class);
      java.time.Instant started = java.time.Instant.now();
      List<Long> due = new InvitationRepository(database.jdbi()).inStates(name, InvitationState.SCHEDULED)
          .stream().filter(invitation -> !invitation.sendAt().isAfter(started)).map(Invitation::id).toList();
      holdRecurring(engine, database);
      long giveUp = System.nanoTime() + SEND_LIMIT.toNanos();
      java.time.Instant start = java.time.Instant.now();
      meter.start();
      engine.start();
      // a count every 200 ms: a tighter poll would take the CPU the sends need
      while (sending(database, name, started) > 0 && System.nanoTime() < giveUp) {
        Thread.sleep(200);
      }
      Meter.Reading reading = meter.stop();
      engine.stop();
      record(reading);
      Map<String, Integer> outcomes = new java.util.TreeMap<>();
      java.time.Instant last = start;
      for (Long id : due) {
        Optional<Invitation> invitation = new InvitationRepository(database.jdbi()).find(id);
        outcomes.merge(invitation.map(found -> found.state().name()).orElse("GONE"), 1, Integer::sum);
        java.time.Instant sentAt = invitation.flatMap(Invitation::sentAt).orElse(start);
        last = sentAt.isAfter(last) ? sentAt : last;
      }
      result.put("wall", Math.max(0, Duration.between(start, last).toNanos()) / 1e9);
      result.put("attempted", due.size());
      result.put("outcomes", outcomes);
    }
  }

  /** The longest the scheduler may take over the sends before the probe gives up. */
  private static final Duration SEND_LIMIT = Duration.ofMinutes(30);

  /** Puts the first run of each recurring task an hour ahead (db-scheduler keeps an existing execution). */
  private static void holdRecurring(Engine engine, Database database) {
    com.github.kagkarlsson.scheduler.SchedulerClient client =
        com.github.kagkarlsson.scheduler.SchedulerClient.Builder.create(database.dataSource()).build();
    java.time.Instant later = java.time.Instant.now().plus(Duration.ofHours(1));
    for (String task : engine.recurringTasks()) {
      client.scheduleIfNotExists(new com.github.kagkarlsson.scheduler.task.TaskInstance<Void>(task,
          com.github.kagkarlsson.scheduler.task.helper.RecurringTask.INSTANCE), later);
    }
  }

  /** The invitations due at {@code started} still waiting for or in their send. */
  private static long sending(Database database, String connection, java.time.Instant started) {
    return database.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM invitations "
            + "WHERE connection = :c AND (state = 'SENDING' OR (state = 'SCHEDULED' AND send_at <= :t))")
        .bind("c", connection).bind("t", java.sql.Timestamp.from(started)).mapTo(Long.class).one());
  }

  /**
   * Answers up to {@code answers} sent invitations through the engine (not timed), then writes the answers back
   * (timed): flushes until nothing is pending, waiting out the CRM's limits as the scheduler would.
   */
  private void writeback() throws InterruptedException {
    NpsConfig config = config();
    String name = args.get("connection");
    int answers = Integer.parseInt(args.get("answers"));
    try (Composition composition = composition(config, SyncProgress.NONE)) {
      Engine engine = composition.get(Engine.class);
      Database database = composition.get(Database.class);
      List<Invitation> sent = new InvitationRepository(database.jdbi()).inStates(name, InvitationState.SENT)
          .stream().limit(answers).toList();
      int answered = 0;
      for (Invitation invitation : sent) {
        int score = (int) (invitation.id() % 11);
        engine.answer(invitation.id(), score, score < 7 ? Optional.of("Benchmark answer " + invitation.id())
            : Optional.empty());
        answered++;
      }
      WritebackRepository queue = new WritebackRepository(database.jdbi());
      int records = pending(queue, name);
      int calls = 0;
      int written = 0;
      int failed = 0;
      int flushes = 0;
      long giveUp = System.nanoTime() + WRITEBACK_LIMIT.toNanos();
      meter.start();
      while (pending(queue, name) > 0 && System.nanoTime() < giveUp) {
        Engine.FlushReport flush = engine.flushWritebacks(name);
        flushes++;
        calls += flush.calls();
        written += flush.written();
        failed += flush.failed();
        if (flush.calls() == 0) {
          Thread.sleep(100); // held back by the CRM's retry hint: the scheduler would come back later
        }
      }
      record(meter.stop());
      result.put("answered", answered);
      result.put("records", records);
      result.put("calls", calls);
      result.put("written", written);
      result.put("failed", failed);
      result.put("flushes", flushes);
      result.put("left", pending(queue, name));
    }
  }

  private static int pending(WritebackRepository queue, String connection) {
    return queue.pendingByKind(connection).values().stream().mapToInt(Integer::intValue).sum();
  }
}
