package io.npsconnector.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.Secret;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.RateGovernor;
import io.npsconnector.hubspot.client.TokenSource;
import io.npsconnector.hubspot.read.PortalSearch;
import io.npsconnector.hubspot.webhook.StageChange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HubSpotStageChangeSinkTest {
  private static final Instant WON = Instant.parse("2024-03-04T11:58:00Z");

  private final PortalSearch portal = new PortalSearch();

  @RegisterExtension
  final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(portal))
      .build();

  private final TestClock clock = new TestClock(Instant.parse("2024-03-04T12:00:00Z"));
  private final List<InteractionEvent> received = new ArrayList<>();
  private HubSpotStageChangeSink sink;

  @BeforeEach
  void setUp() {
    wireMock.stubFor(post(urlPathMatching("/crm/v[34]/.*")).willReturn(aResponse()
        .withTransformers(PortalSearch.NAME)));
    for (String type : List.of("deals", "tickets")) {
      wireMock.stubFor(get(urlEqualTo("/crm/v3/pipelines/" + type)).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/json;charset=utf-8")
          .withBody(fixture("pipelines-" + type + ".json"))));
    }
    HubSpotClient client = new HubSpotClient("hubspot-test", URI.create("http://127.0.0.1:" + wireMock.getPort()),
        "", HubSpotClient.newHttp(), TokenSource.fixed("test-token"),
        new RateGovernor(250, 5, 10, clock, clock::advance), Duration.ofMillis(1), 3);
    ConnectionConfig connection = new ConnectionConfig("hubspot-test", HubSpotSettings.TYPE, true,
        Duration.ofMinutes(5), Map.of(), Map.of(), ZoneId.of("UTC"), Locale.ENGLISH,
        HubSpotSettings.privateApp(new Secret("${HUBSPOT_TOKEN}", "test-token"), HubSpotClient.DEFAULT_BASE_URL));
    sink = new HubSpotStageChangeSink("hubspot-test", new HubSpotReader(client, connection, clock), Runnable::run,
        received::addAll);
  }

  private static String fixture(String name) {
    try (InputStream in = HubSpotStageChangeSinkTest.class.getResourceAsStream("/hubspot/read/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aDealMovedToAWonStageBecomesAPurchaseEventWithItsContactsAtOnce() {
    portal.add("deals", 5001, WON, Map.of("dealname", "Renewal", "amount", "4800", "pipeline", "76543210",
        "dealstage", "76543212", "closedate", WON.toString()));
    portal.add("deals", 5002, WON, Map.of("dealname", "Still open", "pipeline", "default",
        "dealstage", "appointmentscheduled"));
    portal.add("tickets", 7001, WON, Map.of("subject", "Fixed", "hs_pipeline", "0", "hs_pipeline_stage", "4",
        "closed_date", WON.toString()));
    portal.associate("deals", 5001, 101);
    portal.associate("deals", 5002, 102);
    portal.associate("tickets", 7001, 103);

    sink.stageChanges(List.of(
        new StageChange(StageChange.Kind.DEAL, "5001", "76543212", WON, 1L),
        new StageChange(StageChange.Kind.DEAL, "5002", "appointmentscheduled", WON, 2L),
        new StageChange(StageChange.Kind.TICKET, "7001", "4", WON, 3L)));

    assertThat(received).extracting(InteractionEvent::crmId, InteractionEvent::kind, InteractionEvent::contactIds)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("5001", EventKind.PURCHASE, List.of("101")),
            org.assertj.core.groups.Tuple.tuple("7001", EventKind.SUPPORT, List.of("103")));
    assertThat(received.get(0).occurredAt()).isEqualTo(WON);
    assertThat(received.get(0).attributes()).containsEntry("amount", "4800");
  }

  @Test
  void aFailureIsLeftToThePollingSyncAndNothingIsPassedOn() {
    wireMock.resetAll(); // HubSpot unreachable for the reads: every call answers 404

    sink.stageChanges(List.of(new StageChange(StageChange.Kind.DEAL, "5001", "closedwon", WON, 1L)));

    assertThat(received).isEmpty();
  }
}
