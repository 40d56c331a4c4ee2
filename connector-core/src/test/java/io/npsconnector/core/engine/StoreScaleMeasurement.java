package io.npsconnector.core.engine;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.ForwardingCrmAdapter;
import io.npsconnector.core.testing.RecordingChannel;
import io.npsconnector.core.testing.TestClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A measurement, not a test: a first sync of N synthetic contacts (and one purchase per two contacts) from the
 * in-memory CRM into H2 (a file) and PostgreSQL, against the bare pull of the same pages, then a second
 * pass with nothing new. Prints wall time, process CPU time and the peak heap of each phase, and the H2
 * file's size before and after it is closed. Run it with the test classpath:
 *
 * <pre>
 * java -cp connector-core/target/test-classes:connector-core/target/classes:$(cat cp.txt) \
 *     io.npsconnector.core.engine.StoreScaleMeasurement 10000 100000 [h2|pg|both] [--latency=MS]
 * </pre>
 *
 * PostgreSQL is {@code NPS_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}) as
 * {@code postgres}; each run gets a schema of its own, dropped afterwards. {@code SCALE_PARTS=1} measures the first
 * sync's parts one by one instead ({@code SCALE_PARTS=sync}: the sync alone, read and store, without the passes,
 * against the bare pull). Kept free of test-only wiring so
 * that it can move to a benchmark module as it is.
 */
public final class StoreScaleMeasurement {
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private static final String CRM = "crm";
  private static final int PAGE_SIZE = 500;

  /** How long the CRM takes to answer a page ({@code --latency=MS}); 0, the in-memory CRM's own speed, by default. */
  private static int latencyMillis;

  private StoreScaleMeasurement() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    String stores = "both";
    for (String arg : args) {
      if (arg.startsWith("--latency=")) {
        latencyMillis = Integer.parseInt(arg.substring("--latency=".length()));
      } else if (arg.chars().allMatch(Character::isDigit)) {
        sizes.add(Integer.parseInt(arg));
      } else {
        stores = arg;
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(10_000, 100_000);
    }
    for (int size : sizes) {
      if (!stores.equals("pg")) {
        Path dir = Files.createTempDirectory("nps-scale");
        Path file = dir.resolve("store");
        run("H2", size, "jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000", "sa", file);
      }
      if (!stores.equals("h2")) {
        String server = System.getenv().getOrDefault("NPS_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String schema = "scale_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(server, "postgres", "");
            Statement statement = connection.createStatement()) {
          statement.execute("CREATE SCHEMA " + schema);
        }
        try {
          run("PostgreSQL", size, server + "?currentSchema=" + schema, "postgres", null);
        } finally {
          try (Connection connection = DriverManager.getConnection(server, "postgres", "");
              Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
          }
        }
      }
    }
  }

  private static void run(String store, int size, String url, String user, Path h2File) throws Exception {
    TestClock clock = new TestClock(T0);
    FakeCrmAdapter crm = FakeCrmAdapter.builder().connection(CRM).clock(clock).pageSize(PAGE_SIZE).build();
    crm.putContacts(contacts(size));
    crm.addEvents(events(size));
    CrmAdapter adapter = new ForwardingCrmAdapter(crm) {
      @Override
      public ChangePage readChanges(SyncCursor cursor) {
        ChangePage page = super.readChanges(cursor);
        try {
          Thread.sleep(latencyMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return page;
      }
    };
    Phase pull = Phase.measure(() -> {
      SyncCursor cursor = SyncCursor.START;
      ChangePage page;
      do {
        page = adapter.readChanges(cursor);
        cursor = page.next();
      } while (page.hasMore());
    });
    if (System.getenv("SCALE_PARTS") != null) {
      System.out.printf(Locale.ROOT, "%-10s n=%7d latency=%dms bare pull %dms (cpu %dms)%n", store, size, latencyMillis,
          pull.millis, pull.cpuMillis);
      parts(store, size, url, user, clock, adapter);
      return;
    }
    Database database = Database.open(url, user, "");
    Engine engine = Engine.builder(config(), database).adapter(CRM, adapter).channel(new RecordingChannel()).clock(clock)
        .settings(EngineSettings.defaults().withInstanceName("scale")).build();
    Engine.SyncReport[] report = new Engine.SyncReport[1];
    Phase first = Phase.measure(() -> report[0] = engine.syncAndTrigger(CRM));
    clock.advance(Duration.ofMinutes(5));
    Phase again = Phase.measure(() -> engine.syncAndTrigger(CRM));
    // the idle pass's parts, one by one
    TriggerService triggers = new TriggerService(config(), Stores.of(database), Scheduling.NONE, clock);
    Phase pending = Phase.measure(() -> triggers.evaluatePending(CRM));
    Phase planning = Phase.measure(() -> triggers.planRelationship(CRM));
    Phase reconcile = Phase.measure(() -> triggers.reconcile(CRM));
    System.out.printf(Locale.ROOT, "%-10s n=%7d idle parts: pending %dms, relationship planning %dms (heap %dMB), "
        + "reconcile %dms%n", store, size, pending.millis, planning.millis, planning.heapMb, reconcile.millis);
    long fileBefore = h2File == null ? 0 : size(h2File);
    engine.close();
    Phase close = Phase.measure(database::close);
    String files = "";
    if (h2File != null) {
      long fileAfter = size(h2File);
      files = String.format(Locale.ROOT, " h2-file open=%.1fMB closed=%.1fMB (close %dms)", fileBefore / 1e6,
          fileAfter / 1e6, close.millis);
    }
    System.out.printf(Locale.ROOT, "%-10s n=%7d latency=%dms pull %6dms cpu %6dms heap %5dMB | first sync+pass %6dms (%.2fx pull) "
            + "cpu %6dms (%.2fx) heap %5dMB | idle pass %5dms heap %5dMB | %s%s%n",
        store, size, latencyMillis, pull.millis, pull.cpuMillis, pull.heapMb, first.millis, first.millis / (double) pull.millis,
        first.cpuMillis, first.cpuMillis / (double) pull.cpuMillis, first.heapMb, again.millis, again.heapMb,
        report[0], files);
  }

  /** The first sync's parts, one by one, without scheduling the sends. */
  private static void parts(String store, int size, String url, String user, TestClock clock, CrmAdapter adapter) {
    try (Database database = Database.open(url, user, "")) {
      Stores stores = Stores.of(database);
      SyncService sync = new SyncService(stores, clock, EngineHooks.NONE, SyncProgress.NONE);
      TriggerService triggers = new TriggerService(config(), stores, Scheduling.NONE, clock);
      Phase read = Phase.measure(() -> sync.sync(CRM, adapter));
      if ("sync".equals(System.getenv("SCALE_PARTS"))) {
        System.out.printf(Locale.ROOT, "%-10s n=%7d latency=%dms first sync without the passes: sync %dms (cpu %dms)%n",
            store, size, latencyMillis, read.millis, read.cpuMillis);
        return;
      }
      Phase pending = Phase.measure(() -> triggers.evaluatePending(CRM));
      Phase planning = Phase.measure(() -> triggers.planRelationship(CRM));
      System.out.printf(Locale.ROOT, "%-10s n=%7d first sync parts: sync %dms (cpu %dms), event pass %dms (cpu %dms), "
              + "relationship planning %dms (cpu %dms)%n", store, size, read.millis, read.cpuMillis, pending.millis,
          pending.cpuMillis, planning.millis, planning.cpuMillis);
    }
  }

  private static long size(Path h2File) throws java.io.IOException {
    Path file = Path.of(h2File + ".mv.db");
    return Files.exists(file) ? Files.size(file) : 0;
  }

  private static List<Contact> contacts(int size) {
    List<Contact> contacts = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      contacts.add(Contact.builder(String.format(Locale.ROOT, "c%08d", i), T0.minus(Duration.ofDays(30))
              .plusSeconds(i % 86_400))
          .email("person" + i + "@example.com").firstName("Ada").lastName("Lovelace " + i).ownerId("owner-" + i % 50)
          .account("acc-" + i / 10, "Account " + i / 10).segment("region", i % 2 == 0 ? "EMEA" : "AMER").build());
    }
    return contacts;
  }

  private static List<InteractionEvent> events(int size) {
    List<InteractionEvent> events = new ArrayList<>(size / 2);
    for (int i = 0; i < size; i += 2) {
      events.add(new InteractionEvent("opp-" + i, EventKind.PURCHASE, T0.minus(Duration.ofHours(1 + i % 500)),
          List.of(String.format(Locale.ROOT, "c%08d", i)), Map.of("amount", Integer.toString(500 + i % 2000))));
    }
    return events;
  }

  private static NpsConfig config() {
    String yaml = """
        company: Acme Analytics
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: crm
            type: fake
            credentials:
              token: ${CRM_TOKEN}
            time-zone: Europe/Berlin
        channels:
          email:
            host: 127.0.0.1
            port: 2525
            tls: none
            from: nps@acme.example
        fatigue:
          days: 60
        send-window:
          quiet-hours: none
          weekdays: [mon, tue, wed, thu, fri, sat, sun]
        triggers:
          - name: post-purchase
            on: purchase
            filter: ["amount >= 1000"]
            max-event-age: 30d
          - name: quarterly
            on: relationship
            period: 90d
        """;
    return io.npsconnector.core.testing.FakeCrmProvider.parse("scale.yaml", yaml, Map.of("TOKEN_SECRET",
        "scale-measurement-token-secret-0123456789", "ADMIN_PASSWORD", "scale-measurement", "CRM_TOKEN", "scale"));
  }

  /** Wall time, process CPU time and peak heap of one phase. */
  private record Phase(long millis, long cpuMillis, long heapMb) {
    static Phase measure(Runnable work) {
      System.gc();
      List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
      pools.forEach(MemoryPoolMXBean::resetPeakUsage);
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu = os.getProcessCpuTime();
      long started = System.nanoTime();
      work.run();
      long millis = (System.nanoTime() - started) / 1_000_000;
      long cpuMillis = (os.getProcessCpuTime() - cpu) / 1_000_000;
      long peak = pools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
      return new Phase(Math.max(1, millis), Math.max(1, cpuMillis), peak / 1_000_000);
    }
  }
}
