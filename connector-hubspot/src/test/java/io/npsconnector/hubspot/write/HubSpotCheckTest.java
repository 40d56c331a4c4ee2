package io.npsconnector.hubspot.write;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.npsconnector.hubspot.write.WriteFixtures.answer;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.HubSpotCheck;
import io.npsconnector.hubspot.HubSpotFieldInstaller;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.TokenSource;
import java.time.ZoneId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HubSpotCheckTest {
  private static final String TOKEN_INFO = "/oauth/v2/private-apps/get/access-token-info";

  @RegisterExtension
  static WireMockExtension wireMock = WriteFixtures.wireMock();

  private final TestClock clock = TestClock.at("2024-03-02T09:00:00Z");
  private final HubSpotClient client = WriteFixtures.client(wireMock, clock);
  private final HubSpotFieldInstaller installer = new HubSpotFieldInstaller(client, WriteFixtures.writeback());

  /** The key property on tasks and notes is there in every test here: they are about scopes and contacts. */
  @BeforeEach
  void tasksAndNotesHaveTheKeyProperty() {
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/tasks"))
        .willReturn(answer(200, "properties-tasks-with-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/notes"))
        .willReturn(answer(200, "properties-notes-with-nps.json")));
  }

  @Test
  void reportsTheMissingScopesAndTheMissingProperties() {
    wireMock.stubFor(post(urlEqualTo(TOKEN_INFO)).willReturn(answer(200, "private-app-token-info-missing-scopes.json")));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/contacts"))
        .willReturn(answer(200, "properties-contacts-without-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/companies"))
        .willReturn(answer(200, "properties-companies-with-nps.json")));

    ConnectionCheck check = privateAppCheck().check();

    assertThat(check.authenticated()).isTrue();
    assertThat(check.ok()).isFalse();
    assertThat(check.problems()).hasSize(5);
    assertThat(check.problems().get(0)).startsWith("The access token lacks the scopes ")
        .contains("crm.objects.companies.write", "tickets (or crm.objects.tickets.read)", "crm.schemas.contacts.write",
            "crm.schemas.companies.read", "crm.schemas.companies.write")
        .doesNotContain("crm.objects.contacts.read", "crm.objects.deals.read");
    assertThat(check.problems().subList(1, 5)).allSatisfy(problem -> assertThat(problem).contains("contacts property",
        "is missing"));
    assertThat(check.problems().subList(1, 5)).anySatisfy(problem -> assertThat(problem).contains("nps_last_comment"));
    assertThat(check.problems()).noneSatisfy(problem -> assertThat(problem).contains(WriteFixtures.TOKEN));
    wireMock.verify(postRequestedFor(urlEqualTo(TOKEN_INFO)).withRequestBody(equalToJson("{\"tokenKey\": \"test-token\"}")));
  }

  @Test
  void aRefusedTokenIsNotAuthenticated() {
    wireMock.stubFor(post(urlEqualTo(TOKEN_INFO)).willReturn(answer(401, "unauthorized-401.json")));

    ConnectionCheck check = privateAppCheck().check();

    assertThat(check.authenticated()).isFalse();
    assertThat(check.problems()).singleElement().satisfies(problem -> assertThat(problem)
        .contains("refused", "HTTP 401", "INVALID_AUTHENTICATION")
        .doesNotContain(WriteFixtures.TOKEN));
    wireMock.verify(0, getRequestedFor(urlPathMatching("/crm/.*")));
  }

  @Test
  void anOAuthTokenWithEveryScopeAndAllPropertiesPassesTheCheck() {
    wireMock.stubFor(get(urlEqualTo("/oauth/v1/access-tokens/test-token"))
        .willReturn(answer(200, "oauth-access-token-info.json")));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/contacts"))
        .willReturn(answer(200, "properties-contacts-with-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/companies"))
        .willReturn(answer(200, "properties-companies-with-nps.json")));

    ConnectionCheck check = oauthCheck(WriteFixtures.writeback()).check();

    assertThat(check.problems()).isEmpty();
    assertThat(check.ok()).isTrue();
  }

  @Test
  void optingOutOfEmailNeedsTheCommunicationPreferencesScope() {
    stubOAuthTokenAndProperties(WriteFixtures.fixture("oauth-access-token-info.json"));

    ConnectionCheck check = oauthCheck(WriteFixtures.writebackWithEmailOptOut()).check();

    assertThat(check.authenticated()).isTrue();
    assertThat(check.ok()).isFalse();
    assertThat(check.problems()).singleElement().satisfies(problem -> assertThat(problem)
        .startsWith("The access token lacks the scope communication_preferences.statuses.batch.write")
        .contains("add it to the HubSpot app")
        .doesNotContain("crm.objects", WriteFixtures.TOKEN));
  }

  @Test
  void theCommunicationPreferencesScopeIsNamedWithTheOtherMissingScopes() {
    wireMock.stubFor(post(urlEqualTo(TOKEN_INFO)).willReturn(answer(200, "private-app-token-info-missing-scopes.json")));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/contacts"))
        .willReturn(answer(200, "properties-contacts-with-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/companies"))
        .willReturn(answer(200, "properties-companies-with-nps.json")));

    ConnectionCheck check = new HubSpotCheck(client, WriteFixtures.privateApp(ZoneId.of("UTC")),
        TokenSource.fixed(WriteFixtures.TOKEN), installer, WriteFixtures.writebackWithEmailOptOut()).check();

    assertThat(check.problems()).singleElement().satisfies(problem -> assertThat(problem)
        .startsWith("The access token lacks the scopes ")
        .contains("crm.objects.companies.write", "communication_preferences.statuses.batch.write"));
  }

  @Test
  void aTokenWithTheCommunicationPreferencesScopePassesTheCheckWithOptOuts() {
    stubOAuthTokenAndProperties(WriteFixtures.fixture("oauth-access-token-info.json")
        .replace("\"crm.objects.contacts.read\",", "\"crm.objects.contacts.read\", "
            + "\"communication_preferences.statuses.batch.write\","));

    ConnectionCheck check = oauthCheck(WriteFixtures.writebackWithEmailOptOut()).check();

    assertThat(check.problems()).isEmpty();
    assertThat(check.ok()).isTrue();
  }

  @Test
  void withoutOptOutsTheCommunicationPreferencesScopeIsNotNeeded() {
    stubOAuthTokenAndProperties(WriteFixtures.fixture("oauth-access-token-info.json"));

    ConnectionCheck check = oauthCheck(WriteFixtures.writeback()).check();

    assertThat(check.problems()).noneSatisfy(problem -> assertThat(problem).contains("communication_preferences"));
    assertThat(check.ok()).isTrue();
  }

  private void stubOAuthTokenAndProperties(String tokenInfo) {
    wireMock.stubFor(get(urlEqualTo("/oauth/v1/access-tokens/test-token")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json;charset=utf-8").withBody(tokenInfo)));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/contacts"))
        .willReturn(answer(200, "properties-contacts-with-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo("/crm/v3/properties/companies"))
        .willReturn(answer(200, "properties-companies-with-nps.json")));
  }

  private HubSpotCheck oauthCheck(WritebackConfig writeback) {
    return new HubSpotCheck(client, WriteFixtures.oauth(), TokenSource.fixed(WriteFixtures.TOKEN), installer,
        writeback);
  }

  private HubSpotCheck privateAppCheck() {
    return new HubSpotCheck(client, WriteFixtures.privateApp(ZoneId.of("UTC")), TokenSource.fixed(WriteFixtures.TOKEN),
        installer, WriteFixtures.writeback());
  }
}
