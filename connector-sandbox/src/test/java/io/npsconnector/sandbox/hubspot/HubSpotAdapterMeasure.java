package io.npsconnector.sandbox.hubspot;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.hubspot.HubSpotProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Measures the HubSpot adapter under HubSpot's limits, with its default settings, through its SPI: a
 * first-sync pull of a seeded sandbox portal, then a write-back of NPS answers (contact properties,
 * timeline notes, follow-up tasks for detractors, account roll-ups) in batches of 100 of one kind, as the
 * engine sends them. Prints the calls the sandbox counted, its 429s, the time, the bound the limits set
 * (the busier of searches / (searches per second) and requests / (requests per 10 s) x 10 s) and the ratio.
 * Not a test: a run takes about as long as the limits make it.
 *
 * <p>Arguments: {@code [contacts (20000)] [answers (10000)] [requests per 10 s (100)] [searches per s (5)]}.
 *
 * <p>{@code limits [passes (50)] [task reads (250)]} measures the pacing alone, where the sandbox answers at
 * once: incremental syncs of an empty portal (three searches each) and batch reads of tasks that do not
 * exist, through the same SPI.
 */
public final class HubSpotAdapterMeasure {
  private static final String YAML = """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: hubspot-bench
          type: hubspot
          base-url: ${BASE_URL}
          credentials:
            token: ${HUBSPOT_TOKEN}
      channels:
        email:
          host: smtp.example.com
          from: nps@example.com
      """;

  private HubSpotAdapterMeasure() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("limits")) {
      limits(args.length > 1 ? Integer.parseInt(args[1]) : 50, args.length > 2 ? Integer.parseInt(args[2]) : 250);
      return;
    }
    int contacts = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int answers = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int perTenSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int searchPerSecond = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    try (HubSpotSandbox sandbox = HubSpotSandbox.seeded(17, contacts).rateLimit(perTenSeconds)
        .searchLimit(searchPerSecond).dailyLimit(10_000_000)) {
      sandbox.start();
      try (CrmAdapter adapter = adapter(sandbox)) {
        adapter.installFields();
        Thread.sleep(11_000); // the installation's calls leave every rate window
        sandbox.reset();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        List<Contact> read = new ArrayList<>();
        int events = 0;
        int pages = 0;
        SyncCursor cursor = SyncCursor.START;
        while (true) {
          ChangePage page = adapter.readChanges(cursor);
          pages++;
          read.addAll(page.contacts());
          events += page.events().size();
          cursor = page.next();
          if (!page.hasMore()) {
            break;
          }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        report(String.format("pull of %,d contacts (%,d events, %d pages, adapter thread CPU %.1f s)", read.size(),
            events, pages, cpuSeconds), sandbox, seconds, perTenSeconds, searchPerSecond);

        Thread.sleep(11_000);
        sandbox.reset();
        List<List<WriteRequest>> batches = writeBack(read, answers);
        int records = batches.stream().mapToInt(List::size).sum();
        started = System.nanoTime();
        int failed = 0;
        for (List<WriteRequest> batch : batches) {
          for (RecordResult result : adapter.write(batch)) {
            failed += result.success() ? 0 : 1;
          }
        }
        seconds = (System.nanoTime() - started) / 1e9;
        report(String.format("write-back of %,d answers (%,d records in %d batches, %d failed)", answers, records,
            batches.size(), failed), sandbox, seconds, perTenSeconds, searchPerSecond);
      }
    }
  }

  private static void limits(int passes, int taskReads) throws Exception {
    try (HubSpotSandbox sandbox = HubSpotSandbox.seeded(17, 0).rateLimit(100).searchLimit(5)
        .dailyLimit(10_000_000)) {
      sandbox.start();
      try (CrmAdapter adapter = adapter(sandbox)) {
        SyncCursor cursor = adapter.readChanges(SyncCursor.START).next(); // reads the pipelines once
        Thread.sleep(11_000);
        sandbox.reset();
        long started = System.nanoTime();
        for (int i = 0; i < passes; i++) {
          cursor = adapter.readChanges(cursor).next();
        }
        report(String.format("%d incremental syncs of an empty portal", passes), sandbox,
            (System.nanoTime() - started) / 1e9, 100, 5);
        Thread.sleep(11_000);
        sandbox.reset();
        started = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          ids.add(Long.toString(990_000_000L + i));
        }
        for (int i = 0; i < taskReads; i++) {
          adapter.readTasks(ids);
        }
        report(String.format("%d batch reads of 100 tasks", taskReads), sandbox, (System.nanoTime() - started) / 1e9,
            100, 5);
      }
    }
  }

  private static CrmAdapter adapter(HubSpotSandbox sandbox) {
    NpsConfig config = ConfigLoader.parse("bench.yaml", YAML, Map.of("TOKEN_SECRET",
        "0123456789abcdef0123456789abcdef", "ADMIN_PASSWORD", "correct-horse", "HUBSPOT_TOKEN", sandbox.token(),
        "BASE_URL", sandbox.url()));
    return new HubSpotProvider().create(config.connections().get(0),
        new AdapterContext(Clock.systemUTC(), config.writeback()));
  }

  private static void report(String what, HubSpotSandbox sandbox, double seconds, int perTenSeconds,
      int searchPerSecond) {
    Map<String, Integer> calls = sandbox.calls();
    int searches = calls.entrySet().stream().filter(e -> e.getKey().startsWith("search")).mapToInt(Map.Entry::getValue)
        .sum();
    int requests = sandbox.totalCalls() - searches;
    double bound = Math.max(searches / (double) searchPerSecond, requests * 10.0 / perTenSeconds);
    System.out.printf("%s: %.1f s, %d searches + %d other calls, %d x 429; bound %.1f s; ratio %.2f%n  calls: %s%n",
        what, seconds, searches, requests, sandbox.rateLimited(), bound, seconds / bound, calls);
  }

  /**
   * As the engine writes {@code answers} answers back: per answer the contact's NPS and a timeline note, a
   * follow-up task per detractor, then each answering account's roll-up; batches of 100 of one kind.
   */
  private static List<List<WriteRequest>> writeBack(List<Contact> contacts, int answers) {
    List<WriteRequest> scores = new ArrayList<>();
    List<WriteRequest> notes = new ArrayList<>();
    List<WriteRequest> tasks = new ArrayList<>();
    Set<String> accounts = new LinkedHashSet<>();
    Instant at = Instant.now().minusSeconds(3_600);
    for (int i = 0; i < answers; i++) {
      Contact contact = contacts.get(i % contacts.size());
      int score = i % 11;
      String category = score <= 6 ? "detractor" : score <= 8 ? "passive" : "promoter";
      scores.add(new WriteRequest.ContactNps("score-" + i, contact.crmId(), score, category, at,
          Optional.of("comment " + i)));
      notes.add(new WriteRequest.TimelineActivity("note-" + i, contact.crmId(), "NPS answer: " + score,
          "Answered " + score + ": comment " + i, at));
      if (score <= 6) {
        tasks.add(new WriteRequest.FollowUpTask("task-" + i, contact.crmId(), contact.ownerId(),
            "Call back: NPS " + score, "comment " + i, LocalDate.now().plusDays(2), "HIGH"));
      }
      contact.accountId().ifPresent(accounts::add);
    }
    List<WriteRequest> rollups = new ArrayList<>();
    for (String account : accounts) {
      rollups.add(new WriteRequest.AccountNps("account-" + account, account, OptionalDouble.of(12.5), 8,
          OptionalDouble.of(-20), OptionalDouble.of(40)));
    }
    List<List<WriteRequest>> batches = new ArrayList<>();
    for (List<WriteRequest> kind : List.of(scores, notes, tasks, rollups)) {
      for (int from = 0; from < kind.size(); from += 100) {
        batches.add(kind.subList(from, Math.min(kind.size(), from + 100)));
      }
    }
    return batches;
  }
}
