package io.npsconnector.core.store;

import io.npsconnector.core.stats.NpsTally;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Not a test: computes every dashboard figure over N synthetic answers of the last year in an H2 file store and
 * prints the heap in use after each garbage collection while it does, to be run in a small heap:
 *
 * <pre>java -Xmx256m -cp ... io.npsconnector.core.store.ReportHeapMeasure 1000000 /tmp/report-heap</pre>
 */
public final class ReportHeapMeasure {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  private ReportHeapMeasure() {}

  public static void main(String[] args) throws Exception {
    int answers = Integer.parseInt(args[0]);
    Path directory = Path.of(args[1]);
    Files.createDirectories(directory);
    String url = "jdbc:h2:file:" + directory.resolve("store-" + answers).toAbsolutePath();
    boolean fresh = !Files.exists(directory.resolve("store-" + answers + ".mv.db"));
    try (Database database = Database.open(url, "sa", "")) {
      if (fresh) {
        fill(database, answers);
      }
      System.gc();
      long baseline = usedAfterGc();
      System.out.printf("store of %,d answers ready; heap after GC %d MB%n", answers, baseline >> 20);
      resetPeaks();
      ReportRepository reports = new ReportRepository(database.jdbi());
      AnswerFilter year = AnswerFilter.ALL.withFrom(NOW.minusSeconds(365L * 86_400)).withTo(NOW);
      long started = System.nanoTime();
      NpsTally overall = reports.scoreCounts(year).tally();
      System.out.printf("overall n=%d nps=%.1f%n", overall.n(), overall.nps().orElse(Double.NaN));
      reports.tallyByEach(year).forEach((dimension, groups) -> System.out.println(dimension + " " + groups.size()
          + " groups"));
      System.out.println("segments " + reports.tallyBySegment(year).get("region").size() + " values");
      List<Instant> weeks = new ArrayList<>();
      for (LocalDate monday = LocalDate.parse("2025-12-01"); !monday.isAfter(LocalDate.parse("2026-12-07"));
          monday = monday.plusWeeks(1)) {
        weeks.add(monday.atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      System.out.println("trend " + reports.tallyBetween(year, weeks).stream().mapToInt(NpsTally::n).sum()
          + " answers in " + (weeks.size() - 1) + " weeks");
      System.out.println("open detractors " + reports.openDetractors(year, 50).size());
      System.out.println("segment values " + reports.segmentValues().get("region").size());
      System.out.println("count " + reports.count(year) + ", sent " + reports.sent(year));
      long figures = System.nanoTime() - started;
      System.out.printf("dashboard figures in %d ms; peak heap after GC while computing them: %d MB%n",
          figures / 1_000_000, peakAfterGc() >> 20);
      resetPeaks();
      long exported = reports.forEach(year, row -> { });
      System.out.printf("export of %,d rows paged; peak heap after GC while exporting: %d MB%n", exported,
          peakAfterGc() >> 20);
    }
  }

  private static void fill(Database database, int answers) {
    int contacts = Math.max(1, answers / 10);
    SplittableRandom random = new SplittableRandom(17);
    String[] regions = {"EMEA", "emea", "APAC", "AMER", "LATAM"};
    Instant start = NOW.minusSeconds(365L * 86_400);
    database.jdbi().useHandle(handle -> {
      for (int from = 0; from < contacts; from += 10_000) {
        var contactRows = handle.prepareBatch("INSERT INTO contacts (connection, crm_id, email, first_name, last_name, "
            + "segments, crm_modified_at, synced_at) VALUES ('crm', :id, :email, 'First', :id, :segments, :at, :at)");
        var segmentRows = handle.prepareBatch("INSERT INTO contact_segments (connection, crm_id, segment, value_key, "
            + "segment_value) VALUES ('crm', :id, 'region', :key, :value)");
        for (int c = from; c < Math.min(contacts, from + 10_000); c++) {
          String region = regions[c % regions.length];
          contactRows.bind("id", "c" + c).bind("email", "c" + c + "@example.com")
              .bind("segments", "{\"region\":\"" + region + "\"}").bind("at", java.sql.Timestamp.from(start)).add();
          segmentRows.bind("id", "c" + c).bind("key", SegmentValues.key(region)).bind("value", region).add();
        }
        contactRows.execute();
        segmentRows.execute();
      }
      for (int from = 0; from < answers; from += 10_000) {
        var invitations = handle.prepareBatch("INSERT INTO invitations (id, connection, trigger_name, dedup_key, "
            + "contact_crm_id, channel, state, send_at, sent_at, created_at, updated_at) VALUES (:id, 'crm', :trigger, "
            + ":key, :contact, 'email', 'ANSWERED', :at, :at, :at, :at)");
        var answerRows = handle.prepareBatch("INSERT INTO answers (invitation_id, score, comment_text, answered_at, "
            + "updated_at) VALUES (:id, :score, :comment, :at, :at)");
        for (int a = from; a < Math.min(answers, from + 10_000); a++) {
          // in the order they came, as a store that grew over the year holds them: ids follow the answer times
          Instant at = start.plusSeconds(365L * 86_400 * a / answers + random.nextLong(60));
          int score = random.nextInt(11);
          invitations.bind("id", (long) a + 1).bind("trigger", a % 3 == 0 ? "won" : "relationship")
              .bind("key", "k" + a).bind("contact", "c" + (a % contacts)).bind("at", java.sql.Timestamp.from(at)).add();
          answerRows.bind("id", (long) a + 1).bind("score", score)
              .bind("comment", score <= 6 ? Optional.of("too slow " + a).get() : null)
              .bind("at", java.sql.Timestamp.from(at)).add();
        }
        invitations.execute();
        answerRows.execute();
      }
    });
    System.out.printf("filled %,d contacts and %,d answers%n", contacts, answers);
  }

  private static final java.util.concurrent.atomic.AtomicLong PEAK = new java.util.concurrent.atomic.AtomicLong();

  static {
    // every collection reports the heap it left in use; the largest since the last reset is the figure
    for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((javax.management.NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
        if (com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
            .equals(notification.getType())) {
          var info = com.sun.management.GarbageCollectionNotificationInfo.from(
              (javax.management.openmbean.CompositeData) notification.getUserData());
          long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
              .mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
          PEAK.accumulateAndGet(used, Math::max);
        }
      }, null, null);
    }
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
        .filter(pool -> pool.getCollectionUsage() != null).toList();
  }

  private static long usedAfterGc() {
    return heapPools().stream().mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum();
  }

  private static void resetPeaks() throws InterruptedException {
    System.gc();
    Thread.sleep(200); // the notification of that collection arrives on another thread
    PEAK.set(usedAfterGc());
  }

  /** The most heap in use after a collection since the last reset, as the collectors report it. */
  private static long peakAfterGc() throws InterruptedException {
    Thread.sleep(200);
    return PEAK.get();
  }
}
