package io.npsconnector.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.npsconnector.app.service.Composition;
import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.testing.PostgresDatabase;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/**
 * The chaos suite of issue 18: real service processes ({@link ChaosInstance}) on one PostgreSQL database, both
 * CRM sandboxes and an SMTP server in this JVM, while a driver makes new CRM events (won deals, closed tickets,
 * won Opportunities, closed Cases) and answers the mailed invitations through the survey pages over HTTP, and
 * a killer sends SIGKILL to a running instance at seeded random times and starts it again (some instances are
 * also started to halt themselves at a seeded engine hook point). Then the instances settle and the suite
 * counts, from the SMTP server, the sandboxes and the store: one mail per invitation, one invitation per
 * (trigger, event, contact), every event the driver made stored and decided, every acknowledged answer stored
 * and written back once, nothing stuck. The seed is printed with the counts and read from
 * {@code -Dnpsconnector.chaos.seed}.
 */
@Tag("chaos")
class ChaosSuiteTest {
  @RegisterExtension static PostgresDatabase postgres = new PostgresDatabase();

  private static final String SECRET = "chaos-only-token-secret-0123456789abcdef";
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final Pattern SURVEY_LINK = Pattern.compile("https?://[^\\s\"<>/]+/s/([A-Za-z0-9_.-]+)\\?score=");
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final List<String> HOOK_POINTS = List.of(EngineHooks.SYNC_STORED, EngineHooks.SEND_CLAIMED,
      EngineHooks.SEND_DELIVERED, EngineHooks.ANSWER_STORED, EngineHooks.WRITEBACK_ACKNOWLEDGED);

  /** Where each instance's output stays for a look after a failure. */
  private final Path dir = Path.of("target", "chaos");
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void oneInstanceKilledTwentyTimesLosesAndDoublesNothing() throws Exception {
    new Campaign("one", 1, 20, seed()).run();
  }

  @Test
  void threeInstancesOnOneDatabaseKilledTwentyTimesLoseAndDoubleNothing() throws Exception {
    new Campaign("three", 3, 20, seed() + 1).run();
  }

  private static long seed() {
    return Long.getLong("npsconnector.chaos.seed", 20261206L);
  }

  /** One run: its own schema, sandboxes, SMTP server and instances. */
  private final class Campaign {
    private final String name;
    private final int instances;
    private final int kills;
    private final long seed;
    private final Random random;
    private final String schema;
    private final String url;
    private HubSpotSandbox hubspot;
    private SalesforceSandbox salesforce;
    private GreenMail smtp;
    private Path configFile;
    private final List<Slot> slots = new ArrayList<>();
    /** Events the driver made: connection to CRM ids. */
    private final Map<String, List<String>> created = new ConcurrentHashMap<>();
    /** Acknowledged answers (the survey page redirected to its thanks page): invitation id to score. */
    private final Map<Long, Integer> acknowledged = new ConcurrentHashMap<>();
    /** Mails taken up by the respondents (by index in the SMTP server's list), and the answers still to give. */
    private int mailsSeen;
    private final Map<Long, Answer> toAnswer = new LinkedHashMap<>();
    private int sigkills;
    /** Start-to-serving times of the starts that got there (approximate: seen at the driver's turns). */
    private final List<Duration> startups = new ArrayList<>();
    private int hookArmed;
    private int answerAttemptsFailed;
    private final List<String> staleClaims = new ArrayList<>();

    Campaign(String name, int instances, int kills, long seed) {
      this.name = name;
      this.instances = instances;
      this.kills = kills;
      this.seed = seed;
      this.random = new Random(seed);
      this.schema = postgres.schema() + "_" + name;
      this.url = postgres.serverUrl() + (postgres.serverUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    void run() throws Exception {
      Instant began = Instant.now();
      System.out.printf("chaos %s: seed %d (-Dnpsconnector.chaos.seed), %d instance(s), %d kills%n", name, seed,
          instances,
          kills);
      sql("CREATE SCHEMA " + schema);
      open.add(() -> sql("DROP SCHEMA " + schema + " CASCADE"));
      start();
      train();
      for (int i = 0; i < instances; i++) {
        slots.add(new Slot(i, freePort()));
      }
      for (Slot slot : slots) {
        slot.start(false);
      }
      open.add(() -> slots.forEach(Slot::kill));
      // the first pass of each connection is the backfill of the seeded history; new events come after it
      await("both connections' first sync", Duration.ofSeconds(60),
          () -> count("SELECT COUNT(*) FROM sync_cursors") == 2);
      long deadline = System.nanoTime() + Duration.ofSeconds(instances == 1 ? 240 : 180).toNanos();
      long nextEvent = System.nanoTime();
      while (sigkills < kills) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("only " + sigkills + " of " + kills + " SIGKILLs in the time given: instances "
              + "take " + startup() + " to start (their output is in " + dir.toAbsolutePath() + ")");
        }
        if (System.nanoTime() >= nextEvent) {
          newEvent();
          nextEvent = System.nanoTime() + millis(300, 900);
        }
        answerMails();
        for (Slot slot : slots) {
          slot.restartIfDead();
          if (slot.dueToDie() && sigkills < kills) {
            slot.sigkill();
          }
        }
        Thread.sleep(50);
      }
      Duration chaos = Duration.between(began, Instant.now());
      settle();
      Counts counts = verify();
      System.out.printf("chaos %s: seed %d, %d SIGKILLs, %d starts armed to halt at an engine hook (%d halted), "
          + "start to serving %s, chaos phase %ds, total %ds%n  %s%n", name, seed, sigkills, hookArmed,
          slots.stream().mapToInt(slot -> slot.halts).sum(), startup(), chaos.toSeconds(),
          Duration.between(began, Instant.now()).toSeconds(), counts);
      counts.assertAll();
    }

    private void start() throws IOException {
      hubspot = HubSpotSandbox.seeded(seed, 80).rateLimit(100_000).searchLimit(10_000);
      open.add(hubspot);
      salesforce = SalesforceSandbox.seeded(seed + 7, 80);
      open.add(salesforce);
      String hubspotUrl = hubspot.start();
      String salesforceUrl = salesforce.start();
      smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp"));
      smtp.start();
      open.add(smtp::stop);
      int publicPort = freePort();
      String yaml = """
          company: Acme
          store:
            type: postgresql
            url: %s
            user: %s
          server:
            port: %d
            public-url: http://127.0.0.1:%d
            token-secret: ${NPS_CHAOS_TOKEN_SECRET:-%s}
            admin-password: ${NPS_CHAOS_ADMIN_PASSWORD:-chaos-admin}
          connections:
            - name: hubspot
              type: hubspot
              credentials:
                token: ${NPS_CHAOS_HUBSPOT_TOKEN:-%s}
              base-url: %s
              time-zone: UTC
            - name: salesforce
              type: salesforce
              auth: client-credentials
              credentials:
                client-id: %s
                client-secret: ${NPS_CHAOS_SALESFORCE_SECRET:-%s}
              login-url: %s
              window-lag: 0s
              time-zone: UTC
          channels:
            email:
              host: 127.0.0.1
              port: %d
              tls: none
              from: "Acme <nps@acme.example>"
          triggers:
            - name: post-purchase
              on: purchase
              delay: 0d
              max-event-age: 30d
            - name: post-ticket
              on: support
              delay: 0d
              max-event-age: 30d
          send-window:
            quiet-hours: none
            weekdays: [mon, tue, wed, thu, fri, sat, sun]
          fatigue:
            days: 60
          writeback:
            timeline-activity: true
          """.formatted(url, postgres.user(), publicPort, publicPort, SECRET, hubspot.token(), hubspotUrl,
          SalesforceSandbox.DEFAULT_CLIENT_ID, SalesforceSandbox.DEFAULT_CLIENT_SECRET, salesforceUrl,
          smtp.getSmtp().getPort());
      Files.createDirectories(dir);
      configFile = dir.resolve("chaos-" + name + ".yaml");
      Files.writeString(configFile, yaml);
      NpsConfig config = ConfigLoader.load(configFile, Map.of());
      try (Composition install = Composition.of(config)) {
        install.get(CrmAdapters.class).open(config.connection("hubspot").orElseThrow()).installFields();
      }
    }

    /**
     * Once per test class: one clean start and stop of an instance on this campaign's store and CRMs that
     * writes the class-data archive the killed instances start from (they start faster). Without an archive
     * (the JVM could not write one) the instances start without.
     */
    private void train() throws Exception {
      if (archive != null) {
        return;
      }
      Path file = dir.resolve("instance.jsa").toAbsolutePath();
      Files.deleteIfExists(file);
      List<String> command = new ArrayList<>(javaCommand());
      command.addAll(List.of("-XX:ArchiveClassesAtExit=" + file, "-Dchaos.train=true", "-cp", childClassPath(),
          ChaosInstance.class.getName(), configFile.toString(), Integer.toString(freePort())));
      Process training = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("chaos-training.log").toFile()).start();
      boolean done = training.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
      if (!done) {
        training.destroyForcibly().waitFor();
      }
      archive = done && training.exitValue() == 0 && Files.isRegularFile(file) ? file : Path.of("");
      System.out.println("chaos: class-data archive " + (archive.toString().isEmpty() ? "not written (see "
          + dir.resolve("chaos-training.log") + "); instances start without" : "written by a training start"));
    }

    /** A won deal or closed ticket (one contact each) in HubSpot, or a won Opportunity or closed Case. */
    private void newEvent() {
      if (random.nextBoolean()) {
        List<String> contacts = hubspot.ids("contacts");
        List<String> one = List.of(contacts.get(random.nextInt(contacts.size())));
        String id = random.nextBoolean() ? hubspot.addWonDealNow(one) : hubspot.addClosedTicketNow(one);
        created.computeIfAbsent("hubspot", key -> new CopyOnWriteArrayList<>()).add(id);
      } else {
        created.computeIfAbsent("salesforce", key -> new CopyOnWriteArrayList<>()).addAll(salesforce.addEventsNow(1));
      }
    }

    /**
     * Takes up the mails that came since the last call (a seeded 70 % of invitations are answered, each once,
     * with a seeded score) and tries the answers still to give on a running instance; an answer is acknowledged
     * when the survey page redirects to its thanks page. A resent mail of an answered invitation is not
     * answered again.
     */
    private void answerMails() throws Exception {
      MimeMessage[] mails = smtp.getReceivedMessages();
      for (; mailsSeen < mails.length; mailsSeen++) {
        String token = tokenOf(mails[mailsSeen]);
        long invitation = invitationOf(token);
        Random respondent = new Random(seed * 31 + invitation);
        if (!acknowledged.containsKey(invitation) && !toAnswer.containsKey(invitation)
            && respondent.nextInt(10) < 7) {
          toAnswer.put(invitation, new Answer(token, respondent.nextInt(11)));
        }
      }
      List<Slot> ready = slots.stream().filter(Slot::ready).toList();
      for (var pending = toAnswer.entrySet().iterator(); pending.hasNext() && !ready.isEmpty(); ) {
        Map.Entry<Long, Answer> answer = pending.next();
        Slot slot = ready.get(random.nextInt(ready.size()));
        if (answer(slot.port, answer.getValue())) {
          acknowledged.put(answer.getKey(), answer.getValue().score());
          pending.remove();
        } else {
          answerAttemptsFailed++;
          return; // that instance may have died: try again at the next turn
        }
      }
    }

    /** Answers as a browser would: the mail's score link (on this instance's port), then the form. */
    private boolean answer(int port, Answer answer) {
      int score = answer.score();
      URI page = URI.create("http://127.0.0.1:" + port + "/s/" + answer.token());
      HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
          .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(2)).build();
      try {
        HttpResponse<String> form = browser.send(HttpRequest.newBuilder(URI.create(page + "?score=" + score))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(form.body());
        if (form.statusCode() != 200 || !csrf.find()) {
          return false;
        }
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("csrf=" + java.net.URLEncoder.encode(csrf.group(1),
                java.nio.charset.StandardCharsets.UTF_8) + "&score=" + score + "&comment=chaos+" + score))
            .build(), HttpResponse.BodyHandlers.ofString());
        return posted.statusCode() == 303;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /**
     * No more kills: every instance runs (started without a halting hook) until every event the driver made
     * is stored and decided, every taken-up answer acknowledged, and no invitation or write-back is due.
     */
    private void settle() throws Exception {
      for (Slot slot : slots) {
        if (!slot.alive() || slot.armed) {
          slot.kill();
          slot.start(true);
        }
      }
      // a mail can arrive between a look's answerMails and its count of invitations still to send: its answer,
      // given after the look, needs its own write-back, so the instances settle again until a look gives none
      int given;
      do {
        await("the instances to settle (events stored and decided, answers given, sends and write-backs done)",
            Duration.ofSeconds(60), () -> {
              try {
                answerMails();
                return toAnswer.isEmpty() && undecided().isEmpty()
                    && count("SELECT COUNT(*) FROM invitations WHERE state IN ('SCHEDULED', 'SENDING')") == 0
                    && count("SELECT COUNT(*) FROM writeback_queue WHERE state = 'PENDING'") == 0
                    && count("SELECT COUNT(*) FROM answers") >= acknowledged.size();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
        Thread.sleep(1_500); // a send or write-back that was running at the last look commits
        given = acknowledged.size();
        answerMails();
      } while (acknowledged.size() != given || !toAnswer.isEmpty());
      // a claim of a dead instance is taken over after four missed heartbeats: none may be older than that
      query("SELECT task_name, task_instance, picked_by, last_heartbeat FROM scheduled_tasks WHERE picked AND "
          + "last_heartbeat < NOW() - INTERVAL '" + (HEARTBEAT.toMillis() * 4 + 5_000) + " milliseconds'",
          rows -> staleClaims.add("task " + rows.getString(1) + " " + rows.getString(2) + " is claimed by "
              + rows.getString(3) + ", whose last heartbeat (" + rows.getString(4) + ") is older than the take-over "
              + "time"));
      for (Slot slot : slots) {
        slot.stop();
      }
    }

    /** Events the driver made that the store lacks or has not decided for each contact. */
    private List<String> undecided() throws SQLException {
      List<String> missing = new ArrayList<>();
      Map<String, Set<String>> decided = new TreeMap<>();
      try (Connection connection = connect(); Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT e.connection, e.crm_id FROM events e WHERE NOT EXISTS "
              + "(SELECT 1 FROM event_contacts c WHERE c.event_id = e.id AND (c.evaluated_at IS NULL OR NOT EXISTS "
              + "(SELECT 1 FROM decisions d WHERE d.event_id = e.id AND d.contact_crm_id = c.contact_crm_id)))")) {
        while (rows.next()) {
          decided.computeIfAbsent(rows.getString(1), key -> new java.util.HashSet<>()).add(rows.getString(2));
        }
      }
      created.forEach((connection, ids) -> ids.stream()
          .filter(id -> !decided.getOrDefault(connection, Set.of()).contains(id))
          .forEach(id -> missing.add(connection + " " + id)));
      return missing;
    }

    private Counts verify() throws Exception {
      Counts counts = new Counts();
      // mails, by the invitation their survey link names
      Map<Long, List<String>> mailed = new TreeMap<>();
      for (MimeMessage mail : smtp.getReceivedMessages()) {
        mailed.computeIfAbsent(invitationOf(tokenOf(mail)), key -> new ArrayList<>()).add(mail.getMessageID());
      }
      counts.mails = smtp.getReceivedMessages().length;
      counts.invitationsMailed = mailed.size();
      mailed.forEach((invitation, ids) -> {
        if (ids.size() > 1) {
          counts.duplicates += ids.size() - 1;
          counts.failures.add("invitation " + invitation + " was mailed " + ids.size() + " times (Message-IDs " + ids
              + ")");
        }
      });
      Map<Long, String[]> sent = new TreeMap<>(); // invitation id to state, sent_at, message_id
      query("SELECT id, state, sent_at, message_id FROM invitations", rows -> sent.put(rows.getLong(1),
          new String[] {rows.getString(2), rows.getString(3), rows.getString(4)}));
      counts.invitations = sent.size();
      mailed.forEach((invitation, ids) -> {
        String[] row = sent.get(invitation);
        if (row == null) {
          counts.failures.add("invitation " + invitation + " was mailed but is not in the store");
        } else if (row[1] == null || row[2] == null) {
          counts.failures.add("invitation " + invitation + " (" + row[0] + ") was mailed (" + ids + ") but the store "
              + "has no sent time or Message-ID (sent_at " + row[1] + ", message_id " + row[2] + ")");
        } else if (!ids.contains(row[2])) {
          counts.failures.add("invitation " + invitation + " is recorded as sent with Message-ID " + row[2]
              + ", which no mail carries (" + ids + ")");
        }
      });
      // the README's one remaining risk: a process killed between recording the hand-over and the server's reply
      // to the message's end mark leaves the send recorded as unconfirmed, and perhaps no mail (never two)
      Set<Long> unconfirmed = new java.util.HashSet<>();
      query("SELECT invitation_id FROM invitation_history WHERE state = 'SENT' AND detail LIKE 'sent, unconfirmed%'",
          rows -> unconfirmed.add(rows.getLong(1)));
      sent.forEach((invitation, row) -> {
        if (row[1] != null && !mailed.containsKey(invitation)) {
          if (unconfirmed.contains(invitation)) {
            counts.lostInTheRecordedWindow++;
          } else {
            counts.failures.add("invitation " + invitation + " is recorded as sent (confirmed by the SMTP server) "
                + "but no mail reached it");
          }
        }
        if (row[0].equals("SCHEDULED") || row[0].equals("SENDING")) {
          counts.failures.add("invitation " + invitation + " is stuck in " + row[0]);
        }
      });
      // one invitation per (trigger, event, contact), one event row per CRM record
      query("SELECT connection, trigger_name, event_id, contact_crm_id, COUNT(*) FROM invitations "
          + "WHERE event_id IS NOT NULL GROUP BY connection, trigger_name, event_id, contact_crm_id "
          + "HAVING COUNT(*) > 1",
          rows -> counts.failures.add(rows.getInt(5) + " invitations of trigger " + rows.getString(2) + " for event "
              + rows.getLong(3) + " and contact " + rows.getString(4) + " in " + rows.getString(1)));
      query("SELECT connection, crm_id, COUNT(*) FROM events GROUP BY connection, crm_id HAVING COUNT(*) > 1",
          rows -> counts.failures.add(rows.getInt(3) + " event rows for " + rows.getString(1) + " record "
              + rows.getString(2)));
      // every event the driver made: stored, and decided for each of its contacts
      created.values().forEach(ids -> counts.eventsCreated += ids.size());
      Map<String, Set<String>> stored = new TreeMap<>();
      query("SELECT connection, crm_id FROM events", rows -> stored.computeIfAbsent(rows.getString(1),
          key -> new java.util.HashSet<>()).add(rows.getString(2)));
      created.forEach((connection, ids) -> ids.forEach(id -> {
        if (stored.getOrDefault(connection, Set.of()).contains(id)) {
          counts.eventsStored++;
        } else {
          counts.failures.add(connection + " event " + id + " (made by the driver) is not stored");
        }
      }));
      List<String> undecided = undecided();
      counts.eventsDecided = counts.eventsCreated - undecided.size();
      undecided.forEach(event -> counts.failures.add("event " + event + " is not decided for every contact"));
      Map<String, String> createdBy = new java.util.HashMap<>();
      created.forEach((connection, ids) -> ids.forEach(id -> createdBy.put(connection + " " + id, connection)));
      query("SELECT e.connection, e.crm_id, d.outcome, d.rule_id, d.reason FROM decisions d JOIN events e "
          + "ON e.id = d.event_id", rows -> {
            if (createdBy.containsKey(rows.getString(1) + " " + rows.getString(2))) {
              counts.decisions.merge(rows.getString(3) + (rows.getString(3).equals("INVITE") ? ""
                  : " (" + rows.getString(4) + ")"), 1, Integer::sum);
              if (!rows.getString(3).equals("INVITE") && rows.getString(5).isBlank()) {
                counts.failures.add("decision without a reason for " + rows.getString(1) + " " + rows.getString(2));
              }
            }
          });
      // answers: every acknowledged one stored with its score; every stored one written back once
      Map<Long, Object[]> answers = new TreeMap<>(); // invitation to score, connection, contact
      query("SELECT a.invitation_id, a.score, i.connection, i.contact_crm_id FROM answers a JOIN invitations i "
          + "ON i.id = a.invitation_id", rows -> answers.put(rows.getLong(1),
              new Object[] {rows.getInt(2), rows.getString(3), rows.getString(4)}));
      counts.answersAcknowledged = acknowledged.size();
      counts.answersStored = answers.size();
      acknowledged.forEach((invitation, score) -> {
        Object[] answer = answers.get(invitation);
        if (answer == null) {
          counts.failures.add("acknowledged answer " + score + " to invitation " + invitation + " is not stored");
        } else if (!answer[0].equals(score)) {
          counts.failures.add("acknowledged answer " + score + " to invitation " + invitation + " is stored as "
              + answer[0]);
        }
      });
      query("SELECT connection, kind, coalesce_key, state, error_message FROM writeback_queue WHERE state <> 'DONE'",
          rows -> counts.failures.add("write-back " + rows.getString(2) + " " + rows.getString(3) + " of "
              + rows.getString(1) + " is " + rows.getString(4) + ": " + rows.getString(5)));
      Map<String, List<Integer>> byContact = new TreeMap<>();
      answers.values().forEach(answer -> byContact.computeIfAbsent(answer[1] + " " + answer[2],
          key -> new ArrayList<>()).add((Integer) answer[0]));
      Map<String, Long> hubspotNotes = hubspot.notes().stream().flatMap(note -> note.contactIds().stream())
          .collect(Collectors.groupingBy(contact -> contact, Collectors.counting()));
      Map<String, Long> salesforceEntries = salesforce.tasks().stream()
          .filter(task -> task.getOrDefault("Subject", "").startsWith("NPS answer: "))
          .collect(Collectors.groupingBy(task -> task.get("WhoId"), Collectors.counting()));
      byContact.forEach((key, scores) -> {
        String connection = key.substring(0, key.indexOf(' '));
        String contact = key.substring(key.indexOf(' ') + 1);
        boolean isHubSpot = connection.equals("hubspot");
        String inCrm = isHubSpot ? hubspot.contact(contact).get("nps_score")
            : salesforce.contact(contact).map(fields -> fields.get("NPS_Score__c")).orElse(null);
        long entries = (isHubSpot ? hubspotNotes : salesforceEntries).getOrDefault(contact, 0L);
        if (scores.size() != 1) {
          counts.failures.add(connection + " contact " + contact + " answered " + scores.size()
              + " invitations within the fatigue period: " + scores);
        } else if (inCrm == null || Double.parseDouble(inCrm) != scores.get(0)) {
          counts.failures.add(connection + " contact " + contact + " holds NPS score " + inCrm + " in the CRM, the "
              + "answer is " + scores.get(0));
        } else if (entries != 1) {
          counts.failures.add(connection + " contact " + contact + " has " + entries + " timeline entries for one "
              + "answer");
        } else {
          counts.answersWrittenBack++;
        }
      });
      // nothing stuck in the scheduler: no claim outlived its instance, every claim released, no one-time task
      // overdue
      counts.failures.addAll(staleClaims);
      query("SELECT task_name, task_instance, picked_by, execution_time FROM scheduled_tasks WHERE picked",
          rows -> counts.failures.add("task " + rows.getString(1) + " " + rows.getString(2) + " still picked by "
              + rows.getString(3) + " after every instance stopped on SIGTERM"));
      query("SELECT task_name, task_instance, execution_time FROM scheduled_tasks WHERE task_name NOT LIKE 'sync-%' "
          + "AND task_name NOT LIKE 'writeback-%' AND execution_time < NOW() - INTERVAL '10 seconds'",
          rows -> counts.failures.add("task " + rows.getString(1) + " " + rows.getString(2) + " was due at "
              + rows.getString(3) + " and never ran"));
      return counts;
    }

    private static String tokenOf(MimeMessage mail) throws Exception {
      Matcher link = SURVEY_LINK.matcher(text(mail));
      if (!link.find()) {
        throw new AssertionError("mail " + mail.getMessageID() + " has no survey link");
      }
      return link.group(1);
    }

    private static long invitationOf(String token) {
      return new SurveyTokens(SECRET, Clock.systemUTC()).verify(token, SurveyTokens.Purpose.SURVEY).invitationId();
    }

    private String startup() {
      return startups.isEmpty() ? "more than the time given"
          : String.format(java.util.Locale.ROOT, "%.1f s on average over %d starts",
              startups.stream().mapToLong(Duration::toMillis).average().orElse(0) / 1000, startups.size());
    }

    private long millis(int low, int high) {
      return Duration.ofMillis(low + random.nextInt(high - low)).toNanos();
    }

    private Connection connect() throws SQLException {
      java.util.Properties properties = new java.util.Properties();
      properties.setProperty("user", postgres.user());
      properties.setProperty("password", postgres.password());
      return DriverManager.getConnection(url, properties);
    }

    private void sql(String statement) throws SQLException {
      java.util.Properties properties = new java.util.Properties();
      properties.setProperty("user", postgres.user());
      properties.setProperty("password", postgres.password());
      try (Connection connection = DriverManager.getConnection(postgres.serverUrl(), properties);
          Statement run = connection.createStatement()) {
        run.execute(statement);
      }
    }

    private long count(String query) {
      try (Connection connection = connect(); Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(query)) {
        rows.next();
        return rows.getLong(1);
      } catch (SQLException e) {
        return -1; // the schema is not made yet
      }
    }

    private void query(String query, Row row) throws SQLException {
      try (Connection connection = connect(); Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(query)) {
        while (rows.next()) {
          row.accept(rows);
        }
      }
    }

    /** One service process in a slot of its own port; restarted in the same slot after every death. */
    private final class Slot {
      final int index;
      final int port;
      Process process;
      Path output;
      int starts;
      int halts;
      boolean armed;
      long startedAt;
      /** When to kill: a time (nanos) fixed at the start, or a delay after the instance serves; none when clean. */
      long killAt;
      long killAfterServing;
      boolean clean;

      Slot(int index, int port) {
        this.index = index;
        this.port = port;
      }

      /** Starts the instance; unless {@code clean}, a seeded fifth of starts halt at a seeded engine hook. */
      void start(boolean clean) throws IOException {
        List<String> command = new ArrayList<>(javaCommand());
        if (!archive.toString().isEmpty()) {
          command.add("-XX:SharedArchiveFile=" + archive);
        }
        armed = !clean && random.nextInt(5) == 0;
        if (armed) {
          String point = HOOK_POINTS.get(random.nextInt(HOOK_POINTS.size()));
          command.add("-Dchaos.halt-at=" + point + ":" + (1 + random.nextInt(3)));
          hookArmed++;
        }
        command.add("-Dchaos.heartbeat=" + HEARTBEAT);
        command.addAll(List.of("-cp", childClassPath(), ChaosInstance.class.getName(),
            configFile.toString(), Integer.toString(port)));
        output = dir.resolve("chaos-" + name + "-" + index + "-" + (++starts) + ".log");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        startedAt = System.nanoTime();
        this.clean = clean;
        // a quarter of the deaths come while the instance starts (store migration, scheduler start, first
        // claims), the others at a random time of its cycle after it serves
        killAt = random.nextInt(4) == 0 ? startedAt + millis(300, 2500) : Long.MAX_VALUE;
        killAfterServing = instances == 1 ? millis(300, 2500) : millis(300, 3500);
      }

      /** Whether the planned SIGKILL is due; notes the time from start to serving on the way. */
      boolean dueToDie() {
        if (clean || !alive()) {
          return false;
        }
        if (killAt == Long.MAX_VALUE && ready()) {
          startups.add(Duration.ofNanos(System.nanoTime() - startedAt));
          killAt = System.nanoTime() + killAfterServing;
        }
        return System.nanoTime() >= killAt;
      }

      boolean alive() {
        return process != null && process.isAlive();
      }

      /** Serving: the process said so and still runs. */
      boolean ready() {
        try {
          return alive() && Files.readString(output).contains(" serving on ");
        } catch (IOException e) {
          return false;
        }
      }

      void restartIfDead() throws IOException {
        if (process != null && !process.isAlive()) {
          String said = Files.readString(output);
          if (!said.contains("chaos instance halting at ")) {
            throw new AssertionError("instance " + name + "-" + index + " died on its own (exit "
                + process.exitValue() + "):\n" + said.substring(Math.max(0, said.length() - 4000)));
          }
          halts++;
          start(false);
        }
      }

      void sigkill() throws IOException, InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        process.waitFor();
        sigkills++;
        start(false);
      }

      /** SIGTERM: the instance stops as {@code run} does (running work finishes, claims are released). */
      void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(45, java.util.concurrent.TimeUnit.SECONDS)) {
          kill();
          throw new AssertionError("instance " + name + "-" + index + " did not stop within 45 s of SIGTERM");
        }
      }

      void kill() {
        if (process != null) {
          process.destroyForcibly();
          try {
            process.waitFor();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }

    /** What the campaign counted; failures name each broken promise. */
    private final class Counts {
      int mails;
      int invitationsMailed;
      int invitations;
      int duplicates;
      /** Sends recorded as unconfirmed (killed mid-hand-over) that left no mail: the README's stated risk. */
      int lostInTheRecordedWindow;
      int eventsCreated;
      int eventsStored;
      int eventsDecided;
      final Map<String, Integer> decisions = new TreeMap<>();
      int answersAcknowledged;
      int answersStored;
      int answersWrittenBack;
      final List<String> failures = new ArrayList<>();

      void assertAll() {
        assertThat(sigkills).as("SIGKILLs").isGreaterThanOrEqualTo(kills);
        assertThat(mails).as("mails: the cycle turned").isPositive();
        assertThat(answersAcknowledged).as("acknowledged answers: the cycle turned").isPositive();
        assertThat(failures).as("chaos %s (seed %d): broken promises", name, seed).isEmpty();
        assertThat(lostInTheRecordedWindow).as("unconfirmed sends without a mail: each needs a kill mid-hand-over")
            .isLessThanOrEqualTo(sigkills);
      }

      @Override
      public String toString() {
        return "mails " + mails + " for " + invitationsMailed + " invitations (" + invitations + " in the store), "
            + duplicates + " duplicate mails, " + lostInTheRecordedWindow + " unconfirmed sends without a mail (killed "
            + "between the hand-over and the server's reply); events created " + eventsCreated + ", stored " + eventsStored
            + ", decided " + eventsDecided + " " + decisions + "; answers acknowledged " + answersAcknowledged
            + ", stored " + answersStored + ", written back once " + answersWrittenBack + "; answer attempts "
            + "refused or cut off " + answerAttemptsFailed + "; broken promises " + failures.size();
      }
    }
  }

  /** An answer a respondent will give: the token of the mailed link and the score. */
  private record Answer(String token, int score) {}

  @FunctionalInterface
  private interface Row {
    void accept(ResultSet row) throws SQLException;
  }

  private static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  /** The class-data archive of the instances: null before the training start, empty when none was written. */
  private static Path archive;
  private static String childClassPath;

  private static List<String> javaCommand() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
  }

  /**
   * This JVM's class path with every class directory packed into a jar of its own: the JVM archives classes
   * from jars only.
   */
  private static synchronized String childClassPath() throws IOException {
    if (childClassPath != null) {
      return childClassPath;
    }
    Path jars = Files.createDirectories(Path.of("target", "chaos", "classpath")).toAbsolutePath();
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry);
      if (!Files.isDirectory(path)) {
        entries.add(entry);
        continue;
      }
      Path jar = jars.resolve("classes-" + (n++) + ".jar");
      try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
          var files = Files.walk(path)) {
        for (Path file : files.filter(file -> !file.equals(path)).sorted().toList()) {
          String name = path.relativize(file).toString().replace('\\', '/');
          boolean folder = Files.isDirectory(file); // folders too: Flyway looks its migrations up by folder
          out.putNextEntry(new java.util.jar.JarEntry(folder ? name + "/" : name));
          if (!folder) {
            Files.copy(file, out);
          }
          out.closeEntry();
        }
      }
      entries.add(jar.toString());
    }
    childClassPath = String.join(java.io.File.pathSeparator, entries);
    return childClassPath;
  }

  /** A port below the ephemeral range: no outgoing connection takes it before the instance binds it. */
  private static int freePort() {
    return io.npsconnector.core.testing.FreePorts.block(1);
  }

  /** The text parts of a mail. */
  private static String text(MimeMessage mail) throws Exception {
    Object content = mail.getContent();
    if (content instanceof Multipart multipart) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart part = multipart.getBodyPart(i);
        text.append(part.getContent()).append('\n');
      }
      return text.toString();
    }
    return String.valueOf(content);
  }
}
