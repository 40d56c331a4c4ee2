package io.npsconnector.app.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.npsconnector.app.service.Composition;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CheckAndInstallFieldsCommandTest {
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse", "HUBSPOT_TOKEN", "pat-na1-do-not-print", "SF_TOKEN", "sf-token");

  @RegisterExtension
  final WireMockExtension hubspot = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void writeConfig() throws IOException {
    config = dir.resolve("nps.yaml");
    Files.writeString(config, """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: hubspot
            type: hubspot
            base-url: http://127.0.0.1:%d
            credentials:
              token: ${HUBSPOT_TOKEN}
          - name: salesforce
            type: salesforce
            enabled: false
            auth: static-token
            credentials:
              token: ${SF_TOKEN}
            base-url: http://127.0.0.1:9
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        """.formatted(hubspot.getPort()));
  }

  /** Tasks and notes with the connector's key property: these tests are about contacts and companies. */
  private static final String KEY_ONLY = """
      {"results": [{"name": "nps_key", "label": "NPS key", "type": "string", "fieldType": "text",
        "groupName": "nps", "options": [], "calculated": false, "hubspotDefined": false,
        "modificationMetadata": {"archivable": true, "readOnlyDefinition": false, "readOnlyValue": false}}]}
      """;

  private void properties(String contacts, String companies) {
    hubspot.stubFor(get(urlEqualTo("/crm/v3/properties/contacts")).willReturn(json(200, contacts)));
    hubspot.stubFor(get(urlEqualTo("/crm/v3/properties/companies")).willReturn(json(200, companies)));
    hubspot.stubFor(get(urlEqualTo("/crm/v3/properties/tasks")).willReturn(json(200, KEY_ONLY)));
    hubspot.stubFor(get(urlEqualTo("/crm/v3/properties/notes")).willReturn(json(200, KEY_ONLY)));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8")
        .withHeader("X-HubSpot-Correlation-Id", "5d1f0c2a-7a8e-4b4e-9c61-0e3f2b7d9a10").withBody(body);
  }

  private static final String EMAIL_ONLY = """
      {"results": [{"name": "email", "label": "Email", "type": "string", "fieldType": "text",
        "groupName": "contactinformation", "options": [], "calculated": false, "hubspotDefined": true,
        "modificationMetadata": {"archivable": false, "readOnlyDefinition": true, "readOnlyValue": false}}]}
      """;
  private static final String NAME_ONLY = """
      {"results": [{"name": "name", "label": "Company name", "type": "string", "fieldType": "text",
        "groupName": "companyinformation", "options": [], "calculated": false, "hubspotDefined": true,
        "modificationMetadata": {"archivable": false, "readOnlyDefinition": true, "readOnlyValue": false}}]}
      """;

  @Test
  void checkNamesTheMissingScopesAndPropertiesWithoutPrintingTheToken() {
    hubspot.stubFor(post(urlEqualTo("/oauth/v2/private-apps/get/access-token-info")).willReturn(json(200, """
        {"userId": 4410277, "hubId": 26012345, "appId": 3190011,
         "scopes": ["crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
                    "crm.objects.companies.write", "crm.objects.deals.read", "tickets",
                    "crm.schemas.contacts.read", "crm.schemas.companies.read"]}
        """)));
    properties(EMAIL_ONLY, NAME_ONLY);

    CommandRun run = CommandRun.of(ENV, "check", "--config", config.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.out()).contains("hubspot (hubspot): signed in, but not ready")
        .contains("crm.schemas.contacts.write").contains("crm.schemas.companies.write")
        .contains("nps_score").contains("nps_account_score")
        .doesNotContain("salesforce"); // disabled connections are not checked
    assertThat(run.out() + run.err()).doesNotContain("pat-na1-do-not-print");
  }

  @Test
  void checkSaysWhenTheConnectorStoppedAConnectionAndResumeLetsItGoOn() throws IOException {
    Files.writeString(config, Files.readString(config).replace("connections:", "store:\n  type: h2\n  path: "
        + dir.resolve("store").toString().replace('\\', '/') + "\nconnections:"));
    String refused = """
        {"status": "error", "message": "Authentication credentials not found.",
         "correlationId": "5d1f0c2a-7a8e-4b4e-9c61-0e3f2b7d9a10", "category": "INVALID_AUTHENTICATION"}
        """;
    hubspot.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
        com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).atPriority(10).willReturn(json(401, refused)));
    NpsConfig loaded = io.npsconnector.config.ConfigLoader.load(config, ENV);
    try (Composition app = Composition.of(loaded)) {
      assertThatThrownBy(() -> app.get(Engine.class).syncAndTrigger("hubspot"))
          .isInstanceOf(io.npsconnector.core.spi.CrmException.Authentication.class);
    }

    CommandRun stopped = CommandRun.of(ENV, "check", "--config", config.toString(), "--connection", "hubspot");
    CommandRun resumed = CommandRun.of(ENV, "resume", "--config", config.toString(), "--connection", "hubspot");
    CommandRun again = CommandRun.of(ENV, "resume", "--config", config.toString(), "--connection", "hubspot");
    CommandRun after = CommandRun.of(ENV, "check", "--config", config.toString(), "--connection", "hubspot");

    assertThat(stopped.exitCode()).isEqualTo(1);
    assertThat(stopped.out()).contains("the connector STOPPED this connection at")
        .contains("Authentication credentials not found")
        .contains("nps-connector resume --config FILE --connection hubspot");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out()).startsWith("hubspot: resumed; it was stopped since ");
    assertThat(again.out()).contains("hubspot: not stopped (active); nothing to resume");
    assertThat(after.out()).doesNotContain("STOPPED");
    assertThat(stopped.out() + resumed.out() + stopped.err()).doesNotContain("pat-na1-do-not-print");
  }

  @Test
  void resumeWithoutAStoreCreatesNone() {
    CommandRun run = CommandRun.of(ENV, "resume", "--config", config.toString(), "--connection", "hubspot");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no store yet");
  }

  @Test
  void checkOfARefusedTokenSaysItCannotSignIn() {
    hubspot.stubFor(post(urlEqualTo("/oauth/v2/private-apps/get/access-token-info")).willReturn(json(401, """
        {"status": "error", "message": "Authentication credentials not found.",
         "correlationId": "5d1f0c2a-7a8e-4b4e-9c61-0e3f2b7d9a10", "category": "INVALID_AUTHENTICATION"}
        """)));

    CommandRun run = CommandRun.of(ENV, "check", "--config", config.toString(), "--connection", "hubspot");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("hubspot (hubspot): cannot sign in");
  }

  @Test
  void checkOfACrmThatCannotBeReachedSaysSoWithoutTheToken() {
    CommandRun run = CommandRun.of(ENV, "check", "--config", config.toString(), "--connection", "salesforce");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("salesforce (salesforce): cannot check: salesforce: describe Contact, Account, "
        + "Task and NPS_Response__c: ");
    assertThat(run.out() + run.err()).doesNotContain("sf-token");
  }

  @Test
  void installFieldsRefusesToTouchAnIncompatibleExistingProperty() {
    properties("""
        {"results": [{"name": "nps_score", "label": "NPS", "type": "string", "fieldType": "text",
          "groupName": "contactinformation", "options": [], "calculated": false, "hubspotDefined": false,
          "modificationMetadata": {"archivable": true, "readOnlyDefinition": false, "readOnlyValue": false}}]}
        """, NAME_ONLY);

    CommandRun run = CommandRun.of(ENV, "install-fields", "--config", config.toString(), "--connection", "hubspot");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("nps_score").contains("expected").contains("nothing was created or changed");
    hubspot.verify(0, postRequestedFor(urlPathMatching("/crm/v3/properties/.*")));
  }

  @Test
  void installFieldsNamesAnUnknownConnection() {
    CommandRun run = CommandRun.of(ENV, "install-fields", "--config", config.toString(), "--connection", "hubspt");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no connection named 'hubspt'").contains("connections: hubspot, salesforce");
  }

  @Test
  void installFieldsWorksOnTheOnlyEnabledConnectionWhenNoneIsNamed() {
    properties("""
        {"results": [{"name": "nps_score", "label": "NPS", "type": "string", "fieldType": "text",
          "groupName": "contactinformation", "options": [], "calculated": false, "hubspotDefined": false,
          "modificationMetadata": {"archivable": true, "readOnlyDefinition": false, "readOnlyValue": false}}]}
        """, NAME_ONLY);

    CommandRun run = CommandRun.of(ENV, "install-fields", "--config", config.toString());

    // salesforce is disabled, so hubspot is the one: its properties were read and its clash reported
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("nps_score").contains("nothing was created or changed");
    hubspot.verify(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
        urlEqualTo("/crm/v3/properties/contacts")));
  }

  @Test
  void installFieldsWithSeveralEnabledConnectionsAsksWhichAndListsThem() throws IOException {
    Files.writeString(config, Files.readString(config).replace("enabled: false", "enabled: true"));

    CommandRun run = CommandRun.of(ENV, "install-fields", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("--connection is needed: " + config
        + " has 2 enabled connections (hubspot, salesforce); add --connection hubspot");
    assertThat(hubspot.getAllServeEvents()).isEmpty();
  }
}
