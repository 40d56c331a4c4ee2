package io.npsconnector.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.salesforce.SalesforceProvider;

/** The sandbox driven by the real Salesforce adapter (WSC on the wire), as the demo and end-to-end tests use it. */
class SalesforceSandboxTest {
  private static final Instant NOW = Instant.parse("2025-03-10T09:00:00Z");
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse-battery", "SF_SECRET", SalesforceSandbox.DEFAULT_CLIENT_SECRET,
      "SF_TOKEN", "unused");

  private final TestClock clock = new TestClock(NOW);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private SalesforceSandbox started(SalesforceSandbox sandbox) {
    open.add(sandbox);
    sandbox.start();
    return sandbox;
  }

  private static String yaml(String connection, String industry) {
    return """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: sf
            type: salesforce
        %s
            api-version: "65.0"
            time-zone: UTC
            fields:
              locale: Preferred_Language__c
              time-zone: Time_Zone__c
            segments:
              industry: %s
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        """.formatted(connection.stripTrailing(), industry);
  }

  private CrmAdapter adapter(String connection, Map<String, String> env) {
    return adapter(connection, env, "Account.Industry");
  }

  private CrmAdapter adapter(String connection, Map<String, String> env, String industry) {
    NpsConfig config = ConfigLoader.parse("sandbox.yaml", yaml(connection, industry), env);
    CrmAdapter adapter = new SalesforceProvider().create(config.connections().get(0),
        new AdapterContext(clock, config.writeback()));
    open.add(adapter);
    return adapter;
  }

  /** A client-credentials connection signing in at the sandbox's token endpoint. */
  private CrmAdapter adapter(SalesforceSandbox sandbox) {
    return adapter("""
            auth: client-credentials
            credentials:
              client-id: %s
              client-secret: ${SF_SECRET}
            login-url: %s
        """.formatted(SalesforceSandbox.DEFAULT_CLIENT_ID, sandbox.baseUrl()), ENV);
  }

  private CrmAdapter staticTokenAdapter(SalesforceSandbox sandbox, String token) {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("SF_TOKEN", token);
    return adapter("""
            auth: static-token
            credentials:
              token: ${SF_TOKEN}
            base-url: %s
        """.formatted(sandbox.baseUrl()), env);
  }

  /** What one sync (pages until no more) brought. */
  private record Sync(List<Contact> contacts, List<InteractionEvent> events, SyncCursor cursor, int calls) {}

  private static Sync sync(CrmAdapter adapter, SyncCursor from) {
    List<Contact> contacts = new ArrayList<>();
    List<InteractionEvent> events = new ArrayList<>();
    SyncCursor cursor = from;
    int calls = 0;
    ChangePage page;
    do {
      page = adapter.readChanges(cursor);
      contacts.addAll(page.contacts());
      events.addAll(page.events());
      calls += page.apiCalls();
      cursor = page.next();
    } while (page.hasMore());
    return new Sync(contacts, events, cursor, calls);
  }

  private static int delta(Map<String, Integer> before, Map<String, Integer> after, String operation) {
    return after.getOrDefault(operation, 0) - before.getOrDefault(operation, 0);
  }

  @Test
  void syncsFiveThousandContactsEventsAndWritesBackThroughTheRealAdapter() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(42, 5000, clock));
    CrmAdapter adapter = adapter(sandbox);

    Sync first = sync(adapter, SyncCursor.START);

    Map<String, Integer> calls = sandbox.calls();
    assertThat(first.contacts()).hasSize(5000);
    assertThat(first.contacts().stream().map(Contact::crmId).distinct()).hasSize(5000);
    assertThat(calls.get("queryAll")).isEqualTo(1);
    assertThat(calls.get("queryMore")).isEqualTo(2);
    assertThat(calls.get("query")).isEqualTo(2); // opportunities and cases; roles come with their opportunities
    assertThat(first.calls()).isEqualTo(5);
    assertThat(first.contacts()).allSatisfy(contact -> {
      assertThat(contact.email().orElseThrow()).matches(".+@(example\\.com|.+\\.test)");
      assertThat(contact.segments()).containsKey("industry");
      assertThat(contact.accountId()).isPresent();
      assertThat(contact.ownerId().orElseThrow()).startsWith("005");
    });
    assertThat(first.contacts().stream().flatMap(contact -> contact.locale().stream())
        .map(java.util.Locale::toLanguageTag).distinct())
        .containsExactlyInAnyOrder("en", "de", "fr", "es", "pt-BR");
    assertThat(first.contacts()).anySatisfy(contact -> assertThat(contact.timeZone()).isPresent());
    assertThat(first.contacts()).anySatisfy(contact -> assertThat(contact.emailOptOut()).isTrue());
    Set<String> eventIds = new HashSet<>();
    first.events().forEach(event -> eventIds.add(event.crmId()));
    assertThat(eventIds).containsAll(sandbox.wonOpportunityIds()).containsAll(sandbox.closedCaseIds())
        .hasSize(sandbox.wonOpportunityIds().size() + sandbox.closedCaseIds().size());

    // nothing new: one query per object
    clock.advance(Duration.ofMinutes(10));
    Map<String, Integer> before = sandbox.calls();
    Sync idle = sync(adapter, first.cursor());
    assertThat(idle.contacts()).isEmpty();
    assertThat(idle.events()).isEmpty();
    assertThat(sandbox.totalCalls() - before.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);
    assertThat(idle.calls()).isEqualTo(4);

    // new events arrive in the next sync
    List<String> created = sandbox.addEventsNow(6);
    clock.advance(Duration.ofMinutes(5));
    Sync later = sync(adapter, idle.cursor());
    assertThat(later.events()).extracting(InteractionEvent::crmId).containsExactlyInAnyOrderElementsOf(created);
    assertThat(later.events()).filteredOn(event -> event.kind() == EventKind.PURCHASE).hasSize(3)
        .allSatisfy(event -> assertThat(event.contactIds()).isNotEmpty());
    assertThat(later.events()).filteredOn(event -> event.kind() == EventKind.SUPPORT).hasSize(3);

    // 201 contact updates: two update calls, and the values land in the org
    List<String> ids = sandbox.contactIds().subList(0, 201);
    List<WriteRequest> updates = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      updates.add(new WriteRequest.ContactNps("nps-" + i, ids.get(i), 9, "promoter", clock.instant(),
          i == 0 ? Optional.of("Great <service> & support") : Optional.empty()));
    }
    before = sandbox.calls();
    List<RecordResult> results = new ArrayList<>(adapter.write(updates.subList(0, 200)));
    results.addAll(adapter.write(updates.subList(200, 201)));
    assertThat(results).hasSize(201).allMatch(RecordResult::success);
    assertThat(delta(before, sandbox.calls(), "update")).isEqualTo(2);
    Map<String, String> written = sandbox.contact(ids.get(0)).orElseThrow();
    assertThat(written).containsEntry("NPS_Score__c", "9.0").containsEntry("NPS_Category__c", "Promoter")
        .containsEntry("NPS_Last_Response_Date__c", LocalDate.of(2025, 3, 10).toString())
        .containsEntry("NPS_Last_Comment__c", "Great <service> & support")
        .containsEntry("SystemModstamp", "2025-03-10T09:15:00.000Z");
    assertThat(sandbox.contact(ids.get(200)).orElseThrow()).containsEntry("NPS_Score__c", "9.0")
        .doesNotContainKey("NPS_Last_Comment__c");

    // follow-up tasks are created, by upsert on their key
    before = sandbox.calls();
    List<RecordResult> tasks = adapter.write(List.of(
        new WriteRequest.FollowUpTask("task-1", ids.get(1), Optional.of("005000000000002AAA"), "Call back a detractor",
            "Score 3: slow support", LocalDate.of(2025, 3, 12), "high"),
        new WriteRequest.TimelineActivity("activity-1", ids.get(2), "NPS answer: 9", "Loved it", clock.instant())));
    assertThat(tasks).allMatch(RecordResult::success);
    assertThat(delta(before, sandbox.calls(), "upsert")).isEqualTo(1);
    assertThat(delta(before, sandbox.calls(), "create")).isZero();
    assertThat(sandbox.tasks()).hasSize(2);
    assertThat(sandbox.tasks().get(0)).containsEntry("WhoId", ids.get(1)).containsEntry("Priority", "High")
        .containsEntry("Status", "Not Started").containsEntry("OwnerId", "005000000000002AAA")
        .containsEntry("ActivityDate", "2025-03-12").containsEntry("Subject", "Call back a detractor");
    assertThat(sandbox.tasks().get(1)).containsEntry("Status", "Completed").containsEntry("WhoId", ids.get(2));
    assertThat(tasks.get(0).crmRecordId()).contains(sandbox.tasks().get(0).get("Id"));

    // the contacts written are changes for the next sync
    clock.advance(Duration.ofMinutes(5));
    Sync afterWrites = sync(adapter, later.cursor());
    assertThat(afterWrites.contacts()).extracting(Contact::crmId).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void aContactsOwnerHasTheEmailOfItsUserAndItsRecordALightningAddressOnTheOrgsDomain() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(7, 5, clock));
    CrmAdapter adapter = adapter(sandbox);

    assertThat(adapter.ownerEmail("005000000000003AAA")).contains("tomas.ferreira@northwind.example");
    assertThat(adapter.ownerEmail("005000000000003")).contains("tomas.ferreira@northwind.example");
    assertThat(adapter.ownerEmail("005000000000099AAA")).isEmpty();
    assertThat(adapter.ownerEmail("' OR Id != '")).isEmpty();
    assertThat(adapter.ownerEmail("005000000000003AAA")).contains("tomas.ferreira@northwind.example");
    assertThat(sandbox.calls().get("query")).as("one query per owner, cached").isEqualTo(3);

    assertThat(adapter.recordUrl("contact", "003000000000001AAA")).contains(java.net.URI.create(
        sandbox.baseUrl().replaceAll("/+$", "") + "/lightning/r/Contact/003000000000001AAA/view"));
    assertThat(adapter.recordUrl("opportunity", "006000000000001AAA")).isEmpty();
  }

  @Test
  void theCheckPassesOnTheSeededOrg() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(7, 50, clock));
    CrmAdapter adapter = adapter(sandbox);

    ConnectionCheck check = adapter.check();

    assertThat(check.ok()).isTrue();
    assertThat(check.problems()).isEmpty();
    assertThat(adapter.describeFields().complete()).isTrue();
    assertThat(sandbox.calls().get("describeSObjects")).isEqualTo(2);
    assertThat(sandbox.tokenRequests()).isEqualTo(1);
  }

  @Test
  void aStaticTokenWorksAndAnUnknownSessionIsRefused() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(7, 30, clock));

    assertThat(sync(staticTokenAdapter(sandbox, sandbox.staticToken()), SyncCursor.START).contacts()).hasSize(30);
    assertThatThrownBy(() -> staticTokenAdapter(sandbox, "00D000000000001EAA!forged").readChanges(SyncCursor.START))
        .isInstanceOf(CrmException.Authentication.class).hasMessageContaining("INVALID_SESSION_ID");
  }

  @Test
  void wrongClientCredentialsAreRefusedByTheTokenEndpoint() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(7, 10, clock)
        .clientCredentials(SalesforceSandbox.DEFAULT_CLIENT_ID, "another-secret"));

    ConnectionCheck check = adapter(sandbox).check();

    assertThat(check.ok()).isFalse();
    assertThat(String.join(" ", check.problems())).contains("invalid_grant");
    assertThat(sandbox.totalCalls()).isZero();
  }

  @Test
  void refusesRequestsPastTheDailyLimit() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(7, 10, clock).dailyLimit(3));
    CrmAdapter adapter = adapter(sandbox);
    String contact = sandbox.contactIds().get(0);

    for (int i = 0; i < 3; i++) {
      assertThat(adapter.write(List.of(new WriteRequest.EmailOptOut("o" + i, contact, Optional.empty()))))
          .allMatch(RecordResult::success);
    }
    assertThatThrownBy(() -> adapter.write(List.of(new WriteRequest.EmailOptOut("o3", contact, Optional.empty()))))
        .isInstanceOf(CrmException.Retriable.class).hasMessageContaining("REQUEST_LIMIT_EXCEEDED");
    assertThat(sandbox.apiUsed()).isEqualTo(3);
    assertThat(sandbox.calls().get("update")).isEqualTo(4);
    assertThat(sandbox.contact(contact).orElseThrow()).containsEntry("HasOptedOutOfEmail", "true");
  }

  @Test
  void theDefaultLimitIsADeveloperEditionsAndReportedInEveryAnswer() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(7, 10, clock).apiUsage(14_999));
    CrmAdapter adapter = adapter(sandbox);

    assertThat(adapter.conservingApiBudget()).isFalse();
    adapter.readChanges(SyncCursor.START);

    assertThat(sandbox.dailyLimit()).isEqualTo(15_000);
    assertThat(adapter.conservingApiBudget()).isTrue(); // it read 15,000 of 15,000 in the LimitInfoHeader
  }

  @Test
  void injectedFaultsAreDeterministicForASeed() {
    List<Boolean> first = outcomes(started(SalesforceSandbox.seeded(3, 10, clock).faults(0.4, Duration.ZERO)));
    List<Boolean> second = outcomes(started(SalesforceSandbox.seeded(3, 10, clock).faults(0.4, Duration.ZERO)));

    assertThat(first).isEqualTo(second).contains(true, false);
  }

  private List<Boolean> outcomes(SalesforceSandbox sandbox) {
    CrmAdapter adapter = adapter(sandbox);
    List<Boolean> outcomes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      try {
        adapter.describeFields();
        outcomes.add(true);
      } catch (CrmException.Retriable e) {
        outcomes.add(false);
      }
    }
    assertThat(sandbox.injectedFaults()).isEqualTo(outcomes.stream().filter(ok -> !ok).count());
    return outcomes;
  }

  @Test
  void deletedContactsComeWithTheSyncAndRefuseWrites() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(11, 20, clock));
    CrmAdapter adapter = adapter(sandbox);
    Sync first = sync(adapter, SyncCursor.START);
    String gone = sandbox.contactIds().get(3);

    sandbox.deleteContactNow(gone);
    clock.advance(Duration.ofMinutes(5));
    Sync next = sync(adapter, first.cursor());
    List<RecordResult> results = adapter.write(List.of(new WriteRequest.ContactNps("k", gone, 3, "detractor",
        clock.instant(), Optional.empty())));

    assertThat(next.contacts()).singleElement().satisfies(contact -> {
      assertThat(contact.crmId()).isEqualTo(gone);
      assertThat(contact.deleted()).isTrue();
    });
    assertThat(results).singleElement().satisfies(result -> {
      assertThat(result.success()).isFalse();
      assertThat(result.errorCode()).contains("ENTITY_IS_DELETED");
    });
  }

  @Test
  void anExpiredQueryLocatorMakesTheReaderStartAgainWithoutLosingContacts() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 4500, clock));
    CrmAdapter adapter = adapter(sandbox);

    ChangePage page = adapter.readChanges(SyncCursor.START);
    sandbox.expireQueryLocators();
    Set<String> ids = new HashSet<>();
    page.contacts().forEach(contact -> ids.add(contact.crmId()));
    Sync rest = sync(adapter, page.next());
    rest.contacts().forEach(contact -> ids.add(contact.crmId()));

    assertThat(page.contacts()).hasSize(2000);
    assertThat(ids).hasSize(4500);
    assertThat(sandbox.calls().get("queryAll")).isEqualTo(2);
  }

  @Test
  void anUnknownSegmentFieldIsAnInvalidFieldFaultNamingTheConfiguration() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));
    Map<String, String> env = new HashMap<>(ENV);
    env.put("SF_TOKEN", sandbox.staticToken());
    CrmAdapter adapter = adapter("""
            auth: static-token
            credentials:
              token: ${SF_TOKEN}
            base-url: %s
        """.formatted(sandbox.baseUrl()), env, "Account.Regio__c");

    assertThatThrownBy(() -> adapter.readChanges(SyncCursor.START)).isInstanceOf(CrmException.Data.class)
        .hasMessageContaining("INVALID_FIELD").hasMessageContaining("connections.sf.segments.industry");
  }

  @Test
  void followUpTasksAreReadBackOpenCompletedByTheirUserWithNamesOrDeleted() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(9, 10, clock));
    CrmAdapter adapter = adapter(sandbox);
    List<String> contacts = sandbox.contactIds();
    List<WriteRequest> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tasks.add(new WriteRequest.FollowUpTask("task:" + i, contacts.get(i), Optional.of("005000000000002AAA"),
          "Call back", "NPS 2 (detractor)", java.time.LocalDate.of(2026, 3, 4), "high"));
    }
    List<String> ids = adapter.write(tasks).stream().map(result -> result.crmRecordId().orElseThrow()).toList();
    java.time.Instant before = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    sandbox.completeTaskNow(ids.get(0), "005000000000003AAA");
    sandbox.saveTaskAs(ids.get(1), Map.of("Status", "In Progress"), "005000000000002AAA");
    sandbox.deleteTaskNow(ids.get(2));
    sandbox.resetCalls();

    io.npsconnector.core.spi.TaskStates read = adapter.readTasks(List.of(ids.get(0), ids.get(1), ids.get(2),
        "00T000000009999AAA"));

    assertThat(read.apiCalls()).isEqualTo(1);
    assertThat(sandbox.totalCalls()).isEqualTo(1);
    assertThat(sandbox.calls()).containsEntry("queryAll", 1);
    assertThat(sandbox.soql()).last().asString().startsWith("SELECT Id, IsDeleted, Status, IsClosed, "
        + "CompletedDateTime, OwnerId, Owner.Name, ActivityDate, LastModifiedDate, LastModifiedById, "
        + "LastModifiedBy.Name FROM Task WHERE Id IN ('" + ids.get(0) + "','");
    io.npsconnector.core.spi.TaskState done = read.states().get(0);
    assertThat(done.status()).isEqualTo(io.npsconnector.core.spi.TaskState.Status.COMPLETED);
    assertThat(done.crmStatus()).contains("Completed");
    assertThat(done.completedAt()).hasValueSatisfying(at -> assertThat(at).isAfterOrEqualTo(before));
    assertThat(done.completedBy()).contains(new io.npsconnector.core.spi.TaskState.User("005000000000003AAA",
        Optional.of(sandbox.users().get("005000000000003AAA"))));
    assertThat(done.owner()).contains(new io.npsconnector.core.spi.TaskState.User("005000000000002AAA",
        Optional.of(sandbox.users().get("005000000000002AAA"))));
    assertThat(done.dueDate()).contains(java.time.LocalDate.of(2026, 3, 4));
    io.npsconnector.core.spi.TaskState working = read.states().get(1);
    assertThat(working.status()).isEqualTo(io.npsconnector.core.spi.TaskState.Status.OPEN);
    assertThat(working.crmStatus()).contains("In Progress");
    assertThat(working.completedBy()).isEmpty();
    assertThat(read.states().get(2).status()).as("in the recycle bin").isEqualTo(
        io.npsconnector.core.spi.TaskState.Status.DELETED);
    assertThat(read.states().get(3).status()).as("never there").isEqualTo(
        io.npsconnector.core.spi.TaskState.Status.DELETED);
    assertThat(sandbox.tasks().get(0)).containsEntry("IsClosed", "true").containsEntry("LastModifiedById",
        "005000000000003AAA");
  }

  @Test
  void aStatementLongerThanSalesforcesLimitIsAMalformedQueryAndInListsWork() throws Exception {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));
    String ids = String.join(",", java.util.Collections.nCopies(4_800, "'003000000000001AAA'"));

    java.net.http.HttpResponse<String> tooLong = soap(sandbox, sandbox.staticToken(),
        "<query xmlns=\"urn:partner.soap.sforce.com\"><queryString>SELECT Id FROM Contact WHERE Id IN (" + ids
            + ")</queryString></query>");
    java.net.http.HttpResponse<String> in = soap(sandbox, sandbox.staticToken(),
        "<query xmlns=\"urn:partner.soap.sforce.com\"><queryString>SELECT Id, Name FROM Contact WHERE Id IN ('"
            + sandbox.contactIds().get(0) + "', '" + sandbox.contactIds().get(1) + "')</queryString></query>");

    assertThat(tooLong.statusCode()).isEqualTo(500);
    assertThat(tooLong.body()).contains("<faultcode>sf:MALFORMED_QUERY</faultcode>").contains("100000");
    assertThat(in.statusCode()).isEqualTo(200);
    assertThat(in.body()).contains("<size>2</size>");
  }

  @Test
  void aCallOfMoreThanTwoHundredRecordsIsRefusedAsAWhole() throws Exception {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < 201; i++) {
      records.append("<sObjects><sf:type>Task</sf:type><sf:Subject>s").append(i).append("</sf:Subject></sObjects>");
    }

    java.net.http.HttpResponse<String> response = soap(sandbox, sandbox.staticToken(),
        "<create xmlns=\"urn:partner.soap.sforce.com\">" + records + "</create>");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("text/xml"));
    assertThat(response.body()).contains("<faultcode>sf:EXCEEDED_ID_LIMIT</faultcode>")
        .contains("xsi:type=\"sf:UnexpectedErrorFault\"");
    assertThat(sandbox.tasks()).isEmpty();
  }

  private static String upsertCall(String field, String... keys) {
    StringBuilder call = new StringBuilder("<upsert xmlns=\"urn:partner.soap.sforce.com\" "
        + "xmlns:sf=\"urn:sobject.partner.soap.sforce.com\"><externalIDFieldName>" + field + "</externalIDFieldName>");
    for (String key : keys) {
      call.append("<sObjects><sf:type>Task</sf:type><sf:Subject>Call back</sf:Subject>");
      if (key != null) {
        call.append("<sf:NPS_Key__c>").append(key).append("</sf:NPS_Key__c>");
      }
      call.append("</sObjects>");
    }
    return call.append("</upsert>").toString();
  }

  private static String createCall(String key) {
    return "<create xmlns=\"urn:partner.soap.sforce.com\" xmlns:sf=\"urn:sobject.partner.soap.sforce.com\">"
        + "<sObjects><sf:type>Task</sf:type><sf:Subject>By hand</sf:Subject><sf:NPS_Key__c>" + key
        + "</sf:NPS_Key__c></sObjects></create>";
  }

  @Test
  void upsertCreatesOnTheFirstKeyAndUpdatesAfterwardsAnsweringCreatedInWsdlOrder() throws Exception {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));

    String first = soap(sandbox, sandbox.staticToken(), upsertCall("NPS_Key__c", "task:1", "task:2")).body();
    String again = soap(sandbox, sandbox.staticToken(), upsertCall("NPS_Key__c", "task:1")).body();

    assertThat(first).containsPattern("<result><created>true</created><id>00T\\w{15}</id><success>true</success>"
        + "</result><result><created>true</created>");
    assertThat(again).containsPattern("<result><created>false</created><id>00T\\w{15}</id><success>true</success>"
        + "</result></upsertResponse>");
    assertThat(sandbox.tasks()).extracting(task -> task.get("NPS_Key__c")).containsExactly("task:1", "task:2");
    assertThat(sandbox.calls().get("upsert")).isEqualTo(2);
  }

  @Test
  void upsertRefusesAFieldThatIsNotAnExternalIdAndRecordsWithoutOrWithRepeatedKeys() throws Exception {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));

    java.net.http.HttpResponse<String> notExternal = soap(sandbox, sandbox.staticToken(),
        upsertCall("Subject", "task:1"));
    java.net.http.HttpResponse<String> unknown = soap(sandbox, sandbox.staticToken(), upsertCall("Nope__c", "task:1"));
    String perRecord = soap(sandbox, sandbox.staticToken(), upsertCall("NPS_Key__c", null, "task:5", "task:5"))
        .body();

    assertThat(notExternal.statusCode()).isEqualTo(500);
    assertThat(notExternal.body()).contains("<faultcode>sf:INVALID_FIELD</faultcode>", "sf:InvalidFieldFault",
        "Field name provided, Subject is not an External ID or indexed field for Task");
    assertThat(unknown.body()).contains("sf:INVALID_FIELD", "Nope__c is not an External ID");
    assertThat(perRecord).contains("<statusCode>MISSING_ARGUMENT</statusCode>")
        .contains("Duplicate external id specified: task:5").doesNotContain("<success>true</success>");
    assertThat(sandbox.tasks()).isEmpty();
  }

  @Test
  void aUniqueKeyRefusesASecondTaskAndAKeyOnTwoTasksFailsTheUpsert() throws Exception {
    SalesforceSandbox unique = started(SalesforceSandbox.seeded(5, 10, clock));
    soap(unique, unique.staticToken(), createCall("task:9"));

    String duplicate = soap(unique, unique.staticToken(), createCall("task:9")).body();

    assertThat(duplicate).contains("<statusCode>DUPLICATE_VALUE</statusCode>",
        "duplicate value found: NPS_Key__c duplicates value on record with id: 00T");
    assertThat(unique.tasks()).hasSize(1);

    SalesforceSandbox handMade = started(SalesforceSandbox.seeded(6, 10, clock).taskKeyField(true, false));
    soap(handMade, handMade.staticToken(), createCall("task:9"));
    soap(handMade, handMade.staticToken(), createCall("task:9"));

    String ambiguous = soap(handMade, handMade.staticToken(), upsertCall("NPS_Key__c", "task:9")).body();

    assertThat(ambiguous).contains("<created>false</created>", "<statusCode>DUPLICATE_EXTERNAL_ID</statusCode>",
        "<fields>NPS_Key__c</fields>", "more than one record found for external id field");
    assertThat(handMade.tasks()).hasSize(2);
  }

  @Test
  void theTaskKeyIsDescribedAsAUniqueExternalIdAndTheCheckNamesOneThatIsNot() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock).taskKeyField(false, false));

    ConnectionCheck check = adapter(sandbox).check();

    assertThat(check.problems()).singleElement().satisfies(problem -> assertThat(problem)
        .contains("Task.NPS_Key__c must be a text field marked External ID and Unique"));
    sandbox.taskKeyField(true, true);
    assertThat(adapter(sandbox).check().problems()).isEmpty();
  }

  @Test
  void aMalformedQueryAndAnUnknownSessionAreFaults() throws Exception {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));

    java.net.http.HttpResponse<String> malformed = soap(sandbox, sandbox.staticToken(),
        "<query xmlns=\"urn:partner.soap.sforce.com\"><queryString>SELECT FROM Contact</queryString></query>");
    java.net.http.HttpResponse<String> unknownField = soap(sandbox, sandbox.staticToken(),
        "<query xmlns=\"urn:partner.soap.sforce.com\"><queryString>SELECT Id, Nope__c FROM Contact</queryString>"
            + "</query>");
    java.net.http.HttpResponse<String> session = soap(sandbox, "00D!nope",
        "<query xmlns=\"urn:partner.soap.sforce.com\"><queryString>SELECT Id FROM Contact</queryString></query>");

    assertThat(malformed.body()).contains("sf:MALFORMED_QUERY").contains("sf:MalformedQueryFault");
    assertThat(unknownField.body()).contains("sf:INVALID_FIELD").contains("No such column &apos;Nope__c&apos;");
    assertThat(session.statusCode()).isEqualTo(500);
    assertThat(session.body()).contains("sf:INVALID_SESSION_ID");
    assertThat(sandbox.calls().get("query")).isEqualTo(3);
  }

  @Test
  void theTokenEndpointAnswersLikeSalesforce() throws Exception {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    java.net.http.HttpResponse<String> ok = http.send(form(sandbox, "grant_type=client_credentials&client_id="
        + SalesforceSandbox.DEFAULT_CLIENT_ID + "&client_secret=" + SalesforceSandbox.DEFAULT_CLIENT_SECRET),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    java.net.http.HttpResponse<String> bad = http.send(form(sandbox, "grant_type=client_credentials&client_id="
        + SalesforceSandbox.DEFAULT_CLIENT_ID + "&client_secret=wrong"),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"access_token\":\"00D").contains("\"instance_url\":\"" + sandbox.baseUrl() + "\"")
        .contains("\"token_type\":\"Bearer\"");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"error\":\"invalid_grant\"");
  }

  private static java.net.http.HttpRequest form(SalesforceSandbox sandbox, String body) {
    return java.net.http.HttpRequest.newBuilder(java.net.URI.create(sandbox.baseUrl() + "/services/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static java.net.http.HttpResponse<String> soap(SalesforceSandbox sandbox, String session, String call)
      throws Exception {
    String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><env:Envelope "
        + "xmlns:env=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:sf=\"urn:sobject.partner.soap.sforce.com\">"
        + "<env:Header><SessionHeader xmlns=\"urn:partner.soap.sforce.com\"><sessionId>" + session
        + "</sessionId></SessionHeader></env:Header><env:Body>" + call + "</env:Body></env:Envelope>";
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(sandbox.soapEndpoint())).header("Content-Type", "text/xml; charset=UTF-8")
        .header("SOAPAction", "\"\"").POST(java.net.http.HttpRequest.BodyPublishers.ofString(envelope)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theJwtBearerFlowChecksTheAssertionsSignature() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    java.security.KeyPair app = generator.generateKeyPair();
    java.security.KeyPair other = generator.generateKeyPair();
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock).jwtPublicKey(app.getPublic()));

    ConnectionCheck signed = jwtAdapter(sandbox, app).check();
    ConnectionCheck forged = jwtAdapter(sandbox, other).check();

    assertThat(signed.ok()).isTrue();
    assertThat(signed.problems()).isEmpty();
    assertThat(forged.ok()).isFalse();
    assertThat(String.join(" ", forged.problems())).contains("invalid_grant");
  }

  private CrmAdapter jwtAdapter(SalesforceSandbox sandbox, java.security.KeyPair key) {
    String pem = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
        .encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    Map<String, String> env = new HashMap<>(ENV);
    env.put("SF_KEY", pem);
    return adapter("""
            auth: jwt
            credentials:
              client-id: %s
              username: %s
              private-key: ${SF_KEY}
            login-url: %s
        """.formatted(SalesforceSandbox.DEFAULT_CLIENT_ID, SalesforceSandbox.DEFAULT_USERNAME, sandbox.baseUrl()), env);
  }

  @Test
  void oneSeedMakesTheSameOrg() {
    SalesforceSandbox one = SalesforceSandbox.seeded(99, 200, clock);
    SalesforceSandbox two = SalesforceSandbox.seeded(99, 200, clock);
    SalesforceSandbox other = SalesforceSandbox.seeded(100, 200, clock);

    for (String type : List.of("Account", "Contact", "Opportunity", "OpportunityContactRole", "Case")) {
      assertThat(one.records(type)).as(type).isEqualTo(two.records(type));
    }
    assertThat(one.records("Contact")).isNotEqualTo(other.records("Contact"));
    assertThat(one.records("Contact")).allSatisfy(contact -> assertThat(contact.get("Email"))
        .matches("[a-z0-9.]+@(example\\.com|customer\\d+\\.test)"));
    assertThat(one.addEventsNow(4)).hasSize(4);
    assertThat(one.wonOpportunityIds()).hasSizeGreaterThan(two.wonOpportunityIds().size());
  }

  @Test
  void refusesFieldsToNullAfterTheIdAsTheWsdlsSequenceDoes() throws Exception {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));
    String id = sandbox.contactIds().get(0);
    String wrongOrder = "<update xmlns=\"urn:partner.soap.sforce.com\"><sObjects><sf:type>Contact</sf:type><sf:Id>" + id
        + "</sf:Id><sf:NPS_Score__c>9</sf:NPS_Score__c><sf:fieldsToNull>NPS_Last_Comment__c</sf:fieldsToNull>"
        + "</sObjects></update>";
    String rightOrder = "<update xmlns=\"urn:partner.soap.sforce.com\"><sObjects><sf:type>Contact</sf:type>"
        + "<sf:fieldsToNull>NPS_Last_Comment__c</sf:fieldsToNull><sf:Id>" + id + "</sf:Id>"
        + "<sf:NPS_Score__c>9</sf:NPS_Score__c></sObjects></update>";

    java.net.http.HttpResponse<String> refused = soap(sandbox, sandbox.staticToken(), wrongOrder);
    Map<String, String> untouched = sandbox.contact(id).orElseThrow();
    java.net.http.HttpResponse<String> accepted = soap(sandbox, sandbox.staticToken(), rightOrder);

    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(refused.body()).contains("<faultcode>soapenv:Client</faultcode>")
        .contains("<faultstring>Element {urn:sobject.partner.soap.sforce.com}fieldsToNull invalid at this location"
            + "</faultstring>")
        .doesNotContain("<detail>");
    assertThat(untouched).doesNotContainKey("NPS_Score__c");
    assertThat(accepted.statusCode()).isEqualTo(200);
    assertThat(accepted.body()).contains("<success>true</success>");
    assertThat(sandbox.contact(id).orElseThrow()).containsEntry("NPS_Score__c", "9.0");
  }

  @Test
  void theAdapterClearsACommentWithFieldsToNullInTheWsdlsOrder() {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));
    CrmAdapter adapter = adapter(sandbox);
    String id = sandbox.contactIds().get(0);
    adapter.write(List.of(new WriteRequest.ContactNps("first", id, 4, "detractor", clock.instant(),
        Optional.of("Too slow"))));

    List<RecordResult> results = adapter.write(List.of(new WriteRequest.ContactNps("again", id, 8, "passive",
        clock.instant(), Optional.empty())));

    assertThat(results).singleElement().satisfies(result -> assertThat(result.success()).as(result.toString())
        .isTrue());
    assertThat(sandbox.contact(id).orElseThrow()).containsEntry("NPS_Score__c", "8.0")
        .containsEntry("NPS_Category__c", "Passive").doesNotContainKey("NPS_Last_Comment__c");
  }

  @Test
  void refusesATaskDescriptionOverThirtyTwoThousandCharactersAndTheAdapterCutsItThere() throws Exception {
    SalesforceSandbox sandbox = started(SalesforceSandbox.seeded(5, 10, clock));
    String contact = sandbox.contactIds().get(0);
    String tooLong = "x".repeat(32_001);

    java.net.http.HttpResponse<String> refused = soap(sandbox, sandbox.staticToken(),
        "<create xmlns=\"urn:partner.soap.sforce.com\"><sObjects><sf:type>Task</sf:type><sf:WhoId>" + contact
            + "</sf:WhoId><sf:Subject>s</sf:Subject><sf:Description>" + tooLong + "</sf:Description></sObjects>"
            + "</create>");
    assertThat(refused.statusCode()).isEqualTo(200);
    assertThat(refused.body()).contains("<statusCode>STRING_TOO_LONG</statusCode>")
        .contains("<fields>Description</fields>").contains("(max length=32000)")
        .contains("<success>false</success>");
    assertThat(sandbox.tasks()).isEmpty();

    String comment = "y".repeat(40_000);
    List<RecordResult> results = adapter(sandbox).write(List.of(
        new WriteRequest.FollowUpTask("task", contact, Optional.empty(), "Call back", comment,
            LocalDate.of(2025, 3, 12), "high"),
        new WriteRequest.TimelineActivity("activity", contact, "NPS answer: 2", comment, clock.instant())));

    assertThat(results).allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
    assertThat(sandbox.tasks()).hasSize(2).allSatisfy(task -> assertThat(task.get("Description"))
        .isEqualTo(comment.substring(0, 32_000)));
  }
}
