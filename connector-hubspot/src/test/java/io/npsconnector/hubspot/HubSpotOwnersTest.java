package io.npsconnector.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.RateGovernor;
import io.npsconnector.hubspot.client.TokenSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The owners API as HubSpot answers it: the owner's e-mail, cached for an hour; unknown owners; a missing scope. */
class HubSpotOwnersTest {
  @RegisterExtension
  final WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

  private final TestClock clock = TestClock.at("2026-11-02T10:00:00Z");
  private HubSpotOwners owners;

  @BeforeEach
  void setUp() {
    HubSpotClient client = new HubSpotClient("hubspot-test", URI.create("http://127.0.0.1:" + wireMock.getPort()),
        "", HubSpotClient.newHttp(), TokenSource.fixed("test-token"),
        new RateGovernor(250, 5, 10, clock, clock::advance), Duration.ofMillis(1), 3);
    owners = new HubSpotOwners(client, clock);
  }

  @Test
  void readsTheOwnersEmailByIdAndAsksAgainOnlyAfterAnHour() throws IOException {
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/owners/61200452")).willReturn(json(200, "owner.json")));

    assertThat(owners.email("61200452")).contains("tomas.ferreira@northwind.example");
    assertThat(owners.email("61200452")).contains("tomas.ferreira@northwind.example");
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/crm/v3/owners/61200452"))
        .withQueryParam("idProperty", equalTo("id")).withQueryParam("archived", equalTo("false"))
        .withHeader("Authorization", equalTo("Bearer test-token")));

    clock.advance(Duration.ofHours(1));
    assertThat(owners.email("61200452")).contains("tomas.ferreira@northwind.example");
    wireMock.verify(2, getRequestedFor(urlPathEqualTo("/crm/v3/owners/61200452")));
  }

  @Test
  void anOwnerHubSpotDoesNotKnowHasNoAddressAndAnIdThatIsNoNumberIsNeverAsked() throws IOException {
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/owners/61200999")).willReturn(json(404, "not-found.json")));

    assertThat(owners.email("61200999")).isEmpty();
    assertThat(owners.email("../contacts/1")).isEmpty();
    wireMock.verify(1, getRequestedFor(urlPathEqualTo("/crm/v3/owners/61200999")));
  }

  @Test
  void aTokenWithoutTheOwnersScopeIsAnAuthenticationFailureNamingTheScope() throws IOException {
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/owners/61200452")).willReturn(json(403, "missing-scopes.json")));

    assertThatThrownBy(() -> owners.email("61200452")).isInstanceOf(CrmException.Authentication.class)
        .hasMessageContaining("read owner").hasMessageContaining("MISSING_SCOPES");
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String fixture)
      throws IOException {
    try (InputStream in = HubSpotOwnersTest.class.getResourceAsStream("/hubspot/owners/" + fixture)) {
      return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8")
          .withBody(new String(Optional.ofNullable(in).orElseThrow().readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
