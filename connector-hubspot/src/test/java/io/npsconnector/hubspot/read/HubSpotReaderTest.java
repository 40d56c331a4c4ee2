package io.npsconnector.hubspot.read;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.Secret;
import io.npsconnector.hubspot.HubSpotSettings;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.HubSpotReader;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.RateGovernor;
import io.npsconnector.hubspot.client.TokenSource;
import io.npsconnector.hubspot.mapping.HubSpotCursor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HubSpotReaderTest {
  private static final Instant NOW = Instant.parse("2024-03-04T12:00:00Z");
  private static final Instant EARLIER = Instant.parse("2024-03-01T09:30:00.125Z");

  private final PortalSearch portal = new PortalSearch();

  @RegisterExtension
  final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(portal))
      .build();

  private final TestClock clock = new TestClock(NOW);
  private HubSpotReader reader;

  @BeforeEach
  void stubs() {
    wireMock.stubFor(post(urlEqualTo("/crm/v3/objects/contacts/search")).willReturn(aResponse()
        .withTransformers(PortalSearch.NAME)));
    wireMock.stubFor(post(urlEqualTo("/crm/v3/objects/deals/search")).willReturn(aResponse()
        .withTransformers(PortalSearch.NAME)));
    wireMock.stubFor(post(urlEqualTo("/crm/v3/objects/tickets/search")).willReturn(aResponse()
        .withTransformers(PortalSearch.NAME)));
    for (String type : List.of("deals", "tickets")) {
      wireMock.stubFor(post(urlEqualTo("/crm/v4/associations/" + type + "/contacts/batch/read"))
          .willReturn(aResponse().withTransformers(PortalSearch.NAME)));
      wireMock.stubFor(get(urlEqualTo("/crm/v3/pipelines/" + type)).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/json;charset=utf-8")
          .withBody(fixture("pipelines-" + type + ".json"))));
    }
    reader = reader();
  }

  private HubSpotReader reader() {
    HubSpotClient client = new HubSpotClient("hubspot-test", URI.create("http://127.0.0.1:" + wireMock.getPort()),
        "", HubSpotClient.newHttp(), TokenSource.fixed("test-token"),
        new RateGovernor(250, 5, 10, clock, clock::advance), Duration.ofMillis(1), 3);
    return new HubSpotReader(client, connection(), clock);
  }

  private static ConnectionConfig connection() {
    return new ConnectionConfig("hubspot-test", HubSpotSettings.TYPE, true, Duration.ofMinutes(5), Map.of(),
        new LinkedHashMap<>(Map.of("region", "hs_region")), ZoneId.of("UTC"), Locale.ENGLISH,
        HubSpotSettings.privateApp(new Secret("${HUBSPOT_TOKEN}", "test-token"), HubSpotClient.DEFAULT_BASE_URL));
  }

  private static String fixture(String name) {
    try (InputStream in = HubSpotReaderTest.class.getResourceAsStream("/hubspot/read/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything one pass reads, and the cursor and calls it took. */
  record Pass(List<Contact> contacts, List<InteractionEvent> events, SyncCursor cursor, int calls, int pages) {}

  private Pass pass(SyncCursor from) {
    List<Contact> contacts = new ArrayList<>();
    List<InteractionEvent> events = new ArrayList<>();
    SyncCursor cursor = from;
    int calls = 0;
    int pages = 0;
    boolean more = true;
    while (more) {
      ChangePage page = reader.read(cursor);
      contacts.addAll(page.contacts());
      events.addAll(page.events());
      cursor = page.next();
      calls += page.apiCalls();
      pages++;
      more = page.hasMore();
      assertThat(pages).as("pages of one pass").isLessThan(1_000);
    }
    return new Pass(contacts, events, cursor, calls, pages);
  }

  private void contact(long id, Instant modified, Map<String, String> properties) {
    portal.add("contacts", id, modified, properties);
  }

  @Test
  void firstSyncReadsContactsWonDealsAndClosedTicketsWithTheirContacts() {
    contact(101, EARLIER, Map.of("email", "lena.fischer@example.de", "firstname", "Lena", "lastname", "Fischer",
        "hs_timezone", "europe_slash_berlin", "hs_language", "de", "hs_email_optout", "false",
        "hubspot_owner_id", "31337", "associatedcompanyid", "9001", "company", "Fischer GmbH", "hs_region", "EMEA"));
    contact(102, EARLIER, Map.of("email", "ana@example.com.br", "hs_timezone", "america_slash_sao_paulo",
        "hs_language", "pt-br", "hs_email_optout", "true"));
    contact(103, EARLIER, Map.of("email", "x@example.com", "hs_timezone", "not_a_zone"));
    portal.add("deals", 5001, EARLIER, Map.of("dealname", "Renewal 2024", "amount", "4800", "pipeline",
        "76543210", "dealstage", "76543212", "closedate", "2024-03-01T09:00:00Z"));
    portal.add("deals", 5002, EARLIER, Map.of("dealname", "Open", "amount", "100", "pipeline", "default",
        "dealstage", "appointmentscheduled"));
    portal.add("deals", 5003, EARLIER, Map.of("dealname", "Nobody", "amount", "900", "pipeline", "default",
        "dealstage", "closedwon"));
    portal.add("tickets", 7001, EARLIER, Map.of("subject", "Login fails", "hs_pipeline", "0",
        "hs_pipeline_stage", "4", "hs_ticket_priority", "HIGH", "closed_date", "2024-03-01T08:00:00Z"));
    portal.associate("deals", 5001, 101, 102);
    portal.associate("tickets", 7001, 103);

    Pass pass = pass(SyncCursor.START);

    assertThat(pass.contacts()).extracting(Contact::crmId).containsExactly("101", "102", "103");
    Contact lena = pass.contacts().get(0);
    assertThat(lena.email()).contains("lena.fischer@example.de");
    assertThat(lena.timeZone()).contains(ZoneId.of("Europe/Berlin"));
    assertThat(lena.locale()).contains(Locale.GERMAN);
    assertThat(lena.ownerId()).contains("31337");
    assertThat(lena.accountId()).contains("9001");
    assertThat(lena.accountName()).contains("Fischer GmbH");
    assertThat(lena.segments()).containsEntry("region", "EMEA");
    assertThat(lena.modifiedAt()).isEqualTo(EARLIER);
    assertThat(pass.contacts().get(1).emailOptOut()).isTrue();
    assertThat(pass.contacts().get(1).locale()).contains(Locale.forLanguageTag("pt-BR"));
    assertThat(pass.contacts().get(1).timeZone()).contains(ZoneId.of("America/Sao_Paulo"));
    assertThat(pass.contacts().get(2).timeZone()).isEmpty();

    assertThat(pass.events()).extracting(InteractionEvent::crmId, InteractionEvent::kind,
            InteractionEvent::contactIds)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("5001", EventKind.PURCHASE, List.of("101", "102")),
            org.assertj.core.groups.Tuple.tuple("7001", EventKind.SUPPORT, List.of("103")));
    assertThat(pass.events().get(0).attributes()).containsEntry("amount", "4800").containsEntry("pipeline",
        "76543210");
    assertThat(pass.events().get(0).occurredAt()).isEqualTo(Instant.parse("2024-03-01T09:00:00Z"));
    assertThat(pass.events().get(1).attributes()).containsEntry("priority", "HIGH");
    // what the provider declares for filters is what the reader fills
    assertThat(pass.events()).allSatisfy(event -> assertThat(new io.npsconnector.hubspot.HubSpotProvider()
        .eventAttributes().of(event.kind()).orElseThrow()).containsKeys(event.attributes().keySet()
            .toArray(String[]::new)));
    // contacts, deals, tickets searches; two pipeline reads; one association read each for deals and tickets
    assertThat(pass.calls()).isEqualTo(7);
    assertThat(wireMock.getAllServeEvents()).hasSize(7);
  }

  @Test
  void sendsTheWindowAsEpochMillisSortedByObjectIdWithExactlyTheNeededProperties() {
    contact(101, EARLIER, Map.of("email", "a@example.com"));

    pass(SyncCursor.START);

    wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/contacts/search"))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[0].propertyName", equal("lastmodifieddate")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[0].operator", equal("GTE")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[0].value", equal("0")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[1].operator", equal("LTE")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[1].value",
            equal(Long.toString(NOW.toEpochMilli()))))
        .withRequestBody(matchingJsonPath("$.sorts[0].propertyName", equal("hs_object_id")))
        .withRequestBody(matchingJsonPath("$.sorts[0].direction", equal("ASCENDING")))
        .withRequestBody(matchingJsonPath("$.limit", equal("200")))
        .withRequestBody(matchingJsonPath("$.properties[?(@ == 'hs_timezone')]"))
        .withRequestBody(matchingJsonPath("$.properties[?(@ == 'hs_region')]")));
    wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/deals/search"))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[0].propertyName",
            equal("hs_lastmodifieddate")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[2].propertyName", equal("dealstage")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[2].operator", equal("IN")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[2].values[0]", equal("76543212")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[2].values[1]", equal("closedwon"))));
    wireMock.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/tickets/search"))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[2].propertyName",
            equal("hs_pipeline_stage")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[2].values[0]", equal("4"))));
  }

  private static com.github.tomakehurst.wiremock.matching.StringValuePattern equal(String value) {
    return com.github.tomakehurst.wiremock.client.WireMock.equalTo(value);
  }

  @Test
  void readsMoreThanTenThousandRecordsSharingOneTimestampWithKeysetRestarts() {
    for (long id = 1; id <= 10_500; id++) {
      contact(id, EARLIER, Map.of("email", "c" + id + "@example.com"));
    }

    Pass pass = pass(SyncCursor.START);

    Set<String> ids = new HashSet<>();
    pass.contacts().forEach(contact -> assertThat(ids.add(contact.crmId())).as("read once: %s", contact.crmId())
        .isTrue());
    assertThat(ids).hasSize(10_500);
    List<LoggedRequest> searches = wireMock.findAll(postRequestedFor(urlEqualTo("/crm/v3/objects/contacts/search")));
    assertThat(searches).hasSize(53); // ceil(10,500 / 200): every search returned a full page but the last
    assertThat(searches).allSatisfy(request -> assertThat(offset(request)).isLessThanOrEqualTo(9_800));
    assertThat(searches).anySatisfy(request -> assertThat(request.getBodyAsString()).contains("\"GT\""));
  }

  private static int offset(LoggedRequest request) {
    String body = request.getBodyAsString();
    int at = body.indexOf("\"after\":\"");
    return at < 0 ? 0 : Integer.parseInt(body.substring(at + 9, body.indexOf('"', at + 9)));
  }

  @Test
  void anIncrementalSyncWithNothingNewCostsOneSearchPerObjectType() {
    contact(101, EARLIER, Map.of("email", "a@example.com"));
    Pass first = pass(SyncCursor.START);
    clock.advance(Duration.ofMinutes(5));

    Pass second = pass(first.cursor());

    assertThat(second.contacts()).isEmpty();
    assertThat(second.events()).isEmpty();
    assertThat(second.calls()).isEqualTo(3);
    assertThat(second.pages()).isEqualTo(1);
    assertThat(second.cursor()).isEqualTo(first.cursor()); // nothing read: the checkpoints stay
    assertThat(HubSpotCursor.decode(second.cursor()).checkpoint(HubSpotCursor.CONTACTS))
        .isEqualTo(NOW.toEpochMilli());
  }

  @Test
  void theNextWindowStartsAFewMinutesBeforeTheCheckpointToCoverTheSearchIndexLag() {
    Pass first = pass(SyncCursor.START);
    clock.advance(Duration.ofHours(1));
    contact(101, NOW.minus(Duration.ofMinutes(2)), Map.of("email", "late@example.com")); // indexed late

    Pass second = pass(first.cursor());

    assertThat(second.contacts()).extracting(Contact::crmId).containsExactly("101");
  }

  private List<LoggedRequest> requests(String path) {
    return wireMock.findAll(postRequestedFor(urlEqualTo(path)));
  }

  @Test
  void changesAcrossTwoSyncsAtTheDefaultIntervalAreEachReadOnce() {
    // the first sync's last minute: what the next window searches again
    contact(101, NOW.minus(Duration.ofMinutes(1)), Map.of("email", "a@example.com"));
    contact(102, NOW.minusSeconds(10), Map.of("email", "b@example.com"));
    contact(103, EARLIER, Map.of("email", "c@example.com"));
    portal.add("deals", 5001, NOW.minusSeconds(30), Map.of("dealname", "Won", "pipeline", "default",
        "dealstage", "closedwon", "closedate", NOW.minusSeconds(30).toString()));
    portal.associate("deals", 5001, 101);
    Pass first = pass(SyncCursor.START);
    Duration interval = ConnectionConfig.DEFAULT_SYNC_INTERVAL;
    clock.advance(interval);
    contact(104, NOW.plus(interval).minusSeconds(20), Map.of("email", "d@example.com"));
    portal.add("deals", 5002, NOW.plusSeconds(5), Map.of("dealname", "Won too", "pipeline", "default",
        "dealstage", "closedwon", "closedate", NOW.plusSeconds(5).toString()));
    portal.associate("deals", 5002, 104);
    wireMock.resetRequests();

    Pass second = pass(first.cursor());

    assertThat(first.contacts()).extracting(Contact::crmId).containsExactly("101", "102", "103");
    assertThat(first.events()).extracting(InteractionEvent::crmId).containsExactly("5001");
    assertThat(second.contacts()).extracting(Contact::crmId).containsExactly("104");
    assertThat(second.events()).extracting(InteractionEvent::crmId).containsExactly("5002");
    // one search per type, and the contacts of the new deal only
    assertThat(requests("/crm/v3/objects/contacts/search")).hasSize(1);
    assertThat(requests("/crm/v3/objects/deals/search")).hasSize(1);
    assertThat(requests("/crm/v3/objects/tickets/search")).hasSize(1);
    List<LoggedRequest> associations = requests("/crm/v4/associations/deals/contacts/batch/read");
    assertThat(associations).singleElement().satisfies(request ->
        assertThat(request.getBodyAsString()).contains("5002").doesNotContain("5001"));
    assertThat(second.calls()).isEqualTo(4);
  }

  @Test
  void aChangeMadeWhileAWindowIsReadIsReadByTheNextSyncOnce() {
    for (long id = 1; id <= 450; id++) {
      contact(id, NOW.minus(Duration.ofMinutes(10)).minusSeconds(id % 50), Map.of("email", "c" + id + "@example.com"));
    }
    ChangePage page1 = reader.read(SyncCursor.START);
    clock.advance(Duration.ofSeconds(10)); // while the window is read, contact 5 (read already) and 300 change
    portal.modify("contacts", 5, clock.instant());
    portal.modify("contacts", 300, clock.instant());
    Pass rest = pass(page1.next());
    clock.advance(Duration.ofMinutes(5));

    Pass next = pass(rest.cursor());

    List<String> first = new ArrayList<>(page1.contacts().stream().map(Contact::crmId).toList());
    first.addAll(rest.contacts().stream().map(Contact::crmId).toList());
    // the first sync: every contact once but 300, which left its window before it was read; nothing skipped
    assertThat(first).hasSize(449).doesNotHaveDuplicates().doesNotContain("300");
    // the next sync: both changes, once each
    assertThat(next.contacts()).extracting(Contact::crmId, Contact::modifiedAt).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("5", NOW.plusSeconds(10)),
        org.assertj.core.groups.Tuple.tuple("300", NOW.plusSeconds(10)));
    assertThat(requests("/crm/v3/objects/contacts/search")).hasSize(3 + 1);
  }

  @Test
  void aRecordChangedAgainWithinTheOverlapIsReadAgain() {
    contact(101, NOW.minus(Duration.ofMinutes(1)), Map.of("email", "a@example.com"));
    Pass first = pass(SyncCursor.START);
    clock.advance(Duration.ofMinutes(5));
    // a second change stamped before the first window's end, reaching the index only now
    portal.modify("contacts", 101, NOW.minusSeconds(20));

    Pass second = pass(first.cursor());

    assertThat(first.contacts()).extracting(Contact::crmId).containsExactly("101");
    assertThat(second.contacts()).extracting(Contact::crmId, Contact::modifiedAt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("101", NOW.minusSeconds(20)));
  }

  @Test
  void aRestartMidWindowResumesFromTheStoredCursorWithoutLosingOrRepeating() {
    for (long id = 1; id <= 450; id++) {
      contact(id, EARLIER, Map.of("email", "c" + id + "@example.com"));
    }
    ChangePage page1 = reader.read(SyncCursor.START);
    SyncCursor stored = new SyncCursor(page1.next().value()); // what the engine stored

    reader = reader(); // a new process
    Pass rest = pass(stored);

    assertThat(page1.contacts()).hasSize(200);
    List<String> all = new ArrayList<>(page1.contacts().stream().map(Contact::crmId).toList());
    all.addAll(rest.contacts().stream().map(Contact::crmId).toList());
    assertThat(all).hasSize(450).doesNotHaveDuplicates();
  }

  @Test
  void printsTheTimeOfATenThousandContactSync() {
    for (long id = 1; id <= 10_000; id++) {
      contact(id, EARLIER.plusSeconds(id % 97), Map.of("email", "c" + id + "@example.com", "firstname", "C" + id,
          "hs_timezone", "europe_slash_berlin", "hs_language", "de"));
    }
    long started = System.nanoTime();

    Pass pass = pass(SyncCursor.START);

    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("10,000-contact first sync against WireMock: %d ms, %d API calls, %d pages%n", millis,
        pass.calls(), pass.pages());
    assertThat(pass.contacts()).hasSize(10_000);
    assertThat(pass.calls()).isEqualTo(50 + 1 + 1 + 2); // 50 contact pages, deal and ticket searches, pipelines
  }
}
