package io.npsconnector.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.app.writeback.ServiceProcess;
import io.npsconnector.app.writeback.SteppingClock;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closing figures of "nothing twice in the CRM", on the demo's data and configuration: both sandboxes seeded
 * as the demo seeds them, the demo's events, its mail server capturing every mail. The demo's share of
 * respondents answers; every answer is submitted, then resubmitted twice; after each submission round the
 * write-back runs in processes that are killed right after a CRM acknowledged a batch (the
 * {@code writeback.acknowledged} hook, before the store's commit), ten kills in all, each followed by a new
 * process on the same store. Counted in the sandboxes and at the SMTP server: per answer exactly one timeline
 * entry, at most one follow-up task, one invitation mail; the counts are printed as a table.
 */
class DemoExactlyOnceTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  /** Kills per submission round and CRM (HubSpot, Salesforce): ten in all. */
  private static final int[][] KILLS = {{2, 2}, {2, 2}, {1, 1}};
  private static final int SUBMISSIONS = 3;

  @TempDir Path dir;
  private final SteppingClock clock = new SteppingClock(T0);
  private final List<AutoCloseable> open = new ArrayList<>();
  private int killed;

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** One answered invitation: its CRM, contact and the scores of its three submissions. */
  private record Answered(String connection, long invitation, String contactId, int[] scores) {}

  /** What one CRM holds and the mail server caught, per answer. */
  private record Counts(String connection, int answers, Map<String, Integer> entries, Map<String, Integer> tasks,
      Map<String, Integer> mails) {}

  @Test
  void everyAnswerLeavesOneTimelineEntryAtMostOneTaskAndOneMailAfterResubmissionsAndTenKills() throws Exception {
    long started = System.nanoTime();
    Demo.Options demo = Demo.Options.defaults(dir.resolve("data"), 0);
    HubSpotSandbox hubspot = HubSpotSandbox.seeded(demo.seed(), demo.contactsPerCrm(), clock);
    SalesforceSandbox salesforce = SalesforceSandbox.seeded(demo.seed() + 1, demo.contactsPerCrm(), clock);
    open.add(hubspot);
    open.add(salesforce);
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp"));
    smtp.start();
    open.add(smtp::stop);
    NpsConfig config = ConfigLoader.parse("demo configuration", Demo.configuration(demo.dataDir(), freePort(),
        hubspot.start(), salesforce.start(), smtp.getSmtp().getPort()), Map.of());
    Database database = Database.open(config.store());
    open.add(database);

    List<Answered> answered = surveyAsTheDemoDoes(config, database, hubspot, salesforce, demo);
    for (int round = 0; round < SUBMISSIONS; round++) {
      clock.advance(Duration.ofMinutes(5));
      try (ServiceProcess answering = process(config, EngineHooks.NONE)) {
        for (Answered answer : answered) {
          int score = answer.scores()[round];
          answering.engine().answer(answer.invitation(), score, Optional.of("comment " + score));
        }
      }
      writeBackDying(config, Demo.HUBSPOT, KILLS[round][0]);
      writeBackDying(config, Demo.SALESFORCE, KILLS[round][1]);
    }
    assertThat(killed).as("processes killed at the commit hook").isEqualTo(10);

    Map<String, Integer> mails = mailsByAddress(smtp);
    List<Counts> counts = List.of(hubSpotCounts(hubspot, only(answered, Demo.HUBSPOT), mails),
        salesforceCounts(salesforce, only(answered, Demo.SALESFORCE), mails));
    print(counts, answered.size(), killed, Duration.ofNanos(System.nanoTime() - started));
    for (Counts crm : counts) {
      assertThat(crm.answers()).as("answers in %s", crm.connection()).isPositive();
      assertThat(crm.entries()).as("timeline entries per answer in %s", crm.connection()).hasSize(crm.answers())
          .allSatisfy((contact, n) -> assertThat(n).as("timeline entries of %s", contact).isEqualTo(1));
      assertThat(crm.tasks()).as("follow-up tasks per answer in %s", crm.connection()).hasSize(crm.answers())
          .allSatisfy((contact, n) -> assertThat(n).as("follow-up tasks of %s", contact).isBetween(0, 1));
      assertThat(crm.mails()).as("invitation mails per answer in %s", crm.connection()).hasSize(crm.answers())
          .allSatisfy((contact, n) -> assertThat(n).as("mails to %s", contact).isEqualTo(1));
    }
    assertThat(counts).as("some answer was a detractor at the end, with its task")
        .anyMatch(crm -> crm.tasks().containsValue(1));
  }

  /**
   * As the demo: fields installed, a backfill sync, the demo's new events, a second sync, every due invitation
   * sent; the demo's share of the invitations is answered, each with three scores drawn from the demo's seed.
   */
  private List<Answered> surveyAsTheDemoDoes(NpsConfig config, Database database, HubSpotSandbox hubspot,
      SalesforceSandbox salesforce, Demo.Options demo) {
    try (ServiceProcess first = process(config, EngineHooks.NONE)) {
      first.get(CrmAdapters.class).open(config.connection(Demo.HUBSPOT).orElseThrow()).installFields();
      for (String connection : List.of(Demo.HUBSPOT, Demo.SALESFORCE)) {
        first.engine().syncAndTrigger(connection);
      }
      clock.advance(Duration.ofMinutes(1));
      hubspot.addEventsNow(demo.newEventsPerCrm());
      salesforce.addEventsNow(demo.newEventsPerCrm());
      clock.advance(Duration.ofMinutes(10));
      InvitationRepository invitations = new InvitationRepository(database.jdbi());
      Random respondents = new Random(demo.seed());
      List<Answered> answered = new ArrayList<>();
      for (String connection : List.of(Demo.HUBSPOT, Demo.SALESFORCE)) {
        first.engine().syncAndTrigger(connection);
        for (Invitation invitation : invitations.inStates(connection, InvitationState.SCHEDULED)) {
          if (!invitation.sendAt().isAfter(clock.instant()) && "SENT".equals(first.engine().send(invitation.id()))
              && respondents.nextDouble() < demo.answerShare()) {
            int[] scores = new int[SUBMISSIONS];
            for (int round = 0; round < SUBMISSIONS; round++) {
              scores[round] = respondents.nextInt(11);
            }
            answered.add(new Answered(connection, invitation.id(), invitation.contactId(), scores));
          }
        }
      }
      return answered;
    }
  }

  /**
   * Write-back of one connection: {@code kills} processes in turn, the first killed after the CRM acknowledged
   * its first batch, each next one after its second (the first is its predecessor's unrecorded batch again),
   * then a clean one that finishes the queue.
   */
  private void writeBackDying(NpsConfig config, String connection, int kills) {
    for (int kill = 0; kill < kills; kill++) {
      try (ServiceProcess dying = process(config, new ServiceProcess.KillAt(kill == 0 ? 1 : 2))) {
        dying.engine().flushWritebacks(connection);
      } catch (ServiceProcess.Killed expected) {
        killed++; // the process is gone; the next one starts on the same store and CRM
      }
      clock.advance(Duration.ofMinutes(1));
    }
    try (ServiceProcess clean = process(config, EngineHooks.NONE)) {
      Engine.FlushReport report = clean.engine().flushWritebacks(connection);
      assertThat(report.failed()).as("records %s refused", connection).isZero();
      assertThat(report.retryLater()).as("records of %s left for later", connection).isZero();
    }
  }

  private Counts hubSpotCounts(HubSpotSandbox hubspot, List<Answered> answers, Map<String, Integer> mails) {
    Map<String, Integer> entries = perAnswer(answers);
    Map<String, Integer> tasks = perAnswer(answers);
    hubspot.notes().forEach(note -> note.contactIds().forEach(contact -> entries.merge(contact, 1, Integer::sum)));
    hubspot.tasks().forEach(task -> task.contactIds().forEach(contact -> tasks.merge(contact, 1, Integer::sum)));
    Map<String, Integer> mailed = perAnswer(answers);
    answers.forEach(answer -> mailed.put(answer.contactId(), mails.getOrDefault(
        hubspot.contact(answer.contactId()).get("email").toLowerCase(Locale.ROOT), 0)));
    return new Counts(Demo.HUBSPOT, answers.size(), entries, tasks, mailed);
  }

  /** Timeline entries and follow-up tasks are both Tasks in Salesforce, told apart by the engine's key on them. */
  private Counts salesforceCounts(SalesforceSandbox salesforce, List<Answered> answers, Map<String, Integer> mails) {
    Map<String, Integer> entries = perAnswer(answers);
    Map<String, Integer> tasks = perAnswer(answers);
    for (Map<String, String> task : salesforce.tasks()) {
      String key = task.getOrDefault("NPS_Key__c", "");
      if (key.startsWith("activity:")) {
        entries.merge(task.get("WhoId"), 1, Integer::sum);
      } else if (key.startsWith("task:")) {
        tasks.merge(task.get("WhoId"), 1, Integer::sum);
      }
    }
    Map<String, Integer> mailed = perAnswer(answers);
    answers.forEach(answer -> mailed.put(answer.contactId(), mails.getOrDefault(
        salesforce.contact(answer.contactId()).orElseThrow().get("Email").toLowerCase(Locale.ROOT), 0)));
    return new Counts(Demo.SALESFORCE, answers.size(), entries, tasks, mailed);
  }

  /** A zero for every answer's contact (one invitation per contact: the demo's fatigue is 60 days). */
  private static Map<String, Integer> perAnswer(List<Answered> answers) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    answers.forEach(answer -> counts.put(answer.contactId(), 0));
    assertThat(counts).as("one answer per contact").hasSameSizeAs(answers);
    return counts;
  }

  private static List<Answered> only(List<Answered> answered, String connection) {
    return answered.stream().filter(answer -> answer.connection().equals(connection)).toList();
  }

  private static Map<String, Integer> mailsByAddress(GreenMail smtp) throws Exception {
    Map<String, Integer> mails = new HashMap<>();
    for (MimeMessage message : smtp.getReceivedMessages()) {
      for (Address to : message.getAllRecipients()) {
        mails.merge(((InternetAddress) to).getAddress().toLowerCase(Locale.ROOT), 1, Integer::sum);
      }
    }
    return mails;
  }

  private static void print(List<Counts> counts, int answers, int kills, Duration took) {
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%nDemo data, %d answers each submitted %d times, %d processes killed at writeback.acknowledged (%d s)%n",
        answers, SUBMISSIONS, kills, took.toSeconds()));
    table.append(String.format(Locale.ROOT, "%-16s %8s %17s %16s %17s%n", "CRM", "answers",
        "timeline entries", "follow-up tasks", "invitation mails"));
    for (Counts crm : counts) {
      table.append(String.format(Locale.ROOT, "%-16s %8d %17s %16s %17s%n", crm.connection(), crm.answers(),
          figure(crm.entries()), figure(crm.tasks()), figure(crm.mails())));
    }
    table.append("(total, then per answer: min-max)");
    System.out.println(table);
  }

  private static String figure(Map<String, Integer> perAnswer) {
    int total = perAnswer.values().stream().mapToInt(Integer::intValue).sum();
    int min = perAnswer.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    int max = perAnswer.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return total + " (" + min + "-" + max + ")";
  }

  private ServiceProcess process(NpsConfig config, EngineHooks hooks) {
    return new ServiceProcess(config, clock, hooks, binder -> { });
  }

  private static int freePort() {
    return io.npsconnector.core.testing.FreePorts.block(1);
  }
}
