package io.npsconnector.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.testing.CrmAdapterContractTest;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.RateGovernor;
import io.npsconnector.hubspot.client.TokenSource;
import io.npsconnector.hubspot.read.PortalSearch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared adapter contract against a stateful HubSpot stand-in on WireMock: contacts, won deals and
 * closed tickets in its search index, their contacts in its v4 associations, pipelines from fixture
 * files of our own, batch updates and creates answered per record, e-mail opt-outs (batch unsubscribe-all)
 * answered per address.
 */
class HubSpotAdapterContractTest extends CrmAdapterContractTest {
  private static final int PAGE_SIZE = 4;
  private static final String YAML = """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: hubspot-contract
          type: hubspot
          credentials:
            token: ${HUBSPOT_TOKEN}
      channels:
        email:
          host: smtp.example.com
          from: nps@example.com
      """;

  private final PortalSearch portal = new PortalSearch();

  @RegisterExtension
  final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(portal))
      .build();

  /** Always a while after the latest record given, as the real clock is after every real change. */
  private final TestClock clock = new TestClock(T0.plus(Duration.ofMinutes(10)));
  private HubSpotAdapter adapter;

  @BeforeEach
  void stubs() {
    for (String type : List.of("contacts", "deals", "tickets")) {
      wireMock.stubFor(post(urlEqualTo("/crm/v3/objects/" + type + "/search"))
          .willReturn(aResponse().withTransformers(PortalSearch.NAME)));
    }
    for (String type : List.of("deals", "tickets")) {
      wireMock.stubFor(post(urlEqualTo("/crm/v4/associations/" + type + "/contacts/batch/read"))
          .willReturn(aResponse().withTransformers(PortalSearch.NAME)));
      wireMock.stubFor(get(urlEqualTo("/crm/v3/pipelines/" + type)).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/json;charset=utf-8")
          .withBody(fixture("pipelines-" + type + ".json"))));
    }
    wireMock.stubFor(post(urlPathMatching("/crm/v3/objects/[a-z]+/batch/(update|create)"))
        .willReturn(aResponse().withTransformers(PortalSearch.NAME)));
    wireMock.stubFor(post(urlEqualTo("/communication-preferences/v4/statuses/batch/unsubscribe-all?channel=EMAIL"))
        .willReturn(aResponse().withTransformers(PortalSearch.NAME)));
  }

  @Test
  void optsContactsOutOfEmailByAddressOncePerAddress() {
    List<RecordResult> results = adapter().write(List.of(
        new WriteRequest.EmailOptOut("opt-out-1", contactId(1), Optional.of("person-1@example.com")),
        new WriteRequest.EmailOptOut("opt-out-2", contactId(2), Optional.of("Person-1@Example.com")),
        new WriteRequest.EmailOptOut("opt-out-3", contactId(3), Optional.of("person-3@example.com"))));

    assertThat(results).extracting(RecordResult::key).containsExactly("opt-out-1", "opt-out-2", "opt-out-3");
    assertThat(results).allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
    assertThat(results.get(1).crmRecordId()).contains(contactId(2));
    assertThat(portal.unsubscribed()).containsExactly("person-1@example.com", "person-3@example.com");
    assertThat(crmRequestCount()).isEqualTo(1);
  }

  @AfterEach
  void closeAdapter() {
    if (adapter != null) {
      adapter.close();
    }
  }

  private static String fixture(String name) {
    try (InputStream in = HubSpotAdapterContractTest.class.getResourceAsStream("/hubspot/read/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NpsConfig config() {
    return ConfigLoader.parse("contract.yaml", YAML, Map.of("TOKEN_SECRET",
        "0123456789abcdef0123456789abcdef", "ADMIN_PASSWORD", "correct-horse", "HUBSPOT_TOKEN", "test-token"));
  }

  @Override
  protected CrmAdapter adapter() {
    if (adapter == null) {
      NpsConfig config = config();
      HubSpotClient client = new HubSpotClient("hubspot-contract",
          URI.create("http://127.0.0.1:" + wireMock.getPort()), "", HubSpotClient.newHttp(),
          TokenSource.fixed("test-token"), new RateGovernor(250, 5, 10, clock, clock::advance), Duration.ofMillis(1),
          3);
      adapter = new HubSpotAdapter(client, TokenSource.fixed("test-token"), config.connections().get(0),
          new AdapterContext(clock, config.writeback()), PAGE_SIZE);
    }
    return adapter;
  }

  @Override
  protected int pageSize() {
    return PAGE_SIZE;
  }

  @Override
  protected void givenContacts(List<Contact> contacts) {
    for (Contact contact : contacts) {
      Map<String, String> properties = new LinkedHashMap<>();
      contact.email().ifPresent(email -> properties.put("email", email));
      contact.firstName().ifPresent(name -> properties.put("firstname", name));
      contact.lastName().ifPresent(name -> properties.put("lastname", name));
      contact.accountId().ifPresent(id -> properties.put("associatedcompanyid", id));
      contact.accountName().ifPresent(name -> properties.put("company", name));
      portal.add("contacts", Long.parseLong(contact.crmId()), contact.modifiedAt(), properties);
      after(contact.modifiedAt());
    }
  }

  @Override
  protected void givenEvents(List<InteractionEvent> events) {
    for (InteractionEvent event : events) {
      boolean deal = event.kind() == EventKind.PURCHASE;
      Map<String, String> properties = deal
          ? Map.of("dealname", "Deal " + event.crmId(), "pipeline", "default", "dealstage", "closedwon",
              "closedate", event.occurredAt().toString())
          : Map.of("subject", "Ticket " + event.crmId(), "hs_pipeline", "0", "hs_pipeline_stage", "4",
              "closed_date", event.occurredAt().toString());
      String type = deal ? "deals" : "tickets";
      portal.add(type, Long.parseLong(event.crmId()), event.occurredAt(), properties);
      portal.associate(type, Long.parseLong(event.crmId()),
          event.contactIds().stream().mapToLong(Long::parseLong).toArray());
      after(event.occurredAt());
    }
  }

  /** Changes are in the past: the clock moves to ten minutes after the latest one, past the overlap. */
  private void after(Instant changed) {
    Instant wanted = changed.plus(Duration.ofMinutes(10));
    if (wanted.isAfter(clock.instant())) {
      clock.set(wanted);
    }
  }

  @Override
  protected String givenWriteFailure(WriteRequest request, boolean retriable) {
    String category = retriable ? "LOCKED" : "OBJECT_NOT_FOUND";
    portal.failUpdate(((WriteRequest.ContactNps) request).contactId(), category);
    return category;
  }

  @Override
  protected int crmRequestCount() {
    return wireMock.getAllServeEvents().size();
  }

  @Override
  protected Optional<CrmContactNps> crmContactNps(String contactId) {
    Map<String, String> contact = portal.properties("contacts", contactId);
    if (!contact.containsKey("nps_score")) {
      return Optional.empty();
    }
    return Optional.of(new CrmContactNps(Integer.parseInt(contact.get("nps_score")), contact.get("nps_category"),
        LocalDate.parse(contact.get("nps_last_response_date")),
        Optional.ofNullable(contact.get("nps_last_comment")).filter(comment -> !comment.isEmpty())));
  }

  @Override
  protected Optional<CrmAccountNps> crmAccountNps(String accountId) {
    Map<String, String> company = portal.properties("companies", accountId);
    if (!company.containsKey("nps_response_count")) {
      return Optional.empty();
    }
    String nps = company.getOrDefault("nps_account_score", "");
    return Optional.of(new CrmAccountNps(nps.isEmpty() ? OptionalDouble.empty()
        : OptionalDouble.of(Double.parseDouble(nps)), Integer.parseInt(company.get("nps_response_count"))));
  }

  @Override
  protected List<CrmTask> crmTasks(String contactId) {
    ZoneId zone = config().connections().get(0).timeZone();
    return portal.createdFor("tasks", contactId).stream().map(id -> portal.properties("tasks", id))
        .filter(task -> "NOT_STARTED".equals(task.get("hs_task_status")))
        .map(task -> new CrmTask(task.get("hs_task_subject"), Optional.ofNullable(task.get("hubspot_owner_id")),
            LocalDate.ofInstant(Instant.parse(task.get("hs_timestamp")), zone)))
        .toList();
  }

  @Override
  protected List<String> crmTimeline(String contactId) {
    return portal.createdFor("notes", contactId).stream().map(id -> portal.properties("notes", id))
        .map(note -> note.get("hs_note_body")).toList();
  }

  @Override
  protected String ownerId() {
    return "61200451";
  }

  @Override
  protected String contactId(int index) {
    return Long.toString(51_000 + index);
  }

  @Override
  protected String accountId(int index) {
    return Long.toString(8_100 + index);
  }

  @Override
  protected String eventId(int index) {
    return Long.toString(70_000 + index);
  }
}
