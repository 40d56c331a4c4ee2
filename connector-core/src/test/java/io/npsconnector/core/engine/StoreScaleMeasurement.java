package io.npsconnector.core.engine;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
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
 * A measurement, not a test: a first sync of N synthetic contacts (and one purchase per two contacts) from a CRM
 * that makes its pages as they are read (it holds none, so that the store is what is measured, in a small heap)
 * into H2 (a file) and PostgreSQL, against the bare pull of the same pages, then a second pass with nothing new and
 * its parts. Prints wall time, process CPU time, the peak heap and the peak heap after a collection (what is
 * really held) of each phase, the store's time per page (between one page read and the next read), and the H2
 * file's largest size while open and its size once closed (compacted: its data). Run it with the test classpath:
 *
 * <pre>
 * java -Xmx256m -cp connector-core/target/test-classes:connector-core/target/classes:$(cat cp.txt) \
 *     io.npsconnector.core.engine.StoreScaleMeasurement 10000 100000 [h2|pg|both] [--latency=MS] [--page=N]
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
  /** Contacts per CRM page ({@code --page=N}): 100 as HubSpot's search, 2000 as Salesforce's query. */
  private static int pageSize = 500;

  /** How long the CRM takes to answer a page ({@code --latency=MS}); 0, the in-memory CRM's own speed, by default. */
  private static int latencyMillis;

  private StoreScaleMeasurement() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    String stores = "both";
    for (String arg : args) {
      if (arg.startsWith("--page=")) {
        pageSize = Integer.parseInt(arg.substring("--page=".length()));
      } else if (arg.startsWith("--latency=")) {
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
        run("H2", size, "jdbc:h2:file:" + file + System.getProperty("scale.h2Settings", Database.H2_SETTINGS), "sa",
            file);
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
          if (System.getenv("SCALE_KEEP") != null) {
            System.out.println("kept schema " + schema);
            continue;
          }
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
    SyntheticCrm adapter = new SyntheticCrm(size, clock);
    Phase pull = Phase.measure(() -> {
      SyncCursor cursor = SyncCursor.START;
      ChangePage page;
      do {
        page = adapter.readChanges(cursor);
        cursor = page.next();
      } while (page.hasMore());
    });
    adapter.readMillis.set(0);
    adapter.storeMillis.set(0);
    adapter.pages.set(0);
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
    FileSampler file = h2File == null ? null : FileSampler.start(Path.of(h2File + ".mv.db"));
    Phase first = Phase.measure(() -> report[0] = engine.syncAndTrigger(CRM));
    long storeMillis = adapter.storeMillis.get();
    int pages = adapter.pages.get();
    clock.advance(Duration.ofMinutes(5));
    Phase again = Phase.measure(() -> engine.syncAndTrigger(CRM));
    // the idle pass's parts, one by one
    TriggerService triggers = new TriggerService(config(), Stores.of(database), Scheduling.NONE, clock);
    Phase pending = Phase.measure(() -> triggers.evaluatePending(CRM));
    Phase planning = Phase.measure(() -> triggers.planRelationship(CRM));
    Phase reconcile = Phase.measure(() -> triggers.reconcile(CRM));
    // the next day: the day's relationship plan is made again, over the whole base
    clock.advance(Duration.ofDays(1));
    Phase nextDay = Phase.measure(() -> triggers.planRelationship(CRM));
    System.out.printf(Locale.ROOT, "%-10s n=%7d idle parts: pending %dms, relationship planning %dms, reconcile %dms;"
            + " next day's planning %dms (cpu %dms, heap after gc %dMB)%n", store, size, pending.millis,
        planning.millis, reconcile.millis, nextDay.millis, nextDay.cpuMillis, nextDay.liveMb);
    long openMax = file == null ? 0 : file.stop();
    engine.close();
    Phase close = Phase.measure(database::close);
    String files = "";
    if (h2File != null) {
      long closed = size(h2File);
      files = String.format(Locale.ROOT, " | h2-file largest open=%.1fMB closed=%.1fMB (%.2fx) close %dms",
          openMax / 1e6, closed / 1e6, openMax / (double) Math.max(1, closed), close.millis);
    }
    System.out.printf(Locale.ROOT, "%-10s n=%7d page=%d latency=%dms pull %6dms cpu %6dms | first sync+pass %6dms "
            + "(%.2fx pull) cpu %6dms (%.2fx) heap %4dMB after-gc %4dMB | store %.1fms/page over %d pages | idle pass "
            + "%5dms cpu %5dms after-gc %4dMB | %s%s%n",
        store, size, pageSize, latencyMillis, pull.millis, pull.cpuMillis, first.millis,
        first.millis / (double) pull.millis, first.cpuMillis, first.cpuMillis / (double) pull.cpuMillis, first.heapMb,
        first.liveMb, storeMillis / (double) Math.max(1, pages), pages, again.millis, again.cpuMillis, again.liveMb,
        report[0], files);
  }

  /** The first sync's parts, one by one, without scheduling the sends. */
  private static void parts(String store, int size, String url, String user, TestClock clock, SyntheticCrm adapter) {
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
      System.out.printf(Locale.ROOT, "%-10s n=%7d page=%d first sync parts: sync %dms (cpu %dms, store %.1fms/page, "
              + "after-gc %dMB), event pass %dms (cpu %dms, after-gc %dMB), relationship planning %dms (cpu %dms, "
              + "after-gc %dMB)%n", store, size, pageSize, read.millis, read.cpuMillis,
          adapter.storeMillis.get() / (double) Math.max(1, adapter.pages.get()), read.liveMb, pending.millis,
          pending.cpuMillis, pending.liveMb, planning.millis, planning.cpuMillis, planning.liveMb);
    }
  }

  private static long size(Path h2File) throws java.io.IOException {
    Path file = Path.of(h2File + ".mv.db");
    return Files.exists(file) ? Files.size(file) : 0;
  }

  private static Contact contact(int i) {
    return Contact.builder(String.format(Locale.ROOT, "c%08d", i), T0.minus(Duration.ofDays(30)).plusSeconds(i % 86_400))
        .email("person" + i + "@example.com").firstName("Ada").lastName("Lovelace " + i).ownerId("owner-" + i % 50)
        .account("acc-" + i / 10, "Account " + i / 10).segment("region", i % 2 == 0 ? "EMEA" : "AMER").build();
  }

  private static InteractionEvent purchase(int i) {
    return new InteractionEvent("opp-" + i, EventKind.PURCHASE, T0.minus(Duration.ofHours(1 + i % 500)),
        List.of(String.format(Locale.ROOT, "c%08d", i)), Map.of("amount", Integer.toString(500 + i % 2000)));
  }

  /**
   * A CRM of {@code size} contacts (and a purchase per two) that makes each page when it is read: the cursor is the
   * next contact's number. Counts the pages read and the time between a page's return and the next read (what the
   * engine spent storing it).
   */
  static final class SyntheticCrm extends ForwardingCrmAdapter {
    private final int size;
    final java.util.concurrent.atomic.AtomicLong readMillis = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong storeMillis = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicInteger pages = new java.util.concurrent.atomic.AtomicInteger();
    private long returnedAt;

    SyntheticCrm(int size, TestClock clock) {
      super(FakeCrmAdapter.builder().connection(CRM).clock(clock).pageSize(pageSize).build());
      this.size = size;
    }

    @Override
    public ChangePage readChanges(SyncCursor cursor) {
      long started = System.nanoTime();
      if (returnedAt != 0 && !cursor.value().isEmpty()) {
        storeMillis.addAndGet((started - returnedAt) / 1_000_000);
        pages.incrementAndGet();
      }
      int from = cursor.value().isEmpty() ? 0 : Integer.parseInt(cursor.value());
      int to = Math.min(size, from + pageSize);
      List<Contact> contacts = new ArrayList<>(to - from);
      List<InteractionEvent> events = new ArrayList<>();
      for (int i = from; i < to; i++) {
        contacts.add(contact(i));
        if (i % 2 == 0) {
          events.add(purchase(i));
        }
      }
      try {
        Thread.sleep(latencyMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ChangePage page = new ChangePage(contacts, events, new SyncCursor(Integer.toString(to)), to < size, 1);
      returnedAt = to < size ? System.nanoTime() : 0;
      readMillis.addAndGet((System.nanoTime() - started) / 1_000_000);
      return page;
    }
  }

  /** The largest size of a file, sampled every 200 ms on a thread of its own until stopped. */
  private static final class FileSampler {
    private final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    static FileSampler start(Path file) {
      FileSampler sampler = new FileSampler();
      sampler.thread = new Thread(() -> {
        while (sampler.running) {
          try {
            if (Files.exists(file)) {
              sampler.max.accumulateAndGet(Files.size(file), Math::max);
            }
            Thread.sleep(200);
          } catch (java.io.IOException e) {
            // the file is being replaced: the next sample reads it
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "h2-file-sampler");
      sampler.thread.setDaemon(true);
      sampler.thread.start();
      return sampler;
    }

    long stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
      return max.get();
    }
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

  /**
   * Wall time, process CPU time, peak heap and peak heap after a collection of one phase: the latter is what the
   * phase really held (the peak also counts garbage not collected yet).
   */
  private record Phase(long millis, long cpuMillis, long heapMb, long liveMb) {
    private static final java.util.concurrent.atomic.AtomicLong LIVE = new java.util.concurrent.atomic.AtomicLong();

    static {
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((javax.management.NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
          if (notification.getType().equals(
              com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                (javax.management.openmbean.CompositeData) notification.getUserData());
            long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                .mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
            LIVE.accumulateAndGet(used, Math::max);
          }
        }, null, null);
      }
    }

    static Phase measure(Runnable work) {
      System.gc();
      List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
      pools.forEach(MemoryPoolMXBean::resetPeakUsage);
      LIVE.set(0);
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu = os.getProcessCpuTime();
      long started = System.nanoTime();
      work.run();
      long millis = (System.nanoTime() - started) / 1_000_000;
      long cpuMillis = (os.getProcessCpuTime() - cpu) / 1_000_000;
      long peak = pools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
      System.gc();
      long live = Math.max(LIVE.get(), pools.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum());
      return new Phase(Math.max(1, millis), Math.max(1, cpuMillis), peak / 1_000_000, live / 1_000_000);
    }
  }
}
