package io.npsconnector.sandbox.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.hubspot.HubSpotProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HubSpot sandbox driven by the real HubSpot adapter, built from a YAML configuration. */
class HubSpotSandboxTest {
  private static final String YAML = """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: hubspot-sandbox
          type: hubspot
          base-url: ${BASE_URL}
          credentials:
            token: ${HUBSPOT_TOKEN}
      channels:
        email:
          host: smtp.example.com
          from: nps@example.com
      """;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock = Clock.systemUTC();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private HubSpotSandbox sandbox(long seed, int contacts) {
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(seed, contacts, clock);
    open.add(sandbox);
    sandbox.start();
    return sandbox;
  }

  private CrmAdapter adapter(HubSpotSandbox sandbox, String token) {
    return adapter(sandbox, token, clock);
  }

  private CrmAdapter adapter(HubSpotSandbox sandbox, String token, Clock clock) {
    NpsConfig config = ConfigLoader.parse("sandbox.yaml", YAML, Map.of("TOKEN_SECRET",
        "0123456789abcdef0123456789abcdef", "ADMIN_PASSWORD", "correct-horse", "HUBSPOT_TOKEN", token,
        "BASE_URL", sandbox.url()));
    CrmAdapter adapter = new HubSpotProvider().create(config.connections().get(0),
        new AdapterContext(clock, config.writeback()));
    open.add(adapter);
    return adapter;
  }

  /** The system clock moved forward on demand: the portal's time passes, and waits still end. */
  private static final class OffsetClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void skip(Duration duration) {
      offset = offset.plus(duration);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** Everything one sync returns, and where it stopped. */
  private record Sync(List<Contact> contacts, List<InteractionEvent> events, SyncCursor cursor, int apiCalls,
      int pages) {}

  private static Sync sync(CrmAdapter adapter, SyncCursor from) {
    List<Contact> contacts = new ArrayList<>();
    List<InteractionEvent> events = new ArrayList<>();
    SyncCursor cursor = from;
    int calls = 0;
    int pages = 0;
    while (true) {
      ChangePage page = adapter.readChanges(cursor);
      pages++;
      contacts.addAll(page.contacts());
      events.addAll(page.events());
      calls += page.apiCalls();
      cursor = page.next();
      if (!page.hasMore()) {
        return new Sync(contacts, events, cursor, calls, pages);
      }
    }
  }

  private static int pages(int records) {
    return (records + 199) / 200;
  }

  @Test
  void anOAuthConnectionRefreshesItsTokenAtTheSandboxAndSyncs() {
    HubSpotSandbox sandbox = sandbox(11, 50).oauthApp("client-1", "secret-1", "refresh-1");
    CrmAdapter adapter = oauthAdapter(sandbox, "");

    Sync first = sync(adapter, SyncCursor.START);

    assertThat(first.contacts()).hasSize(50);
    assertThat(sandbox.calls()).containsEntry("oauth token", 1);
    assertThat(sandbox.token()).startsWith("CNb-oauth-");
  }

  /** An OAuth connection of app client-1 (secret-1, refresh token refresh-1), with {@code settings} added. */
  private CrmAdapter oauthAdapter(HubSpotSandbox sandbox, String settings) {
    NpsConfig config = ConfigLoader.parse("sandbox.yaml", YAML.replace(
        "    credentials:\n      token: ${HUBSPOT_TOKEN}\n",
        settings + "    auth: oauth\n    credentials:\n      client-id: client-1\n"
            + "      client-secret: ${CLIENT_SECRET}\n      refresh-token: ${REFRESH_TOKEN}\n"),
        Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef", "ADMIN_PASSWORD", "correct-horse",
            "CLIENT_SECRET", "secret-1", "REFRESH_TOKEN", "refresh-1", "BASE_URL", sandbox.url()));
    CrmAdapter adapter = new HubSpotProvider().create(config.connections().get(0),
        new AdapterContext(clock, config.writeback()));
    open.add(adapter);
    return adapter;
  }

  @Test
  void firstSyncReadsEverySeededContactWithTheExpectedCalls() {
    HubSpotSandbox sandbox = sandbox(42, 1_000);
    CrmAdapter adapter = adapter(sandbox, sandbox.token());

    Sync sync = sync(adapter, SyncCursor.START);

    assertThat(sync.contacts()).extracting(Contact::crmId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(sandbox.ids("contacts"));
    assertThat(sync.contacts()).hasSize(1_000).allSatisfy(contact -> {
      assertThat(contact.email()).hasValueSatisfying(email -> assertThat(email).matches(".+@(example\\.com|.+\\.test)"));
      assertThat(contact.firstName()).isPresent();
      assertThat(contact.locale()).isPresent();
      assertThat(contact.timeZone()).isPresent();
    });
    assertThat(sync.contacts()).anyMatch(Contact::emailOptOut).anyMatch(contact -> !contact.emailOptOut());
    assertThat(sync.contacts()).anyMatch(contact -> contact.accountId().isPresent() && contact.ownerId().isPresent());
    assertThat(sync.contacts()).extracting(contact -> contact.locale().orElseThrow().toLanguageTag())
        .contains("en", "de", "fr", "es", "pt-BR");

    List<String> won = sandbox.wonDealIds();
    List<String> closed = sandbox.closedTicketIds();
    assertThat(won).isNotEmpty();
    assertThat(closed).isNotEmpty();
    List<String> wonWithContacts = won.stream()
        .filter(id -> !sandbox.associated("deals", id, "contacts").isEmpty()).toList();
    List<String> closedWithContacts = closed.stream()
        .filter(id -> !sandbox.associated("tickets", id, "contacts").isEmpty()).toList();
    assertThat(sync.events()).filteredOn(event -> event.kind() == EventKind.PURCHASE)
        .extracting(InteractionEvent::crmId).containsExactlyInAnyOrderElementsOf(wonWithContacts);
    assertThat(sync.events()).filteredOn(event -> event.kind() == EventKind.SUPPORT)
        .extracting(InteractionEvent::crmId).containsExactlyInAnyOrderElementsOf(closedWithContacts);
    InteractionEvent deal = sync.events().stream().filter(event -> event.kind() == EventKind.PURCHASE)
        .findFirst().orElseThrow();
    assertThat(deal.attributes()).containsKeys("amount", "pipeline", "dealstage");
    assertThat(deal.contactIds()).containsExactlyInAnyOrderElementsOf(
        sandbox.associated("deals", deal.crmId(), "contacts"));

    // one search per 200 records of each type, one association read per page of deals or tickets, 2 pipelines
    int expected = pages(1_000) + 2 * pages(won.size()) + 2 * pages(closed.size()) + 2;
    assertThat(sandbox.totalCalls()).isEqualTo(expected);
    assertThat(sync.apiCalls()).isEqualTo(expected);
    assertThat(sandbox.calls()).containsEntry("search contacts", 5)
        .containsEntry("search deals", pages(won.size()))
        .containsEntry("search tickets", pages(closed.size()))
        .containsEntry("read associations deals to contacts", pages(won.size()))
        .containsEntry("read associations tickets to contacts", pages(closed.size()))
        .containsEntry("pipelines deals", 1)
        .containsEntry("pipelines tickets", 1);
    assertThat(sandbox.rateLimited()).isZero();
  }

  @Test
  void incrementalSyncWithNothingNewCostsOneSearchPerTypeAndNewEventsAreRead() {
    OffsetClock time = new OffsetClock();
    // skipping the clock frees the adapter's search window while the sandbox's (real time) one is still full
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(7, 300, time).eventsPerHour(6).searchLimit(20);
    open.add(sandbox);
    sandbox.start();
    CrmAdapter adapter = adapter(sandbox, sandbox.token(), time);
    Sync first = sync(adapter, SyncCursor.START);
    assertThat(first.contacts()).hasSize(300);
    sandbox.resetCalls();

    Sync nothing = sync(adapter, first.cursor());

    assertThat(nothing.contacts()).isEmpty();
    assertThat(nothing.events()).isEmpty();
    assertThat(nothing.pages()).isEqualTo(1);
    assertThat(nothing.apiCalls()).isEqualTo(3);
    assertThat(sandbox.calls()).isEqualTo(Map.of("search contacts", 1, "search deals", 1, "search tickets", 1));

    // two hours pass in the portal: the next sync reads what happened in them
    time.skip(Duration.ofHours(2));
    List<String> happened = new ArrayList<>(sandbox.advance(Duration.ofHours(2)));
    assertThat(happened).hasSize(12);
    SyncCursor after = assertSyncReads(adapter, nothing.cursor(), happened);

    // the next sync re-reads the reader's 5-minute overlap, and moves its checkpoint past it
    time.skip(Duration.ofMinutes(10));
    SyncCursor settled = sync(adapter, after).cursor();
    time.skip(Duration.ofMinutes(10));

    // events made now are read by the sync after them
    List<String> now = sandbox.addEventsNow(5);
    time.skip(Duration.ofSeconds(1));
    assertSyncReads(adapter, settled, now);
    assertThat(sandbox.rateLimited()).isZero();
  }

  /** Reads to the end from {@code cursor}; what it read must be exactly what {@code happened} names. */
  private SyncCursor assertSyncReads(CrmAdapter adapter, SyncCursor cursor, List<String> happened) {
    Set<String> contacts = new HashSet<>();
    Set<String> deals = new HashSet<>();
    Set<String> tickets = new HashSet<>();
    for (String event : happened) {
      String[] words = event.split(" ");
      (switch (words[0]) {
        case "contact" -> contacts;
        case "deal" -> deals;
        default -> tickets;
      }).add(words[1]);
    }
    Sync later = sync(adapter, cursor);
    assertThat(later.contacts()).extracting(Contact::crmId).containsExactlyInAnyOrderElementsOf(contacts);
    assertThat(later.events()).filteredOn(event -> event.kind() == EventKind.PURCHASE)
        .extracting(InteractionEvent::crmId).containsExactlyInAnyOrderElementsOf(deals);
    assertThat(later.events()).filteredOn(event -> event.kind() == EventKind.SUPPORT)
        .extracting(InteractionEvent::crmId).containsExactlyInAnyOrderElementsOf(tickets);
    return later.cursor();
  }

  @Test
  void installFieldsCreatesThePropertiesOnceAndTheCheckPasses() {
    HubSpotSandbox sandbox = sandbox(3, 20);
    CrmAdapter adapter = adapter(sandbox, sandbox.token());
    assertThat(adapter.describeFields().fields()).extracting(FieldReport.Field::state)
        .containsOnly(FieldReport.State.MISSING);
    assertThat(adapter.check().ok()).isFalse();

    FieldReport installed = adapter.installFields();

    assertThat(installed.fields()).hasSize(10).extracting(FieldReport.Field::state)
        .containsOnly(FieldReport.State.CREATED);
    assertThat(sandbox.propertyNames("contacts"))
        .contains("nps_score", "nps_category", "nps_last_response_date", "nps_last_comment");
    assertThat(sandbox.propertyNames("companies")).contains("nps_account_score", "nps_response_count",
        "nps_account_ci_low", "nps_account_ci_high");
    assertThat(sandbox.propertyNames("tasks")).contains("nps_key");
    assertThat(sandbox.propertyNames("notes")).contains("nps_key");
    assertThat(sandbox.calls()).containsEntry("create property group contacts", 1)
        .containsEntry("create properties contacts", 1).containsEntry("create properties companies", 1)
        .containsEntry("create properties tasks", 1).containsEntry("create properties notes", 1);

    sandbox.resetCalls();
    FieldReport again = adapter.installFields();

    assertThat(again.fields()).extracting(FieldReport.Field::state).containsOnly(FieldReport.State.PRESENT);
    assertThat(sandbox.calls()).isEqualTo(Map.of("properties contacts", 1, "properties companies", 1,
        "properties tasks", 1, "properties notes", 1));

    ConnectionCheck check = adapter.check();
    assertThat(check.problems()).isEmpty();
    assertThat(check.ok()).isTrue();

    ConnectionCheck refused = adapter(sandbox, "pat-na1-wrong").check();
    assertThat(refused.authenticated()).isFalse();
    sandbox.scopes(List.of("crm.objects.contacts.read"));
    assertThat(adapter.check().problems()).anyMatch(problem -> problem.contains("crm.objects.contacts.write"));
  }

  @Test
  void theOwnersApiGivesAContactOwnersAddressKnowsNoOtherOwnerAndNeedsItsScope() {
    HubSpotSandbox sandbox = sandbox(12, 5);
    CrmAdapter adapter = adapter(sandbox, sandbox.token());

    assertThat(adapter.ownerEmail("61200453")).contains("priya.raman@northwind.example");
    assertThat(adapter.ownerEmail("61200999")).isEmpty();

    sandbox.scopes(List.of("crm.objects.contacts.read"));
    assertThatThrownBy(() -> adapter(sandbox, sandbox.token()).ownerEmail("61200452"))
        .isInstanceOfSatisfying(CrmException.Authentication.class,
            e -> assertThat(e.getMessage()).contains("read owner", "MISSING_SCOPES"));
  }

  @Test
  void aTaskKeyNeedsItsPropertyAndARewriteUpdatesTheTaskItFindsByTheKey() {
    HubSpotSandbox sandbox = sandbox(12, 20);
    CrmAdapter adapter = adapter(sandbox, sandbox.token());
    String contact = sandbox.ids("contacts").get(0);
    WriteRequest.FollowUpTask task = new WriteRequest.FollowUpTask("task:31", contact, Optional.of("61200452"),
        "Call back: scored 3", "NPS 3 (detractor)", LocalDate.of(2026, 3, 4), "high");

    // HubSpot refuses a property nobody created, for every record of the batch
    assertThatThrownBy(() -> adapter.write(List.of(task))).isInstanceOfSatisfying(CrmException.Data.class,
        e -> assertThat(e.getMessage()).contains("PROPERTY_DOESNT_EXIST", "nps_key"));
    assertThat(sandbox.tasks()).isEmpty();

    adapter.installFields();
    RecordResult created = adapter.write(List.of(task)).get(0);
    sandbox.resetCalls();
    RecordResult rewritten = adapter.write(List.of(new WriteRequest.FollowUpTask("task:31", contact,
        Optional.of("61200452"), "Call back: scored 3", "NPS 9 (promoter)", LocalDate.of(2026, 3, 4), "high", true,
        PriorWrite.UNKNOWN))).get(0);

    assertThat(rewritten.crmRecordId()).isEqualTo(created.crmRecordId()).isPresent();
    assertThat(sandbox.tasks()).singleElement().satisfies(one -> assertThat(one.properties())
        .containsEntry("nps_key", "task:31").containsEntry("hs_task_status", "COMPLETED")
        .containsEntry("hs_task_body", "NPS 9 (promoter)"));
    assertThat(sandbox.calls()).isEqualTo(Map.of("search tasks", 1, "batch update tasks", 1));
  }

  @Test
  void followUpTasksAreReadBackOpenCompletedByTheirOwnersUserOrDeletedInBatchReadsOfAHundred() throws Exception {
    OffsetClock time = new OffsetClock();
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(13, 30, time);
    open.add(sandbox);
    sandbox.start();
    CrmAdapter adapter = adapter(sandbox, sandbox.token(), time);
    adapter.installFields();
    List<String> contacts = sandbox.ids("contacts");
    List<WriteRequest> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tasks.add(new WriteRequest.FollowUpTask("task:" + i, contacts.get(i), Optional.of("61200453"), "Call back",
          "NPS 2 (detractor)", LocalDate.of(2026, 3, 4), "high"));
    }
    List<String> ids = adapter.write(tasks).stream().map(result -> result.crmRecordId().orElseThrow()).toList();
    time.skip(Duration.ofHours(3));
    Instant completed = time.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    sandbox.completeTaskNow(ids.get(0), "61200453");
    sandbox.saveTaskAs(ids.get(1), Map.of("hs_task_status", "IN_PROGRESS"), "61200454");
    sandbox.deleteTaskNow(ids.get(2));
    sandbox.resetCalls();

    io.npsconnector.core.spi.TaskStates read = adapter.readTasks(ids);

    assertThat(read.apiCalls()).isEqualTo(1);
    assertThat(sandbox.calls()).isEqualTo(Map.of("batch read tasks", 1));
    io.npsconnector.core.spi.TaskState done = read.states().get(0);
    assertThat(done.status()).isEqualTo(io.npsconnector.core.spi.TaskState.Status.COMPLETED);
    assertThat(done.completedAt()).hasValueSatisfying(at -> assertThat(at).isBetween(completed,
        completed.plusSeconds(1)));
    assertThat(done.completedBy()).contains(new io.npsconnector.core.spi.TaskState.User(
        HubSpotSandbox.userIdOf("61200453"), Optional.empty()));
    assertThat(done.owner().map(io.npsconnector.core.spi.TaskState.User::id)).contains("61200453");
    assertThat(done.dueDate()).contains(LocalDate.of(2026, 3, 4));
    io.npsconnector.core.spi.TaskState working = read.states().get(1);
    assertThat(working.status()).isEqualTo(io.npsconnector.core.spi.TaskState.Status.OPEN);
    assertThat(working.crmStatus()).contains("IN_PROGRESS");
    assertThat(working.completedAt()).isEmpty();
    assertThat(read.states().get(2)).isEqualTo(io.npsconnector.core.spi.TaskState.deleted(ids.get(2)));

    // more than HubSpot's 100 ids: several batch reads; the sandbox refuses a batch of 101 as HubSpot does
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 250; i++) {
      many.add(ids.get(i % 2));
    }
    many.addAll(java.util.stream.IntStream.range(0, 150).mapToObj(i -> Long.toString(90_000_000L + i)).toList());
    sandbox.resetCalls();
    assertThat(adapter.readTasks(many.subList(248, 400)).apiCalls()).as("152 distinct-ish ids in calls of 100")
        .isEqualTo(2);
    HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(sandbox.url() + "/crm/v3/objects/tasks/batch/read"))
        .header("Authorization", "Bearer " + sandbox.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [" + String.join(",",
            java.util.Collections.nCopies(101, "{\"id\": \"" + ids.get(0) + "\"}")) + "], \"properties\": "
            + "[\"hs_task_status\", \"no_such_property\"]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).path("category").asText()).isEqualTo("VALIDATION_ERROR");
  }

  @Test
  void aTaskCompletedThroughTheApiGetsItsCompletionDateWithoutAUserAndReopeningClearsIt() throws Exception {
    HubSpotSandbox sandbox = sandbox(14, 10);
    CrmAdapter adapter = adapter(sandbox, sandbox.token());
    adapter.installFields();
    String id = adapter.write(List.of(new WriteRequest.FollowUpTask("task:1", sandbox.ids("contacts").get(0),
        Optional.of("61200451"), "Call back", "", LocalDate.of(2026, 3, 4), "high"))).get(0).crmRecordId()
        .orElseThrow();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> patched = http.send(HttpRequest.newBuilder(URI.create(sandbox.url()
            + "/crm/v3/objects/tasks/" + id)).header("Authorization", "Bearer " + sandbox.token())
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(
            "{\"properties\": {\"hs_task_status\": \"COMPLETED\"}}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(sandbox.object("tasks", id)).containsKey("hs_task_completion_date")
        .doesNotContainKey("hs_updated_by_user_id");
    HttpResponse<String> readOnly = http.send(HttpRequest.newBuilder(URI.create(sandbox.url()
            + "/crm/v3/objects/tasks/" + id)).header("Authorization", "Bearer " + sandbox.token())
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(
            "{\"properties\": {\"hs_task_completion_date\": \"2026-03-03T10:00:00Z\"}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(readOnly.statusCode()).isEqualTo(400);
    assertThat(readOnly.body()).contains("READ_ONLY_VALUE");

    adapter.write(List.of(new WriteRequest.FollowUpTask("task:1", sandbox.ids("contacts").get(0),
        Optional.of("61200451"), "Call back", "again", LocalDate.of(2026, 3, 6), "high", false,
        io.npsconnector.core.spi.PriorWrite.written(id))));
    assertThat(sandbox.object("tasks", id)).containsEntry("hs_task_status", "NOT_STARTED")
        .doesNotContainKey("hs_task_completion_date");
    HttpResponse<String> gone = http.send(HttpRequest.newBuilder(URI.create(sandbox.url()
        + "/crm/v3/objects/tasks/90000001")).header("Authorization", "Bearer " + sandbox.token())
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(
            "{\"properties\": {\"hs_task_status\": \"COMPLETED\"}}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(gone.statusCode()).isEqualTo(404);
  }

  @Test
  void writeBacksLandInTheSandbox() {
    HubSpotSandbox sandbox = sandbox(11, 40);
    CrmAdapter adapter = adapter(sandbox, sandbox.token());
    adapter.installFields();
    List<String> contacts = sandbox.ids("contacts");
    String first = contacts.get(0);
    String second = contacts.get(1);
    String third = contacts.get(2);
    String email = sandbox.contact(third).get("email");
    String company = sandbox.ids("companies").get(0);
    Instant responded = Instant.parse("2026-03-02T10:15:30Z");
    sandbox.resetCalls();

    List<RecordResult> results = adapter.write(List.of(
        new WriteRequest.ContactNps("nps-1", first, 9, "promoter", responded, Optional.of("Great support")),
        new WriteRequest.ContactNps("nps-2", second, 3, "detractor", responded, Optional.empty()),
        new WriteRequest.ContactNps("nps-3", "99999999", 7, "passive", responded, Optional.empty()),
        new WriteRequest.FollowUpTask("task-1", second, Optional.of("61200452"), "Call back: scored 3",
            "Support never called back", LocalDate.of(2026, 3, 4), "high"),
        new WriteRequest.TimelineActivity("note-1", first, "NPS 9 (promoter)", "Great support", responded),
        new WriteRequest.AccountNps("account-1", company, OptionalDouble.of(50.0), 4),
        new WriteRequest.EmailOptOut("opt-out-1", third, Optional.of(email.toUpperCase()))));

    assertThat(results).extracting(RecordResult::key)
        .containsExactly("nps-1", "nps-2", "nps-3", "task-1", "note-1", "account-1", "opt-out-1");
    assertThat(results).filteredOn(result -> !result.key().equals("nps-3"))
        .allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
    assertThat(results.get(2).success()).isFalse();
    assertThat(results.get(2).errorCode()).contains("OBJECT_NOT_FOUND");

    assertThat(sandbox.contact(first)).containsEntry("nps_score", "9").containsEntry("nps_category", "promoter")
        .containsEntry("nps_last_response_date", "2026-03-02").containsEntry("nps_last_comment", "Great support");
    assertThat(sandbox.contact(second)).containsEntry("nps_score", "3").containsEntry("nps_category", "detractor");
    assertThat(sandbox.tasks()).singleElement().satisfies(task -> {
      assertThat(task.contactIds()).containsExactly(second);
      assertThat(task.properties()).containsEntry("hs_task_subject", "Call back: scored 3")
          .containsEntry("hs_task_priority", "HIGH").containsEntry("hubspot_owner_id", "61200452");
      assertThat(results.get(3).crmRecordId()).contains(task.id());
    });
    assertThat(sandbox.notes()).singleElement().satisfies(note -> {
      assertThat(note.contactIds()).containsExactly(first);
      assertThat(note.properties().get("hs_note_body")).contains("NPS 9 (promoter)");
    });
    assertThat(sandbox.company(company)).containsEntry("nps_account_score", "50")
        .containsEntry("nps_response_count", "4");
    assertThat(sandbox.unsubscribed()).containsExactly(email.toLowerCase());
    assertThat(sandbox.contact(third)).containsEntry("hs_email_optout", "true");
    assertThat(sandbox.calls()).isEqualTo(Map.of("batch update contacts", 1, "batch update companies", 1,
        "batch create tasks", 1, "batch create notes", 1, "unsubscribe all", 1));
  }

  @Test
  void exceedingTheTenSecondLimitAnswers429AndTheClientRecovers() throws Exception {
    HubSpotSandbox sandbox = sandbox(5, 10).rateLimit(3);
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest pipelines = HttpRequest.newBuilder(URI.create(sandbox.url() + "/crm/v3/pipelines/deals"))
        .header("Authorization", "Bearer " + sandbox.token()).GET().build();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> ok = http.send(pipelines, HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("X-HubSpot-RateLimit-Remaining")).contains(Integer.toString(2 - i));
      assertThat(ok.headers().firstValue("X-HubSpot-RateLimit-Daily")).contains("250000");
    }
    HttpResponse<String> limited = http.send(pipelines, HttpResponse.BodyHandlers.ofString());
    assertThat(limited.statusCode()).isEqualTo(429);
    JsonNode body = JSON.readTree(limited.body());
    assertThat(body.path("status").asText()).isEqualTo("error");
    assertThat(body.path("errorType").asText()).isEqualTo("RATE_LIMIT");
    assertThat(body.path("policyName").asText()).isEqualTo("TEN_SECONDLY_ROLLING");
    assertThat(body.path("message").asText()).isEqualTo("You have reached your ten_secondly_rolling limit.");
    assertThat(body.path("correlationId").asText()).isNotEmpty()
        .isEqualTo(limited.headers().firstValue("X-HubSpot-Correlation-Id").orElseThrow());
    assertThat(limited.headers().firstValue("X-HubSpot-RateLimit-Remaining")).contains("0");

    // another client of the same token used the budget up: the adapter's first call meets a 429 and waits
    FieldReport report = adapter(sandbox, sandbox.token()).describeFields();

    assertThat(report.fields()).hasSize(10);
    assertThat(sandbox.rateLimited()).isGreaterThanOrEqualTo(2);
    assertThat(sandbox.calls().get("properties contacts")).isGreaterThanOrEqualTo(2);
    assertThat(sandbox.calls()).containsEntry("properties companies", 1);
  }

  @Test
  void faultsAreDeterministicForTheSeedAndTheAdapterRetriesThem() throws Exception {
    List<Integer> runs = new ArrayList<>();
    List<List<Integer>> sequences = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      HubSpotSandbox sandbox = sandbox(99, 5).faults(0.5, Duration.ZERO);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.url() + "/crm/v3/pipelines/tickets"))
          .header("Authorization", "Bearer " + sandbox.token()).GET().build();
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        statuses.add(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
      }
      sequences.add(statuses);
      runs.add((int) sandbox.faultsInjected());
    }
    assertThat(sequences.get(0)).isEqualTo(sequences.get(1)).contains(200)
        .anyMatch(status -> status == 502 || status == 503 || status == 504);
    assertThat(runs.get(0)).isEqualTo(runs.get(1)).isPositive();

    HubSpotSandbox sandbox = sandbox(1, 5).faults(0.3, Duration.ofMillis(2));
    assertThat(adapter(sandbox, sandbox.token()).describeFields().fields()).hasSize(10);
    sandbox.reset();
    assertThat(sandbox.calls()).isEmpty();
  }

  @Test
  void theSameSeedGivesTheSamePortalAndWrongTokensGet401() throws Exception {
    Clock fixed = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), java.time.ZoneOffset.UTC);
    HubSpotSandbox a = HubSpotSandbox.seeded(21, 50, fixed);
    HubSpotSandbox b = HubSpotSandbox.seeded(21, 50, fixed);
    assertThat(a.ids("contacts")).isEqualTo(b.ids("contacts"));
    String id = a.ids("contacts").get(7);
    assertThat(a.contact(id)).isEqualTo(b.contact(id));
    assertThat(a.wonDealIds()).isEqualTo(b.wonDealIds());

    HubSpotSandbox sandbox = sandbox(21, 5);
    HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(sandbox.url() + "/crm/v3/objects/contacts/search"))
        .header("Authorization", "Bearer wrong").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"limit\":10}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    JsonNode body = JSON.readTree(refused.body());
    assertThat(body.path("category").asText()).isEqualTo("INVALID_AUTHENTICATION");
    assertThat(body.path("correlationId").asText()).isNotEmpty();
    assertThat(sandbox.calls()).containsEntry("search contacts", 1);
  }

  @Test
  void searchesHaveTheirOwnSecondlyLimitAndTheDayHasItsBudget() throws Exception {
    HubSpotSandbox sandbox = sandbox(8, 30).dailyLimit(8);
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest search = HttpRequest.newBuilder(URI.create(sandbox.url() + "/crm/v3/objects/contacts/search"))
        .header("Authorization", "Bearer " + sandbox.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"filterGroups\":[{\"filters\":[{\"propertyName\":"
            + "\"hs_language\",\"operator\":\"IN\",\"values\":[\"de\",\"fr\"]}]}],\"properties\":[\"email\",\"hs_language\"],"
            + "\"limit\":5}"))
        .build();
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      answers.add(http.send(search, HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(answers.subList(0, 5)).allSatisfy(answer -> {
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("X-HubSpot-RateLimit-Remaining")).isEmpty();
    });
    JsonNode page = JSON.readTree(answers.get(0).body());
    assertThat(page.path("results").size()).isEqualTo(5);
    page.path("results").forEach(result -> assertThat(result.path("properties").path("hs_language").asText())
        .isIn("de", "fr"));
    assertThat(page.path("paging").path("next").path("after").asText()).isEqualTo("5");
    assertThat(answers.get(5).statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(answers.get(5).body()).path("policyName").asText()).isEqualTo("SECONDLY");

    HttpRequest pipelines = HttpRequest.newBuilder(URI.create(sandbox.url() + "/crm/v3/pipelines/deals"))
        .header("Authorization", "Bearer " + sandbox.token()).GET().build();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> ok = http.send(pipelines, HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("X-HubSpot-RateLimit-Daily-Remaining")).contains(Integer.toString(2 - i));
    }
    HttpResponse<String> spent = http.send(pipelines, HttpResponse.BodyHandlers.ofString());
    assertThat(spent.statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(spent.body()).path("policyName").asText()).isEqualTo("DAILY");
  }

  @Test
  void anOAuthConnectionBehindAPathPrefixRefreshesItsTokenThroughThePrefix() {
    HubSpotSandbox sandbox = prefixed(11, 20, "/gateway/hubspot").oauthApp("client-1", "secret-1", "refresh-1");
    CrmAdapter adapter = oauthAdapter(sandbox, "    path-prefix: /gateway/hubspot\n");

    Sync first = sync(adapter, SyncCursor.START);

    assertThat(first.contacts()).hasSize(20);
    assertThat(sandbox.calls()).containsEntry("oauth token", 1);
    assertThat(sandbox.token()).startsWith("CNb-oauth-");
  }

  private HubSpotSandbox prefixed(long seed, int contacts, String prefix) {
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(seed, contacts, clock).pathPrefix(prefix);
    open.add(sandbox);
    sandbox.start();
    return sandbox;
  }

  @Test
  void servesNothingOutsideItsPathPrefix() throws Exception {
    HubSpotSandbox sandbox = prefixed(3, 5, "/gateway/hubspot");
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> outside = http.send(HttpRequest.newBuilder(URI.create(sandbox.url() + "/crm/v3/pipelines/deals"))
        .header("Authorization", "Bearer " + sandbox.token()).GET().build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> inside = http.send(HttpRequest.newBuilder(URI.create(sandbox.url()
            + "/gateway/hubspot/crm/v3/pipelines/deals")).header("Authorization", "Bearer " + sandbox.token()).GET()
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(outside.statusCode()).isEqualTo(404);
    assertThat(inside.statusCode()).isEqualTo(200);
  }

  @Test
  void pagesTheAssociationsOfEachRecordAndGoesOnFromTheAfterItWasGiven() throws Exception {
    HubSpotSandbox sandbox = sandbox(5, 12).associationPageSize(2);
    String deal = sandbox.addWonDealNow(List.of());
    List<String> contacts = sandbox.ids("contacts").subList(0, 5);
    contacts.forEach(contact -> sandbox.associate("deals", deal, "contacts", contact));
    HttpClient http = HttpClient.newHttpClient();

    List<String> read = new ArrayList<>();
    List<JsonNode> pages = new ArrayList<>();
    String input = "{\"id\":\"" + deal + "\"}";
    while (input != null) {
      JsonNode page = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(sandbox.url()
              + "/crm/v4/associations/deals/contacts/batch/read")).header("Authorization", "Bearer " + sandbox.token())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[" + input + "]}")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      pages.add(page);
      JsonNode result = page.path("results").get(0);
      result.path("to").forEach(to -> read.add(to.path("toObjectId").asText()));
      String after = result.path("paging").path("next").path("after").textValue();
      input = after == null ? null : "{\"id\":\"" + deal + "\",\"after\":\"" + after + "\"}";
    }

    // 5 contacts in pages of 2: 2, 2, 1; the last page has no paging at all
    assertThat(pages).hasSize((5 + 2 - 1) / 2);
    assertThat(pages.get(0).path("results").get(0).path("to")).hasSize(2);
    assertThat(pages.get(0).path("results").get(0).path("to").get(0).path("toObjectId").isNumber()).isTrue();
    assertThat(pages.get(pages.size() - 1).path("results").get(0).has("paging")).isFalse();
    assertThat(read).containsExactlyElementsOf(contacts);
  }

  @Test
  void aDealsContactsPastTheFirstPageOfItsAssociationsAreSurveyedToo() {
    HubSpotSandbox sandbox = sandbox(5, 12).associationPageSize(2);
    List<String> contacts = sandbox.ids("contacts").subList(0, 5);
    String deal = sandbox.addWonDealNow(contacts);
    CrmAdapter adapter = adapter(sandbox, sandbox.token());

    Sync sync = sync(adapter, SyncCursor.START);

    assertThat(sync.events()).filteredOn(event -> event.crmId().equals(deal)).singleElement()
        .satisfies(event -> assertThat(event.contactIds()).containsExactlyInAnyOrderElementsOf(contacts));
    // every won deal and closed ticket keeps all its contacts, whatever the page size
    assertThat(sync.events()).allSatisfy(event -> assertThat(event.contactIds()).containsExactlyInAnyOrderElementsOf(
        sandbox.associated(event.kind() == EventKind.PURCHASE ? "deals" : "tickets", event.crmId(), "contacts")));
  }

  @Test
  void aDealWonOrTicketClosedBeforeItsContactWasAssociatedIsReadOnceTheContactIs() {
    OffsetClock time = new OffsetClock();
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(9, 30, time);
    open.add(sandbox);
    sandbox.start();
    CrmAdapter adapter = adapter(sandbox, sandbox.token(), time);
    String deal = sandbox.addWonDealNow(List.of());
    String ticket = sandbox.addClosedTicketNow(List.of());
    time.skip(Duration.ofMinutes(10)); // past the reader's overlap: the next sync's window starts after both
    Sync first = sync(adapter, SyncCursor.START);
    assertThat(first.events()).extracting(InteractionEvent::crmId).doesNotContain(deal, ticket);
    Map<String, String> dealBefore = sandbox.object("deals", deal);
    Map<String, String> ticketBefore = sandbox.object("tickets", ticket);

    time.skip(Duration.ofHours(1));
    String buyer = sandbox.ids("contacts").get(3);
    String customer = sandbox.ids("contacts").get(4);
    sandbox.associate("deals", deal, "contacts", buyer);
    sandbox.associate("tickets", ticket, "contacts", customer);
    time.skip(Duration.ofHours(1));
    Sync later = sync(adapter, first.cursor());

    // as in HubSpot, associating a contact leaves the records as they were, last-modified date included
    assertThat(sandbox.object("deals", deal)).isEqualTo(dealBefore);
    assertThat(sandbox.object("tickets", ticket)).isEqualTo(ticketBefore);
    assertThat(later.events()).filteredOn(event -> event.crmId().equals(deal)).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(EventKind.PURCHASE);
      assertThat(event.contactIds()).containsExactly(buyer);
    });
    assertThat(later.events()).filteredOn(event -> event.crmId().equals(ticket)).singleElement()
        .satisfies(event -> {
          assertThat(event.kind()).isEqualTo(EventKind.SUPPORT);
          assertThat(event.contactIds()).containsExactly(customer);
        });
    // found once: the sync after does not read them again
    time.skip(Duration.ofHours(1));
    assertThat(sync(adapter, later.cursor()).events()).extracting(InteractionEvent::crmId)
        .doesNotContain(deal, ticket);
  }
}
