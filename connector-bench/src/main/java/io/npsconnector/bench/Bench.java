package io.npsconnector.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.npsconnector.app.cli.Adapters;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.hubspot.mapping.ContactMapping;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;

/**
 * The scale benchmark ({@code ./nps-bench}): starts the HubSpot and Salesforce sandboxes with N contacts in this JVM,
 * runs each measurement in a JVM of its own with the connector's heap ({@link ChildJvm}, {@link Probe}), and prints
 * our figure, the reference (a bare pull made with plain clients, or the bound the CRM's limits set), their ratio and
 * the target side by side; the same table goes to {@code bench.md} and {@code bench.json} in the output folder.
 */
public final class Bench {
  /** The groups of rows {@code --only} can name, in the order they run. */
  static final List<String> GROUPS = List.of("pull", "sync", "sends", "triggers", "limits", "writeback", "salesforce",
      "scale");
  /** Limits so high that nothing reaches them: the rows "without a rate limit". */
  private static final int UNLIMITED = 1_000_000_000;
  /**
   * An Enterprise org's daily API budget: the benchmark's repeated first syncs stay far below the share at which the
   * adapter starts saving calls (the Developer Edition's 15,000 would not). HubSpot keeps its default daily limit.
   */
  private static final long SALESFORCE_DAILY_LIMIT = 5_000_000;

  /** What to measure, and how. */
  record Options(int contacts, String store, Set<String> only, boolean scale, boolean warmup, boolean warmJvm,
      Path out, long seed, String heap, int answers, int searchLimit, int rateLimit, int hubspotPort, int salesforcePort) {
    boolean wants(String group) {
      return only.isEmpty() ? !group.equals("scale") || scale || contacts >= 1_000_000 : only.contains(group);
    }

    boolean h2() {
      return !store.equals("pg");
    }

    boolean pg() {
      return !store.equals("h2");
    }
  }

  private final Options options;
  private final PrintStream out;
  private final ChildJvm jvm;
  private final Report report;

  private Bench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.jvm = new ChildJvm(options.heap(), options.out().resolve("logs"));
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("contacts", String.format(Locale.ROOT, "%,d", options.contacts()));
    setup.put("connector heap", "-Xmx" + options.heap());
    setup.put("limits (rate-limited rows)", options.searchLimit() + " searches/s, " + options.rateLimit()
        + " requests/10 s");
    setup.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    this.report = new Report(setup);
  }

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(usage());
      return;
    }
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("nps-bench: " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    Report report = run(options, System.out);
    report.print(System.out);
    System.out.println("written: " + options.out().resolve("bench.md") + ", " + options.out().resolve("bench.json"));
    System.exit(0);
  }

  static String usage() {
    return """
        usage: nps-bench [--contacts N] [--store h2|pg|both] [--only GROUP[,GROUP...]] [--scale] [--answers K]
                         [--heap 256m] [--search-limit 5] [--rate-limit 100] [--seed 42] [--out DIR]
                         [--hubspot-port P] [--salesforce-port P] [--no-warmup] [--warm-jvm]
          --contacts N      contacts in each sandbox (default 100000)
          --store           the stores of the no-rate-limit first sync (the other rows use H2 files): h2, pg
                            (127.0.0.1:5432, user postgres, db test, a fresh schema dropped after) or both (default)
          --only            run only these groups of rows: %s
          --scale           also the memory rows (heap at N vs N/10, H2 file vs its data); on by itself from 1000000
          --answers K       invitations sent and answers written back (default N/10, at least 100)
          --heap            the connector's -Xmx in every measurement (default 256m)
          --search-limit    searches per second in the rate-limited rows (default 5, HubSpot's)
          --rate-limit      other requests per 10 s in the rate-limited rows (default 100, HubSpot's)
          --no-warmup       skip the uncounted bare pull that warms the sandbox up first
          --warm-jvm        also the no-rate-limit first syncs in a warm JVM: the bare pull and each first sync run
                            once uncounted in their JVM first (the sync into another store), so that the counted run
                            is the work without the JIT's warm-up; shown beside the cold rows, which keep the verdicts
        """.formatted(String.join(", ", GROUPS));
  }

  static Options parse(String[] args) {
    int contacts = 100_000;
    String store = "both";
    Set<String> only = new LinkedHashSet<>();
    boolean scale = false;
    boolean warmup = true;
    boolean warmJvm = false;
    Path out = Path.of("target", "bench");
    long seed = 42;
    String heap = "256m";
    int answers = -1;
    int searchLimit = HubSpotSandbox.DEFAULT_SEARCH_PER_SECOND;
    int rateLimit = HubSpotSandbox.DEFAULT_PER_TEN_SECONDS;
    int hubspotPort = 0;
    int salesforcePort = 0;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--scale")) {
        scale = true;
        continue;
      }
      if (name.equals("--no-warmup")) {
        warmup = false;
        continue;
      }
      if (name.equals("--warm-jvm")) {
        warmJvm = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--contacts" -> contacts = positive(name, value.replace("_", "").replace(",", ""));
        case "--store" -> {
          if (!List.of("h2", "pg", "both").contains(value)) {
            throw new IllegalArgumentException("--store is h2, pg or both, got " + value);
          }
          store = value;
        }
        case "--only" -> {
          for (String group : value.split(",")) {
            if (!GROUPS.contains(group)) {
              throw new IllegalArgumentException("--only names groups of " + GROUPS + ", got " + group);
            }
            only.add(group);
          }
        }
        case "--out" -> out = Path.of(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--heap" -> heap = value;
        case "--answers" -> answers = positive(name, value);
        case "--search-limit" -> searchLimit = positive(name, value);
        case "--rate-limit" -> rateLimit = positive(name, value);
        case "--hubspot-port" -> hubspotPort = Integer.parseInt(value);
        case "--salesforce-port" -> salesforcePort = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return new Options(contacts, store, Set.copyOf(only), scale, warmup, warmJvm, out.toAbsolutePath().normalize(),
        seed, heap, answers > 0 ? answers : Math.max(100, contacts / 10), searchLimit, rateLimit, hubspotPort, salesforcePort);
  }

  private static int positive(String name, String value) {
    int number = Integer.parseInt(value);
    if (number < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
    return number;
  }

  /** Runs the measurements the options ask for; the rows, in order. */
  static Report run(Options options, PrintStream out) throws Exception {
    Bench bench = new Bench(options, out);
    bench.runAll();
    bench.report.write(options.out());
    return bench.report;
  }

  private void runAll() throws Exception {
    Path work = options.out().resolve("work");
    deleteTree(work);
    deleteTree(options.out().resolve("logs"));
    Files.createDirectories(work);
    int n = options.contacts();
    progress("seeding the sandboxes with " + String.format(Locale.ROOT, "%,d", n) + " contacts each ...");
    try (HubSpotSandbox hubspot = HubSpotSandbox.seeded(options.seed(), n).port(options.hubspotPort())
            .rateLimit(UNLIMITED).searchLimit(UNLIMITED);
        SalesforceSandbox salesforce = SalesforceSandbox.seeded(options.seed() + 1, n).port(options.salesforcePort())
            .dailyLimit(SALESFORCE_DAILY_LIMIT)) {
      SinkSmtpServer smtp = new SinkSmtpServer();
      try {
        String hubspotUrl = hubspot.start();
        salesforce.start();
        int smtpPort = smtp.port();
        Path h2Store = work.resolve("hubspot-h2").resolve("npsconnector");
        Path h2Config = BenchConfig.hubspot(work.resolve("hubspot-h2.yaml"), new BenchConfig.H2(h2Store), hubspotUrl,
            hubspot.token(), smtpPort);
        NpsConfig config = ConfigLoader.load(h2Config, Map.of());
        // as before a real first run: the connector's properties exist in the portal (install-fields)
        try (CrmAdapter adapter = Adapters.open(config, config.connection(BenchConfig.HUBSPOT).orElseThrow(),
            Clock.systemUTC())) {
          adapter.installFields();
        }
        String properties = String.join(",",
            new ContactMapping(config.connection(BenchConfig.HUBSPOT).orElseThrow()).properties());
        Map<String, String> bareArgs = Map.of("url", hubspotUrl, "token", hubspot.token(), "properties", properties);

        JsonNode bare = null;
        if (options.wants("pull") || options.wants("sync") || options.wants("scale")) {
          if (options.warmup()) {
            progress("warming the HubSpot sandbox up (a bare pull, not counted) ...");
            jvm.run("hubspot-bare-warmup", "hubspot-bare-pull", bareArgs);
          }
          progress("bare pull (OkHttp + Jackson) ...");
          bare = jvm.run("hubspot-bare-pull", "hubspot-bare-pull", bareArgs);
        }
        if (options.wants("pull")) {
          progress("adapter pull ...");
          JsonNode pull = jvm.run("hubspot-adapter-pull", "adapter-pull",
              Map.of("config", h2Config.toString(), "connection", BenchConfig.HUBSPOT, "unpaced", "true"));
          pullRows(pull, bare, n);
        }
        // --store chooses the stores of the no-rate-limit first sync; the other rows run on H2 files
        boolean needH2Sync = options.wants("sync") && options.h2() || options.wants("sends")
            || options.wants("writeback") || options.wants("triggers") || options.wants("scale");
        JsonNode h2Sync = null;
        if (needH2Sync) {
          progress("first sync on H2 ...");
          h2Sync = jvm.run("hubspot-first-sync-h2", "first-sync",
              Map.of("config", h2Config.toString(), "connection", BenchConfig.HUBSPOT, "idle-pass", "true", "unpaced",
                  "true"));
          if (options.wants("sync") && options.h2()) {
            syncRows("H2", h2Sync, bare, n, hubspot.ids("contacts").size());
          }
          if (options.wants("triggers")) {
            triggerRows(h2Sync);
          }
        }
        if (options.pg() && options.wants("sync")) {
          try (PostgresSchema schema = PostgresSchema.create()) {
            Path pgConfig = BenchConfig.hubspot(work.resolve("hubspot-pg.yaml"),
                new BenchConfig.Postgres(schema.url(), PostgresSchema.USER), hubspotUrl, hubspot.token(), smtpPort);
            progress("first sync on PostgreSQL (schema " + schema.name() + ") ...");
            JsonNode pgSync = jvm.run("hubspot-first-sync-pg", "first-sync",
                Map.of("config", pgConfig.toString(), "connection", BenchConfig.HUBSPOT, "idle-pass", "true",
                    "unpaced", "true"));
            syncRows("PostgreSQL", pgSync, bare, n, hubspot.ids("contacts").size());
          }
        }
        if (options.warmJvm() && options.wants("sync")) {
          warmSyncRows(work, bareArgs, hubspotUrl, hubspot, smtpPort, n);
        }
        if (options.wants("scale") && h2Sync != null) {
          scaleRows(h2Store, hubspot, hubspotUrl, work, smtpPort);
        }
        boolean needSends = options.wants("sends") || options.wants("writeback");
        if (needSends) {
          progress("sends to the local SMTP server ...");
          int before = smtp.received();
          JsonNode sends = jvm.run("hubspot-sends", "send", Map.of("config", h2Config.toString(), "connection",
              BenchConfig.HUBSPOT));
          int delivered = smtp.received() - before;
          if (options.wants("sends")) {
            sendRows(sends, delivered, smtp.refused());
          }
        }
        if (options.wants("limits") || options.wants("writeback")) {
          hubspot.reset().rateLimit(options.rateLimit()).searchLimit(options.searchLimit());
        }
        if (options.wants("limits")) {
          Path limited = BenchConfig.hubspot(work.resolve("hubspot-limits.yaml"),
              new BenchConfig.H2(work.resolve("hubspot-limits").resolve("npsconnector")), hubspotUrl, hubspot.token(),
              smtpPort);
          progress("first sync under " + options.searchLimit() + " searches/s and " + options.rateLimit()
              + " requests/10 s ...");
          hubspot.reset();
          JsonNode sync = jvm.run("hubspot-first-sync-limits", "first-sync",
              Map.of("config", limited.toString(), "connection", BenchConfig.HUBSPOT));
          limitRows(sync, hubspot.calls(), hubspot.rateLimited(), hubspot.ids("contacts").size());
        }
        if (options.wants("writeback")) {
          progress("write-back of up to " + options.answers() + " answers under the limits ...");
          hubspot.reset();
          JsonNode writeback = jvm.run("hubspot-writeback", "writeback", Map.of("config", h2Config.toString(),
              "connection", BenchConfig.HUBSPOT, "answers", Integer.toString(options.answers())));
          writebackRows(writeback, hubspot.calls(), hubspot.rateLimited());
        }
        if (options.wants("salesforce")) {
          salesforceRows(salesforce, work, smtpPort, n);
        }
      } finally {
        smtp.close();
      }
    }
  }

  private void progress(String line) {
    out.println("nps-bench: " + line);
    out.flush();
  }

  // ------------------------------------------------------------------------------------------------ rows

  private static String wallCpu(JsonNode result) {
    return wallCpu(result.path("wall").asDouble(), result.path("cpu").asDouble());
  }

  private static String wallCpu(double wall, double cpu) {
    return Row.seconds(wall) + " wall, " + Row.seconds(cpu) + " CPU";
  }

  private static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private void pullRows(JsonNode pull, JsonNode bare, int n) {
    String work = "HubSpot adapter pull, " + count(n) + " contacts, no rate limit";
    report.add(Row.ratio("pull-wall", work + ": wall", Row.seconds(pull.path("wall").asDouble()),
        "bare pull " + Row.seconds(bare.path("wall").asDouble()), ratio(pull, bare, "wall")));
    report.add(Row.ratio("pull-cpu", work + ": CPU", Row.seconds(pull.path("cpu").asDouble()),
        "bare pull " + Row.seconds(bare.path("cpu").asDouble()), ratio(pull, bare, "cpu")));
    report.add(Row.check("pull-read", work + ": contacts + events read",
        count(pull.path("contacts").asLong()) + " + " + count(pull.path("events").asLong()),
        count(bare.path("contacts").asLong()) + " + " + count(bare.path("events").asLong()),
        pull.path("contacts").asLong() == bare.path("contacts").asLong()
            && pull.path("events").asLong() == bare.path("events").asLong()));
  }

  private static double ratio(JsonNode ours, JsonNode reference, String field) {
    return ours.path(field).asDouble() / Math.max(1e-9, reference.path(field).asDouble());
  }

  /**
   * The first syncs again, each in a JVM that made an uncounted first sync of the same portal into another store
   * first, against a bare pull that pulled once uncounted first: the work without the JIT's warm-up. Shown, not
   * judged: a real first sync runs in a fresh JVM, as the cold rows measure it.
   */
  private void warmSyncRows(Path work, Map<String, String> bareArgs, String hubspotUrl, HubSpotSandbox hubspot,
      int smtpPort, int n) throws Exception {
    progress("bare pull in a warm JVM (one pull uncounted first) ...");
    Map<String, String> warmBareArgs = new java.util.HashMap<>(bareArgs);
    warmBareArgs.put("warm", "true");
    JsonNode bare = jvm.run("hubspot-bare-pull-warm", "hubspot-bare-pull", warmBareArgs);
    int inSandbox = hubspot.ids("contacts").size();
    if (options.h2()) {
      Path counted = BenchConfig.hubspot(work.resolve("hubspot-h2-warm.yaml"),
          new BenchConfig.H2(work.resolve("hubspot-h2-warm").resolve("npsconnector")), hubspotUrl, hubspot.token(),
          smtpPort);
      Path first = BenchConfig.hubspot(work.resolve("hubspot-h2-warming.yaml"),
          new BenchConfig.H2(work.resolve("hubspot-h2-warming").resolve("npsconnector")), hubspotUrl, hubspot.token(),
          smtpPort);
      progress("first sync on H2 in a warm JVM (one first sync into another store uncounted first) ...");
      JsonNode sync = jvm.run("hubspot-first-sync-h2-warm", "first-sync", Map.of("config", counted.toString(),
          "warm-config", first.toString(), "connection", BenchConfig.HUBSPOT, "unpaced", "true"));
      syncRows("H2, warm JVM", sync, bare, n, inSandbox, false);
    }
    if (options.pg()) {
      try (PostgresSchema countedSchema = PostgresSchema.create(); PostgresSchema firstSchema = PostgresSchema.create()) {
        Path counted = BenchConfig.hubspot(work.resolve("hubspot-pg-warm.yaml"),
            new BenchConfig.Postgres(countedSchema.url(), PostgresSchema.USER), hubspotUrl, hubspot.token(), smtpPort);
        Path first = BenchConfig.hubspot(work.resolve("hubspot-pg-warming.yaml"),
            new BenchConfig.Postgres(firstSchema.url(), PostgresSchema.USER), hubspotUrl, hubspot.token(), smtpPort);
        progress("first sync on PostgreSQL in a warm JVM (one first sync into another schema uncounted first) ...");
        JsonNode sync = jvm.run("hubspot-first-sync-pg-warm", "first-sync", Map.of("config", counted.toString(),
            "warm-config", first.toString(), "connection", BenchConfig.HUBSPOT, "unpaced", "true"));
        syncRows("PostgreSQL, warm JVM", sync, bare, n, inSandbox, false);
      }
    }
  }

  private void syncRows(String store, JsonNode sync, JsonNode bare, int n, int inSandbox) {
    syncRows(store, sync, bare, n, inSandbox, true);
  }

  /** The rows of one first sync against the bare pull; {@code judged}: with the bounds as verdicts. */
  private void syncRows(String store, JsonNode sync, JsonNode bare, int n, int inSandbox, boolean judged) {
    String work = "HubSpot first sync (pull + store + trigger pass), " + count(n) + " contacts, no rate limit, "
        + store;
    String id = "sync-" + store.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    String wall = Row.seconds(sync.path("wall").asDouble());
    String bareWall = "bare pull " + Row.seconds(bare.path("wall").asDouble());
    String cpu = Row.seconds(sync.path("cpu").asDouble());
    String bareCpu = "bare pull " + Row.seconds(bare.path("cpu").asDouble());
    report.add(judged ? Row.atMost(id + "-wall", work + ": wall", wall, bareWall, ratio(sync, bare, "wall"), 1.3)
        : Row.ratio(id + "-wall", work + ": wall", wall, bareWall, ratio(sync, bare, "wall")));
    report.add(judged ? Row.atMost(id + "-cpu", work + ": CPU", cpu, bareCpu, ratio(sync, bare, "cpu"), 2.0)
        : Row.ratio(id + "-cpu", work + ": CPU", cpu, bareCpu, ratio(sync, bare, "cpu")));
    report.add(Row.check(id + "-stored", work + ": contacts stored",
        count(sync.path("stored-contacts").asLong()), count(inSandbox),
        sync.path("stored-contacts").asLong() == inSandbox));
    report.add(Row.figure(id + "-heap", work + ": peak heap after GC",
        Row.megabytes(sync.path("heap").asLong())));
    if (sync.has("machine-busy") && bare.has("machine-busy")) {
      report.add(new Row(id + "-machine", work + ": the machine's CPU meanwhile", machine(sync, "connector"),
          machine(bare, "bare pull"), Optional.empty(), Row.NONE, Row.NONE));
    }
  }

  /**
   * Where the machine's CPU went while a measurement ran: its own process, the PostgreSQL server (when it is on this
   * machine and did anything) and the rest (the sandboxes in this JVM, and whatever else ran), with the cores that
   * kept busy on average. A wall time cannot fall below all of it over the cores.
   */
  static String machine(JsonNode reading, String own) {
    double wall = Math.max(1e-9, reading.path("wall").asDouble());
    double busy = reading.path("machine-busy").asDouble();
    double cpu = reading.path("cpu").asDouble();
    double postgres = reading.path("postgres-cpu").asDouble(0);
    StringBuilder text = new StringBuilder(own + " " + Row.seconds(cpu));
    if (postgres >= 0.05) {
      text.append(" + PostgreSQL ").append(Row.seconds(postgres));
    }
    text.append(" + sandbox and rest ").append(Row.seconds(Math.max(0, busy - cpu - postgres)));
    return text.append(String.format(Locale.ROOT, " = %.2f of %d cores", busy / wall,
        Runtime.getRuntime().availableProcessors())).toString();
  }

  private void triggerRows(JsonNode sync) {
    double pass = sync.path("wall").asDouble() - sync.path("read-wall").asDouble();
    double evaluated = sync.path("evaluated").asDouble();
    long along = sync.path("decided-along").asLong();
    double after = evaluated - along;
    report.add(Row.figure("trigger-rate", "Trigger pass of the first sync (H2): evaluations",
        String.format(Locale.ROOT, "%s: %s along the read, %s in the %s after it%s", count((long) evaluated),
            count(along), count((long) after), Row.seconds(pass),
            after > 0 ? String.format(Locale.ROOT, " (%,.0f/s)", after / Math.max(1e-9, pass)) : "")));
    double idle = sync.path("idle-wall").asDouble();
    report.add(Row.below("trigger-idle", "Sync and trigger pass with nothing new or due (H2)", Row.seconds(idle)
        + ", " + sync.path("idle-calls").asInt() + " calls", idle, 10, "s"));
  }

  private void sendRows(JsonNode sends, int delivered, int refusedCommands) {
    int attempted = sends.path("attempted").asInt();
    int sent = sends.path("outcomes").path("SENT").asInt();
    double perSecond = sent / Math.max(1e-9, sends.path("wall").asDouble());
    report.add(Row.atLeast("sends-rate", "Invitations sent to a local SMTP server (the engine's scheduler)",
        String.format(Locale.ROOT, "%,.0f/s (%s in %s)", perSecond, count(sent), Row.seconds(sends.path("wall")
            .asDouble())), "200/s", perSecond / 200.0, 1.0));
    report.add(Row.check("sends-delivered", "Invitations sent = mails the SMTP server received",
        count(sent) + " of " + count(attempted) + " due, " + count(delivered) + " received"
        + (refusedCommands > 0 ? ", " + count(refusedCommands) + " SMTP commands refused" : ""), count(sent),
        sent == delivered && sent > 0 && refusedCommands == 0));
  }

  /** The least time the limits allow for these calls: searches at their rate, the rest at theirs, in parallel. */
  private double bound(Map<String, Integer> calls) {
    int searches = calls.entrySet().stream().filter(entry -> entry.getKey().startsWith("search "))
        .mapToInt(Map.Entry::getValue).sum();
    int others = calls.values().stream().mapToInt(Integer::intValue).sum() - searches;
    return Math.max(searches / (double) options.searchLimit(), others * 10.0 / options.rateLimit());
  }

  private static String callsText(Map<String, Integer> calls) {
    int searches = calls.entrySet().stream().filter(entry -> entry.getKey().startsWith("search "))
        .mapToInt(Map.Entry::getValue).sum();
    int total = calls.values().stream().mapToInt(Integer::intValue).sum();
    return count(searches) + " searches + " + count(total - searches) + " other calls";
  }

  private void limitRows(JsonNode sync, Map<String, Integer> calls, long limited, int inSandbox) {
    double bound = bound(calls);
    String work = "HubSpot first sync under " + options.searchLimit() + " searches/s and " + options.rateLimit()
        + " requests/10 s, defaults";
    String reference = "bound " + Row.seconds(bound) + " (" + callsText(calls) + ")";
    report.add(Row.atMost("limits-read", work + ": read", Row.seconds(sync.path("read-wall").asDouble()), reference,
        sync.path("read-wall").asDouble() / bound, 1.1));
    report.add(Row.atMost("limits-sync", work + ": with the trigger pass", Row.seconds(sync.path("wall").asDouble()),
        reference, sync.path("wall").asDouble() / bound, 1.1));
    report.add(Row.check("limits-429", work + ": 429 answers", count(limited), "0", limited == 0));
    report.add(Row.check("limits-stored", work + ": contacts stored", count(sync.path("stored-contacts").asLong()),
        count(inSandbox), sync.path("stored-contacts").asLong() == inSandbox));
  }

  private void writebackRows(JsonNode writeback, Map<String, Integer> calls, long limited) {
    double bound = bound(calls);
    String work = "HubSpot write-back of " + count(writeback.path("answered").asLong()) + " answers ("
        + count(writeback.path("records").asLong()) + " records) under the limits";
    report.add(Row.atMost("writeback-wall", work, Row.seconds(writeback.path("wall").asDouble()) + ", "
        + count(calls.values().stream().mapToInt(Integer::intValue).sum()) + " calls", "bound " + Row.seconds(bound)
        + " (" + callsText(calls) + ")", writeback.path("wall").asDouble() / Math.max(1e-9, bound), 1.1));
    report.add(Row.check("writeback-429", work + ": 429 answers", count(limited), "0", limited == 0));
    report.add(Row.check("writeback-written", work + ": records left unwritten",
        count(writeback.path("left").asLong()) + " left, " + count(writeback.path("failed").asLong()) + " failed", "0",
        writeback.path("left").asLong() == 0 && writeback.path("records").asLong() > 0));
  }

  private void salesforceRows(SalesforceSandbox salesforce, Path work, int smtpPort, int n) throws Exception {
    Path config = BenchConfig.salesforce(work.resolve("salesforce-h2.yaml"),
        new BenchConfig.H2(work.resolve("salesforce-h2").resolve("npsconnector")), salesforce.baseUrl(),
        salesforce.staticToken(), smtpPort);
    progress("Salesforce first sync on H2 ...");
    int before = salesforce.soql().size();
    JsonNode sync = jvm.run("salesforce-first-sync-h2", "first-sync",
        Map.of("config", config.toString(), "connection", BenchConfig.SALESFORCE));
    List<String> statements = salesforce.soql().subList(before, salesforce.soql().size());
    Path soql = work.resolve("salesforce-first-sync.soql");
    Files.write(soql, statements);
    progress("bare WSC query/queryMore over the same " + statements.size() + " statements ...");
    JsonNode bare = jvm.run("salesforce-bare-pull", "salesforce-bare-pull", Map.of("endpoint",
        salesforce.soapEndpoint(), "session", salesforce.staticToken(), "soql", soql.toString(), "page-size",
        Integer.toString(SalesforceSandbox.MAX_QUERY_PAGE)));
    String label = "Salesforce first sync, " + count(n) + " contacts, H2";
    report.add(Row.atMost("salesforce-wall", label + ": wall", Row.seconds(sync.path("wall").asDouble()),
        "WSC query/queryMore " + Row.seconds(bare.path("wall").asDouble()), ratio(sync, bare, "wall"), 1.3));
    report.add(Row.atMost("salesforce-cpu", label + ": CPU", Row.seconds(sync.path("cpu").asDouble()),
        "WSC query/queryMore " + Row.seconds(bare.path("cpu").asDouble()), ratio(sync, bare, "cpu"), 2.0));
    int inSandbox = salesforce.contactIds().size();
    report.add(Row.check("salesforce-stored", label + ": contacts stored", count(sync.path("stored-contacts").asLong()),
        count(inSandbox), sync.path("stored-contacts").asLong() == inSandbox));
  }

  /**
   * Memory at scale: the live heap of a first sync at N against one at N/10 (flat), each in a run of its own on a
   * fresh H2 store whose meter samples the live data (a full collection every {@value #LIVE_HEAP_EVERY_MS} ms; the
   * timed rows are never run so), and the H2 file against its data (the size H2 compacts it to).
   */
  private void scaleRows(Path h2Store, HubSpotSandbox hubspot, String hubspotUrl, Path work, int smtpPort)
      throws Exception {
    int small = Math.max(1_000, options.contacts() / 10);
    progress("first sync of " + count(options.contacts()) + " contacts on a fresh H2 store, sampling its live heap ...");
    JsonNode big = liveHeapSync("hubspot-live", hubspotUrl, hubspot.token(), work, smtpPort);
    try (HubSpotSandbox smaller = HubSpotSandbox.seeded(options.seed(), small).rateLimit(UNLIMITED)
        .searchLimit(UNLIMITED)) {
      String url = smaller.start();
      progress("first sync of " + count(small) + " contacts on H2, for the live heap at a tenth of the size ...");
      JsonNode smallSync = liveHeapSync("hubspot-small", url, smaller.token(), work, smtpPort);
      long heap = big.path("heap").asLong();
      long smallHeap = smallSync.path("heap").asLong();
      report.add(Row.atMost("scale-heap", "Peak live heap of a first sync (H2; full collections every "
          + LIVE_HEAP_EVERY_MS / 1000 + " s), " + count(options.contacts()) + " vs " + count(small) + " contacts",
          Row.megabytes(heap), Row.megabytes(smallHeap), heap / (double) Math.max(1, smallHeap), 1.5));
      simulateRows(work, big, small);
    }
    Path file = Path.of(h2Store + ".mv.db");
    long size = Files.size(file);
    try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + h2Store, "sa", "");
        Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN COMPACT");
    }
    long data = Files.size(file);
    report.add(Row.atMost("scale-h2-file", "H2 file after the first sync vs its data (compacted)",
        Row.megabytes(size), Row.megabytes(data), size / (double) Math.max(1, data), 2.0));
  }

  /**
   * {@code simulate --days 7} over the stores the live-heap first syncs filled (N and N/10 contacts), each in the
   * connector's heap with its live heap sampled: its time at N, its heap against the one at N/10 (flat), and that it
   * lists every invitation the first sync left waiting.
   */
  private void simulateRows(Path work, JsonNode bigSync, int small) throws Exception {
    progress("simulate --days 7 over the " + count(options.contacts()) + "-contact store, sampling its live heap ...");
    JsonNode big = jvm.run("hubspot-live-simulate", "simulate", Map.of("config",
        work.resolve("hubspot-live.yaml").toString(), "days", "7", "live-heap", Integer.toString(LIVE_HEAP_EVERY_MS)));
    progress("simulate --days 7 over the " + count(small) + "-contact store, for the live heap at a tenth ...");
    JsonNode smaller = jvm.run("hubspot-small-simulate", "simulate", Map.of("config",
        work.resolve("hubspot-small.yaml").toString(), "days", "7", "live-heap", Integer.toString(LIVE_HEAP_EVERY_MS)));
    String work7 = "simulate --days 7 over the first sync's store (H2), " + count(options.contacts()) + " contacts";
    report.add(Row.figure("scale-simulate-wall", work7 + ": wall", Row.seconds(big.path("wall").asDouble())
        + ", " + count(big.path("lines").asLong()) + " lines printed"));
    long heap = big.path("heap").asLong();
    long smallHeap = smaller.path("heap").asLong();
    report.add(Row.atMost("scale-simulate-heap", work7 + ": peak live heap vs " + count(small) + " contacts",
        Row.megabytes(heap), Row.megabytes(smallHeap), heap / (double) Math.max(1, smallHeap), 1.5));
    long invited = bigSync.path("invited").asLong();
    report.add(Row.check("scale-simulate-listed", work7 + ": surveys listed = invitations the first sync left waiting",
        count(big.path("surveyed").asLong()), count(invited), big.path("surveyed").asLong() == invited));
  }

  /** How often a live-heap run's meter forces a full collection. */
  private static final int LIVE_HEAP_EVERY_MS = 2_000;

  /** A first sync of the portal at {@code url} into a fresh H2 store named {@code name}, its meter on live data. */
  private JsonNode liveHeapSync(String name, String url, String token, Path work, int smtpPort) throws Exception {
    Path config = BenchConfig.hubspot(work.resolve(name + ".yaml"),
        new BenchConfig.H2(work.resolve(name).resolve("npsconnector")), url, token, smtpPort);
    NpsConfig loaded = ConfigLoader.load(config, Map.of());
    try (CrmAdapter adapter = Adapters.open(loaded, loaded.connection(BenchConfig.HUBSPOT).orElseThrow(),
        Clock.systemUTC())) {
      adapter.installFields(); // a no-op where they exist: as before a real first run
    }
    return jvm.run(name + "-first-sync", "first-sync", Map.of("config", config.toString(), "connection",
        BenchConfig.HUBSPOT, "unpaced", "true", "live-heap", Integer.toString(LIVE_HEAP_EVERY_MS)));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var files = Files.walk(root)) {
      for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** A fresh schema in the local PostgreSQL test database, dropped with everything in it when closed. */
  record PostgresSchema(String name) implements AutoCloseable {
    static final String USER = "postgres";
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    static PostgresSchema create() throws SQLException {
      String name = "nps_bench_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis() % 100_000;
      try (Connection connection = DriverManager.getConnection(URL, USER, "");
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA " + name);
      }
      return new PostgresSchema(name);
    }

    String url() {
      return URL + "?currentSchema=" + name;
    }

    @Override
    public void close() throws SQLException {
      try (Connection connection = DriverManager.getConnection(URL, USER, "");
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA " + name + " CASCADE");
      }
    }
  }
}
