package io.npsconnector.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.app.service.Leftovers;
import io.npsconnector.core.testing.FreePorts;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;

/**
 * The demo end to end, as {@code demo --exit} runs it, judged by what the CRMs hold afterwards: every answer
 * is on its contact (score, category, response date, comment), once on the contact's timeline, and a
 * detractor's follow-up task is there for the contact's owner with its subject and due date; every account
 * carries the roll-up of its contacts' answers. Every sent invitation has a captured mail, and the write
 * calls each CRM served are the fewest its batch limits allow for the records it holds.
 */
class DemoTest {
  /** The demo's Salesforce connection writes dates in its own time zone (the configuration's). */
  private static final ZoneId SALESFORCE_ZONE = ZoneId.of("America/New_York");
  /** The demo's detractor follow-up task: its subject template and how long after the answer it is due. */
  private static final String TASK_SUBJECT = "NPS detractor: %s scored %d";
  private static final Duration TASK_DUE_IN = Duration.ofDays(2);
  private static final int HUBSPOT_BATCH = 100;
  private static final int SALESFORCE_BATCH = 200;
  /** The demo's data: seeded contacts per CRM and events added before the second sync (the options below). */
  private static final int CONTACTS = 300;
  private static final int NEW_EVENTS = 40;
  private static final int HUBSPOT_SEARCH_PAGE = 200;
  private static final int SALESFORCE_QUERY_PAGE = 2000;
  private static final int SYNC_PASSES = 2;
  /** Write-backs: one after the backfill, one after the round. */
  private static final int FLUSHES = 2;

  @TempDir Path dir;

  /** One answer as the respondent gave it. */
  private record Answer(String connection, String contactId, Optional<String> accountId, int score,
      Optional<String> comment, Instant at) {
    boolean detractor() {
      return score <= 6;
    }

    String category() {
      return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
    }
  }

  @Test
  void aDemoWhoseServiceCannotStartLeavesNoSandboxMailServerOrStoreRunning() throws Exception {
    Leftovers threads = Leftovers.threadsNow();
    // the survey server's port taken, the three after it (the sandboxes' and the mail server's) free
    try (ServerSocket taken = FreePorts.take(FreePorts.block(4))) {
      assertThatThrownBy(() -> Demo.start(new Demo.Options(dir.resolve("data"), taken.getLocalPort(), 42, 20, 5, 0.6,
          1, Map.of())))
          .as("the survey server, started last, cannot bind").hasMessageContaining("port " + taken.getLocalPort());
    }

    assertThat(threads.threadsStillRunning()).as("threads of the sandboxes, the mail server or the service").isEmpty();
  }

  @Test
  void theCrmsHoldEveryAnswerAfterTheDemo() throws Exception {
    // one round: a backfill six months ago, then the new events of today
    try (Demo demo = Demo.start(new Demo.Options(dir.resolve("data"), 0, 42, CONTACTS, NEW_EVENTS, 0.6, 1,
        Map.of()))) {
      DemoReport report = demo.run(line -> { });

      int sent = report.crms().stream().mapToInt(DemoReport.Crm::invitationsSent).sum();
      assertThat(sent).isPositive();
      assertThat(report.mailsCaptured()).as("a captured mail per sent invitation").isEqualTo(sent);
      assertThat(report.answers()).isPositive();
      assertThat(report.crms().stream().mapToInt(DemoReport.Crm::answers).sum()).isEqualTo(report.answers());
      assertThat(report.nps()).isNotNull();
      assertThat(report.ciLow()).isLessThan(report.nps());
      assertThat(report.ciHigh()).isGreaterThan(report.nps());

      List<Answer> answers = answers(demo);
      assertThat(answers).hasSize(report.answers());
      assertThat(answers).anyMatch(Answer::detractor);
      assertThat(answers.stream().map(Answer::connection).distinct()).hasSize(2);
      assertHubSpotHolds(demo.hubspot(), only(answers, Demo.HUBSPOT));
      assertSalesforceHolds(demo.salesforce(), only(answers, Demo.SALESFORCE));
      assertWriteCalls(report, demo);
      assertReadCalls(report, demo);
      for (DemoReport.Crm crm : report.crms()) {
        assertThat(crm.contactsSynced()).as(crm.connection()).isPositive();
      }

      HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + demo.port() + "/admin/login")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).as("the dashboard is served").isEqualTo(200);
      assertThat(report.text()).contains("hubspot-demo (hubspot)", "salesforce-demo (salesforce)", "Overall: NPS");
      // per CRM, the call counts line up however long an operation's name is
      long countLines = 0;
      for (String crm : report.text().split("\n\n")) {
        List<String> counts = crm.lines().filter(line -> line.matches("    \\S.* +\\d+ / \\d+")).toList();
        countLines += counts.size();
        assertThat(counts.stream().map(line -> line.indexOf(" / ")).distinct())
            .as("columns of the API call counts in%n%s", crm).hasSizeLessThanOrEqualTo(1);
      }
      assertThat(countLines).as("API call lines").isGreaterThan(10);
    }
  }

  @Test
  void theDemoHasSixMonthsOfHistoryLeavesItsConfigurationAndAnswersAndHoldsItsFolder() throws Exception {
    Path data = dir.resolve("history");
    try (Demo demo = Demo.start(new Demo.Options(data, 0, 7, 120, 12, 0.6, 3, Map.of()))) {
      DemoReport report = demo.run(line -> { });

      List<Answer> answers = answers(demo);
      assertThat(answers).hasSize(report.answers());
      Instant now = Instant.now();
      assertThat(answers.get(0).at()).as("the first answers, after the backfill six months ago")
          .isBefore(now.minus(Duration.ofDays(150)));
      assertThat(answers.get(answers.size() - 1).at()).as("the last round's answers, today")
          .isAfter(now.minus(Duration.ofDays(1)));
      assertThat(answers.stream().map(answer -> LocalDate.ofInstant(answer.at(), ZoneOffset.UTC).withDayOfMonth(1))
          .distinct()).as("months with answers").hasSizeGreaterThanOrEqualTo(4);
      // the CRMs hold the history as written back month by month; accounts roll up all of it (365-day window)
      assertHubSpotHolds(demo.hubspot(), only(answers, Demo.HUBSPOT));
      assertSalesforceHolds(demo.salesforce(), only(answers, Demo.SALESFORCE));

      List<String> csv = java.nio.file.Files.readAllLines(data.resolve(Demo.ANSWERS_FILE));
      assertThat(csv.get(0)).startsWith("answered_at,score,contact,trigger,channel,");
      assertThat(csv).as("a row per answer").hasSize(answers.size() + 1);
      assertThat(csv.get(1)).startsWith(answers.get(0).at() + "," + answers.get(0).score() + ","
          + answers.get(0).connection() + ":" + answers.get(0).contactId() + ",");
      assertThat(io.npsconnector.config.ConfigLoader.load(data.resolve(Demo.CONFIG_FILE), Map.of()).server().port())
          .as("the configuration it runs on").isEqualTo(demo.port());

      assertThatThrownBy(() -> Demo.start(new Demo.Options(data, 0, 7, 10, 1, 0.6, 1, Map.of())))
          .as("a second demo on the same folder").hasMessageStartingWith("another demo is using " + data)
          .hasMessageContaining("stop it with Ctrl-C in its terminal");
      assertThat(demo.answeredContact()).isPresent();
      assertNewFeatures(demo, report, answers);
    }
  }

  /**
   * The #15 figures of the summary agree with what happened: answers by one click (a gesture and the grace period
   * of those who left) next to the form's, an owner mail per detractor as captured, and the follow-ups as the
   * reps worked them in the CRMs.
   */
  private static void assertNewFeatures(Demo demo, DemoReport report, List<Answer> answers) throws Exception {
    assertThat(report.text()).contains("Answers by one click", "Alerts sent", "Detractor follow-ups",
        "close rate", "median time to close");
    assertThat(report.answersBy().get("gesture")).as("answers confirmed by a gesture").isPositive();
    assertThat(report.answersBy().get("grace")).as("answers confirmed by the grace period").isPositive();
    assertThat(report.answersBy().get("form")).as("answers by the form").isPositive();
    assertThat(report.answersBy().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(answers.size());
    assertThat(report.oneClickAnswers()).isEqualTo(report.answersBy().get("gesture") + report.answersBy().get("grace"));

    List<AlertMail> alerts = alertMails(demo);
    assertThat(report.alertsSent()).as("alerts sent by destination").isEqualTo(Map.of("owner-mail", alerts.size()));
    assertThat(report.alertsFailed()).isZero();
    assertThat(alerts).as("an owner mail per detractor").hasSize((int) answers.stream().filter(Answer::detractor).count());
    assertThat(alerts.stream().map(AlertMail::connection).distinct()).hasSize(2);
    Map<String, String> userEmails = demo.salesforce().records("User").stream()
        .collect(Collectors.toMap(user -> user.get("Id"), user -> user.get("Email")));
    Map<String, String> hubspotOwnerAddresses = new TreeMap<>();
    for (AlertMail alert : alerts) {
      if (alert.connection().equals(Demo.SALESFORCE)) {
        Map<String, String> contact = demo.salesforce().records("Contact").stream()
            .filter(record -> alert.contact().equals(record.get("Email"))).findFirst().orElseThrow();
        assertThat(alert.to()).as("the owner of Salesforce contact %s", contact.get("Id"))
            .isEqualTo(userEmails.get(contact.get("OwnerId")));
      } else {
        String owner = demo.hubspot().ids("contacts").stream().map(demo.hubspot()::contact)
            .filter(contact -> alert.contact().equals(contact.get("email"))).findFirst().orElseThrow()
            .get("hubspot_owner_id");
        String address = hubspotOwnerAddresses.computeIfAbsent(owner, id -> hubspotOwnerEmail(demo.hubspot(), id));
        assertThat(alert.to()).as("the address of HubSpot owner %s", owner).isEqualTo(address);
      }
    }

    long completed = demo.hubspot().tasks().stream().filter(task -> task.properties().getOrDefault("nps_key", "")
        .startsWith("task:") && "COMPLETED".equals(task.properties().get("hs_task_status"))).count()
        + demo.salesforce().tasks().stream().filter(task -> task.getOrDefault("NPS_Key__c", "").startsWith("task:")
        && "Completed".equals(task.get("Status"))).count();
    assertThat(completed).as("follow-ups the reps completed").isPositive();
    DemoReport.FollowUps followUps = report.followUps();
    assertThat(followUps.completed()).as("completed follow-ups, as read back").isEqualTo((int) completed);
    assertThat(followUps.n()).isEqualTo(followUps.completed() + followUps.open() + followUps.deleted());
    assertThat(followUps.closeRate()).isEqualTo(Math.round(100.0 * followUps.completed() / followUps.n()) + " %");
    assertThat(followUps.medianTimeToClose()).matches("\\d+ (d \\d+ h|h \\d+ min|min)");
  }

  private static List<Answer> answers(Demo demo) {
    return demo.database().jdbi().withHandle(handle -> handle.createQuery(
        "SELECT i.connection, i.contact_crm_id, i.account_id, a.score, a.comment_text, a.updated_at "
            + "FROM answers a JOIN invitations i ON i.id = a.invitation_id ORDER BY a.updated_at, a.id")
        .map((rows, context) -> new Answer(rows.getString(1), rows.getString(2),
            Optional.ofNullable(rows.getString(3)), rows.getInt(4),
            Optional.ofNullable(rows.getString(5)).map(String::strip).filter(text -> !text.isEmpty()),
            rows.getObject(6, java.time.OffsetDateTime.class).toInstant()))
        .list());
  }

  private static List<Answer> only(List<Answer> answers, String connection) {
    return answers.stream().filter(answer -> answer.connection().equals(connection)).toList();
  }

  /** The latest answer of each contact, which its fields show. */
  private static Map<String, Answer> latestByContact(List<Answer> answers) {
    Map<String, Answer> latest = new LinkedHashMap<>();
    answers.forEach(answer -> latest.put(answer.contactId(), answer));
    return latest;
  }

  private void assertHubSpotHolds(HubSpotSandbox hubspot, List<Answer> answers) {
    latestByContact(answers).forEach((contactId, answer) -> {
      Map<String, String> contact = hubspot.contact(contactId);
      assertThat(contact).as("HubSpot contact %s", contactId)
          .containsEntry("nps_score", Integer.toString(answer.score()))
          .containsEntry("nps_category", answer.category())
          .containsEntry("nps_last_response_date", LocalDate.ofInstant(answer.at(), ZoneOffset.UTC).toString());
      assertThat(Optional.ofNullable(contact.get("nps_last_comment")).filter(text -> !text.isEmpty()))
          .as("comment of HubSpot contact %s", contactId).isEqualTo(answer.comment());
    });
    Map<String, List<HubSpotSandbox.Engagement>> notes = engagementsByContact(hubspot.notes());
    Map<String, List<HubSpotSandbox.Engagement>> tasks = engagementsByContact(hubspot.tasks());
    for (Map.Entry<String, List<Answer>> contact : byContact(answers).entrySet()) {
      String contactId = contact.getKey();
      assertThat(notes.getOrDefault(contactId, List.of())).as("timeline notes of HubSpot contact %s", contactId)
          .hasSameSizeAs(contact.getValue());
      List<Answer> detractors = contact.getValue().stream().filter(Answer::detractor).toList();
      List<HubSpotSandbox.Engagement> open = tasks.getOrDefault(contactId, List.of());
      assertThat(open).as("follow-up tasks of HubSpot contact %s", contactId).hasSameSizeAs(detractors);
      Map<String, String> person = hubspot.contact(contactId);
      for (int i = 0; i < detractors.size(); i++) {
        Answer answer = detractors.get(i);
        Map<String, String> task = open.get(i).properties();
        assertThat(task).as("follow-up task of HubSpot contact %s", contactId)
            .containsEntry("hs_task_subject", TASK_SUBJECT.formatted(person.get("firstname") + " "
                + person.get("lastname"), answer.score()))
            .containsKey("hs_task_status");
        // written open; the demo's reps complete most, each by its owner's user, as HubSpot's pages save it
        if (!"NOT_STARTED".equals(task.get("hs_task_status"))) {
          assertThat(task).as("follow-up task of HubSpot contact %s, completed by a rep", contactId)
              .containsEntry("hs_task_status", "COMPLETED").containsKey("hs_task_completion_date")
              .containsEntry("hs_updated_by_user_id", HubSpotSandbox.userIdOf(task.get("hubspot_owner_id")));
        }
        assertThat(Optional.ofNullable(task.get("hubspot_owner_id"))).as("owner of the task of %s", contactId)
            .isEqualTo(Optional.ofNullable(person.get("hubspot_owner_id")));
        // due at a time of its due date in the connection's zone (Europe/Berlin): the date is the same there
        assertThat(LocalDate.ofInstant(Instant.parse(task.get("hs_timestamp")), ZoneId.of("Europe/Berlin")))
            .as("due date of the task of %s", contactId).isEqualTo(dueDate(answer));
      }
    }
    assertThat(tasks.keySet()).as("contacts with HubSpot tasks").allMatch(contactId -> answers.stream()
        .anyMatch(answer -> answer.contactId().equals(contactId) && answer.detractor()));
    rollUps(answers).forEach((accountId, expected) -> {
      Map<String, String> company = hubspot.company(accountId);
      assertThat(company).as("HubSpot company %s", accountId)
          .containsEntry("nps_response_count", Integer.toString(expected.n()));
      assertThat(Double.parseDouble(company.get("nps_account_score"))).as("roll-up of HubSpot company %s", accountId)
          .isCloseTo(expected.nps(), within(0.05));
    });
  }

  private void assertSalesforceHolds(SalesforceSandbox salesforce, List<Answer> answers) {
    latestByContact(answers).forEach((contactId, answer) -> {
      Map<String, String> contact = salesforce.contact(contactId).orElseThrow();
      String category = answer.category();
      assertThat(contact).as("Salesforce contact %s", contactId)
          .containsEntry("NPS_Score__c", answer.score() + ".0")
          .containsEntry("NPS_Category__c", Character.toUpperCase(category.charAt(0)) + category.substring(1))
          .containsEntry("NPS_Last_Response_Date__c", answer.at().atZone(SALESFORCE_ZONE).toLocalDate().toString());
      assertThat(Optional.ofNullable(contact.get("NPS_Last_Comment__c"))).as("comment of Salesforce contact %s",
          contactId).isEqualTo(answer.comment());
    });
    // one NPS Response record per answer (one per invitation), holding the answer as it was last given
    List<Map<String, String>> responses = salesforce.records("NPS_Response__c");
    assertThat(responses).as("NPS Response records").hasSize(answers.size());
    latestByContact(answers).forEach((contactId, answer) -> assertThat(responses)
        .filteredOn(response -> contactId.equals(response.get("Contact__c")))
        .anySatisfy(response -> assertThat(response).containsEntry("Score__c", answer.score() + ".0")
            .containsEntry("Category__c", Character.toUpperCase(answer.category().charAt(0))
                + answer.category().substring(1))
            .containsEntry("Follow_Up_Status__c", answer.detractor() ? "Open" : "Closed")));
    List<Map<String, String>> tasks = salesforce.tasks();
    for (Map.Entry<String, List<Answer>> contact : byContact(answers).entrySet()) {
      String contactId = contact.getKey();
      List<Map<String, String>> ofContact = tasks.stream().filter(task -> contactId.equals(task.get("WhoId")))
          .toList();
      assertThat(ofContact).filteredOn(task -> task.get("NPS_Key__c").startsWith("activity:"))
          .as("activity history of Salesforce contact %s", contactId).hasSameSizeAs(contact.getValue())
          .allSatisfy(task -> assertThat(task).containsEntry("Status", "Completed"));
      List<Answer> detractors = contact.getValue().stream().filter(Answer::detractor).toList();
      List<Map<String, String>> open = ofContact.stream().filter(task -> task.get("NPS_Key__c").startsWith("task:"))
          .toList();
      // written Not Started; the demo's reps complete most, each saved by its owner
      assertThat(open).as("follow-up tasks of Salesforce contact %s", contactId).allSatisfy(task -> {
        if (!"Not Started".equals(task.get("Status"))) {
          assertThat(task).containsEntry("Status", "Completed").containsEntry("IsClosed", "true")
              .containsKey("CompletedDateTime").containsEntry("LastModifiedById", task.get("OwnerId"));
        }
      });
      assertThat(open).as("follow-up tasks of Salesforce contact %s", contactId).hasSameSizeAs(detractors);
      Map<String, String> person = salesforce.contact(contactId).orElseThrow();
      for (int i = 0; i < detractors.size(); i++) {
        Answer answer = detractors.get(i);
        assertThat(open.get(i)).as("follow-up task of Salesforce contact %s", contactId)
            .containsEntry("Subject", TASK_SUBJECT.formatted(person.get("FirstName") + " " + person.get("LastName"),
                answer.score()))
            .containsEntry("OwnerId", person.get("OwnerId"))
            .containsEntry("ActivityDate", dueDate(answer).toString());
      }
    }
    Map<String, Map<String, String>> accounts = salesforce.records("Account").stream()
        .collect(Collectors.toMap(account -> account.get("Id"), account -> account));
    rollUps(answers).forEach((accountId, expected) -> {
      Map<String, String> account = accounts.get(accountId);
      assertThat(account).as("Salesforce account %s", accountId).isNotNull();
      assertThat(Double.parseDouble(account.get("NPS_Response_Count__c"))).as("responses of %s", accountId)
          .isEqualTo(expected.n());
      assertThat(Double.parseDouble(account.get("NPS_Account_Score__c"))).as("roll-up of %s", accountId)
          .isCloseTo(expected.nps(), within(0.05));
    });
  }

  /** The engine's due date: the answer's UTC date plus the configured delay. */
  private static LocalDate dueDate(Answer answer) {
    return answer.at().plus(TASK_DUE_IN).atZone(ZoneOffset.UTC).toLocalDate();
  }

  private record RollUp(double nps, int n) {}

  /** NPS and n of each account over all its contacts' answers (the demo's answers all lie in the window). */
  private static Map<String, RollUp> rollUps(List<Answer> answers) {
    Map<String, List<Answer>> byAccount = new TreeMap<>();
    answers.forEach(answer -> answer.accountId().ifPresent(account -> byAccount.computeIfAbsent(account,
        key -> new ArrayList<>()).add(answer)));
    Map<String, RollUp> rollUps = new TreeMap<>();
    byAccount.forEach((account, list) -> {
      long promoters = list.stream().filter(answer -> answer.score() >= 9).count();
      long detractors = list.stream().filter(Answer::detractor).count();
      rollUps.put(account, new RollUp(100.0 * (promoters - detractors) / list.size(), list.size()));
    });
    assertThat(rollUps).as("accounts with answers").isNotEmpty();
    return rollUps;
  }

  private static Map<String, List<Answer>> byContact(List<Answer> answers) {
    return answers.stream().collect(Collectors.groupingBy(Answer::contactId, LinkedHashMap::new,
        Collectors.toList()));
  }

  private static Map<String, List<HubSpotSandbox.Engagement>> engagementsByContact(
      List<HubSpotSandbox.Engagement> engagements) {
    Map<String, List<HubSpotSandbox.Engagement>> byContact = new LinkedHashMap<>();
    engagements.forEach(engagement -> engagement.contactIds().forEach(contact -> byContact.computeIfAbsent(contact,
        key -> new ArrayList<>()).add(engagement)));
    return byContact;
  }

  /**
   * The write calls each CRM served are the fewest its batch limits allow for the records it now holds, but for
   * one partial batch per flush: the demo writes back after the backfill's answers and after the round's
   * ({@value #FLUSHES} flushes). At least records of a kind ÷ the batch size, rounded up (HubSpot 100 per batch,
   * Salesforce 200 per call), at most {@value #FLUSHES} − 1 more per kind.
   */
  private static void assertWriteCalls(DemoReport report, Demo demo) {
    HubSpotSandbox hubspot = demo.hubspot();
    long contactsWritten = hubspot.ids("contacts").stream()
        .filter(id -> hubspot.contact(id).containsKey("nps_score")).count();
    long companiesWritten = hubspot.ids("companies").stream()
        .filter(id -> hubspot.company(id).containsKey("nps_response_count")).count();
    Map<String, Integer> hubspotCalls = calls(report, Demo.HUBSPOT);
    Map<String, Integer> fewest = Map.of("batch update contacts", batches(contactsWritten, HUBSPOT_BATCH),
        "batch update companies", batches(companiesWritten, HUBSPOT_BATCH),
        "batch create tasks", batches(hubspot.tasks().size(), HUBSPOT_BATCH),
        "batch create notes", batches(hubspot.notes().size(), HUBSPOT_BATCH));
    fewest.forEach((operation, calls) -> assertThat(hubspotCalls.get(operation)).as("HubSpot %s calls", operation)
        .isBetween(calls, calls + FLUSHES - 1));

    SalesforceSandbox salesforce = demo.salesforce();
    long sfContacts = salesforce.records("Contact").stream().filter(contact -> contact.containsKey("NPS_Score__c"))
        .count();
    long sfAccounts = salesforce.records("Account").stream()
        .filter(account -> account.containsKey("NPS_Response_Count__c")).count();
    long followUps = salesforce.tasks().stream().filter(task -> "Not Started".equals(task.get("Status"))).count();
    long activities = salesforce.tasks().size() - followUps;
    Map<String, Integer> salesforceCalls = calls(report, Demo.SALESFORCE);
    // contacts and accounts go in calls of their own object; follow-ups and activities are both Tasks, written
    // by upsert on their key
    int updates = batches(sfContacts, SALESFORCE_BATCH) + batches(sfAccounts, SALESFORCE_BATCH);
    assertThat(salesforceCalls.get("update")).as("Salesforce update calls")
        .isBetween(updates, updates + 2 * (FLUSHES - 1));
    long responses = salesforce.records("NPS_Response__c").size();
    assertThat(salesforceCalls.get("upsert")).as("Salesforce upsert calls: Tasks, then NPS Responses")
        .isBetween(batches(followUps + activities, SALESFORCE_BATCH) + batches(responses, SALESFORCE_BATCH),
            batches(followUps, SALESFORCE_BATCH) + batches(activities, SALESFORCE_BATCH)
                + batches(responses, SALESFORCE_BATCH) + 3 * (FLUSHES - 1));
  }

  /**
   * The read calls are the fewest the data allows: two sync passes, the first reading every seeded record,
   * the second only what the {@value #NEW_EVENTS} new events changed (less than a page of each type), one
   * page per type and pass even when nothing changed; the pipelines once a pass; the properties installed once;
   * the labels of segment values once a pass.
   */
  private static void assertReadCalls(DemoReport report, Demo demo) throws Exception {
    HubSpotSandbox hubspot = demo.hubspot();
    assertThat(hubspot.wonDealIds().size() + hubspot.closedTicketIds().size())
        .as("won deals and closed tickets fit one search page").isLessThanOrEqualTo(HUBSPOT_SEARCH_PAGE);
    Map<String, Integer> expected = new TreeMap<>();
    expected.put("search contacts", batches(CONTACTS, HUBSPOT_SEARCH_PAGE) + (SYNC_PASSES - 1));
    for (String type : List.of("deals", "tickets")) {
      expected.put("search " + type, SYNC_PASSES);
      expected.put("read associations " + type + " to contacts", SYNC_PASSES);
      // each pass: the backfill lies six months before the second pass, longer than an adapter trusts them
      expected.put("pipelines " + type, SYNC_PASSES);
    }
    for (String object : List.of("contacts", "companies", "tasks", "notes")) {
      // what exists, then the group and the properties created in one call each (tasks and notes: the key)
      for (String operation : List.of("properties ", "create property group ", "create properties ")) {
        expected.put(operation + object, 1);
      }
    }
    // the labels of the segments' property options once a pass, the account's details (record links) once
    expected.merge("properties contacts", SYNC_PASSES, Integer::sum);
    expected.put("account details", 1);
    // the owner-mail alerts: each delivery run looks each owner's address up once (HubSpot's owners API,
    // Salesforce's User by a query)
    Map<String, Integer> ownerLookups = ownerLookups(alertMails(demo));
    if (ownerLookups.getOrDefault(Demo.HUBSPOT, 0) > 0) {
      expected.put("owner", ownerLookups.get(Demo.HUBSPOT));
    }
    // the connector keeps under HubSpot's limits: a 429 would be retried, and its call counted twice
    assertThat(hubspot.rateLimitedCalls()).as("HubSpot requests answered 429").isEmpty();
    Map<String, Integer> hubspotReads = new TreeMap<>(calls(report, Demo.HUBSPOT));
    hubspotReads.keySet().removeIf(operation -> operation.startsWith("batch "));
    assertThat(hubspotReads).as("HubSpot reads and installs").isEqualTo(expected);

    assertThat(demo.salesforce().records("Contact")).hasSizeLessThanOrEqualTo(SALESFORCE_QUERY_PAGE);
    Map<String, Integer> salesforceReads = new TreeMap<>(calls(report, Demo.SALESFORCE));
    salesforceReads.keySet().removeAll(List.of("update", "upsert"));
    // contacts by queryAll (deleted ones too) in one page; opportunities and cases by query each pass,
    // contact roles added since the last pass from the second pass on; the picklist labels of the segments'
    // fields by one describe a pass; the follow-up tasks written by the first
    // flush read back by the second pass, one queryAll by id (the first pass had no task to read)
    List<String> readBacks = demo.salesforce().soql().stream().filter(soql -> soql.contains(" FROM Task WHERE Id IN ("))
        .toList();
    long taskReads = readBacks.size();
    assertThat(taskReads).as("follow-up read-backs: at most one a pass after the first, when the first flush wrote "
        + "follow-up tasks").isBetween(0L, (long) SYNC_PASSES - 1);
    List<String> followUpIds = demo.salesforce().tasks().stream()
        .filter(task -> task.getOrDefault("NPS_Key__c", "").startsWith("task:")).map(task -> task.get("Id")).toList();
    assertThat(readBacks).as("read-backs name follow-up tasks only").allSatisfy(soql -> assertThat(
        java.util.regex.Pattern.compile("'(00T\\w{15})'").matcher(soql).results().map(match -> match.group(1)))
        .isNotEmpty().allMatch(followUpIds::contains));
    assertThat(salesforceReads).as("Salesforce reads").isEqualTo(Map.of("queryAll", SYNC_PASSES + (int) taskReads,
        "query", 2 * SYNC_PASSES + (SYNC_PASSES - 1) + ownerLookups.getOrDefault(Demo.SALESFORCE, 0),
        "describeSObjects", SYNC_PASSES));
    assertThat(demo.salesforce().soql().stream().filter(soql -> soql.startsWith("SELECT Email FROM User WHERE Id = ")))
        .as("owner look-ups").hasSize(ownerLookups.getOrDefault(Demo.SALESFORCE, 0));
  }

  /** The owner's e-mail as the HubSpot sandbox's owners API gives it. */
  private static String hubspotOwnerEmail(HubSpotSandbox hubspot, String ownerId) {
    try {
      HttpResponse<String> owner = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hubspot.url()
          + "/crm/v3/owners/" + ownerId)).header("Authorization", "Bearer " + HubSpotSandbox.DEFAULT_TOKEN).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(owner.statusCode()).as("owner %s", ownerId).isEqualTo(200);
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(owner.body()).get("email").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Where the demo's configuration sends an alert whose contact has no owner with an address. */
  private static final String FALLBACK = "cx@example.com";

  /** One owner-mail alert as captured: when it was sent, to whom, and the connection and contact it names. */
  private record AlertMail(Instant sent, String to, String connection, String contact) {}

  private static final java.util.regex.Pattern CONNECTION = java.util.regex.Pattern.compile("(?m)^Connection: (\\S+)");
  private static final java.util.regex.Pattern CONTACT = java.util.regex.Pattern.compile("(?m)^Contact: .*\\((\\S+@\\S+)\\)");

  private static List<AlertMail> alertMails(Demo demo) throws Exception {
    List<AlertMail> mails = new ArrayList<>();
    for (jakarta.mail.internet.MimeMessage mail : demo.capturedMails()) {
      String[] auto = mail.getHeader("Auto-Submitted");
      if (auto == null || !List.of(auto).contains("auto-generated")) {
        continue;
      }
      String text = Respondents.text(mail);
      java.util.regex.Matcher connection = CONNECTION.matcher(text);
      java.util.regex.Matcher contact = CONTACT.matcher(text);
      assertThat(connection.find() && contact.find()).as("connection and contact in%n%s", text).isTrue();
      mails.add(new AlertMail(mail.getSentDate().toInstant(), mail.getAllRecipients()[0].toString(),
          connection.group(1), contact.group(1)));
    }
    return mails;
  }

  /**
   * The fewest owner look-ups the alert mails needed, per connection: the distinct recipients of each delivery
   * run (the runs are a round apart, the mails of one run sent within moments).
   */
  private static Map<String, Integer> ownerLookups(List<AlertMail> mails) {
    List<AlertMail> sorted = mails.stream().sorted(java.util.Comparator.comparing(AlertMail::sent)).toList();
    Map<String, Integer> lookups = new TreeMap<>();
    Map<String, java.util.Set<String>> run = new TreeMap<>();
    Instant last = Instant.MIN;
    for (AlertMail mail : sorted) {
      if (mail.sent().isAfter(last.plus(Duration.ofHours(1)))) {
        run.forEach((connection, owners) -> lookups.merge(connection, owners.size(), Integer::sum));
        run.clear();
      }
      last = mail.sent();
      if (!mail.to().equals(FALLBACK)) { // the fallback goes without a look-up
        run.computeIfAbsent(mail.connection(), key -> new java.util.HashSet<>()).add(mail.to());
      }
    }
    run.forEach((connection, owners) -> lookups.merge(connection, owners.size(), Integer::sum));
    return lookups;
  }

  private static Map<String, Integer> calls(DemoReport report, String connection) {
    return report.crms().stream().filter(crm -> crm.connection().equals(connection)).findFirst().orElseThrow()
        .apiCalls();
  }

  private static int batches(long records, int batchSize) {
    return (int) ((records + batchSize - 1) / batchSize);
  }
}
