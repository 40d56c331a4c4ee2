package io.npsconnector.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.salesforce.testing.SoapOrg;

/** The JWT bearer flow end to end: a token from the token endpoint, then renewed once the org drops the session. */
class SalesforceSignInTest {
  private static final String FIRST = "00D000000000001!AQ-first-session-SECRET";
  private static final String SECOND = "00D000000000001!AQ-second-session-SECRET";
  private final OrgFixture fixture = new OrgFixture();
  private final SoapOrg org = fixture.org;

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aDroppedSessionIsRenewedThroughTheJwtFlowAndTheCallMadeOnceMore() throws Exception {
    String instance = fixture.baseUrl();
    fixture.server.stubFor(post(urlEqualTo("/services/oauth2/token")).inScenario("tokens")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
        .willReturn(token(FIRST, instance)));
    fixture.server.stubFor(post(urlEqualTo("/services/oauth2/token")).inScenario("tokens")
        .whenScenarioStateIs("second").willReturn(token(SECOND, instance)));
    org.acceptToken(FIRST);
    org.put("Contact", SoapOrg.id("003", 1), Instant.parse("2025-01-15T10:00:00Z"), Map.of("LastName", "Hopper"));
    SalesforceAdapter adapter = jwtAdapter(instance);

    List<Contact> first = adapter.readChanges(SyncCursor.START).contacts();
    org.revokeToken(FIRST); // the session expired, or an admin revoked it
    org.acceptToken(SECOND);
    List<Contact> again = adapter.readChanges(SyncCursor.START).contacts();

    assertThat(first).hasSize(1);
    assertThat(again).hasSize(1);
    fixture.server.verify(2, postRequestedFor(urlEqualTo("/services/oauth2/token"))
        .withRequestBody(containing("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"))
        .withRequestBody(containing("assertion=")));
    assertThat(org.calls("queryAll")).as("the refused call and its retry, plus the first read").isEqualTo(3);
  }

  private SalesforceAdapter jwtAdapter(String loginUrl) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate()
            .getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    NpsConfig config = ConfigLoader.parse("test.yaml", """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: sf
            type: salesforce
            auth: jwt
            credentials:
              client-id: 3MVG9-connected-app
              username: integration@example.com
              private-key: ${SF_KEY}
            login-url: %s
            time-zone: UTC
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        """.formatted(loginUrl), Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
        "ADMIN_PASSWORD", "correct-horse-battery", "SF_KEY", pem));
    return SalesforceProvider.create(config.connections().get(0), new AdapterContext(fixture.clock,
        config.writeback()), duration -> { });
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder token(String token,
      String instance) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
        {"access_token": "%s", "scope": "api", "instance_url": "%s",
         "id": "https://login.salesforce.com/id/00D000000000001EAA/005000000000001AAA",
         "token_type": "Bearer"}
        """.formatted(token, instance));
  }
}
