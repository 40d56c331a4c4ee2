package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.salesforce.OrgFixture;
import io.npsconnector.salesforce.SalesforceFieldsFixtures;

/** {@code check} and {@code install-fields} on a Salesforce connection, against the org stand-in. */
class SalesforceCommandsTest {
  private static final Map<String, String> ENV = OrgFixture.ENV;
  private final OrgFixture org = new OrgFixture();
  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void writeConfig() throws IOException {
    config = dir.resolve("nps.yaml");
    Files.writeString(config, org.yaml());
  }

  @AfterEach
  void stop() {
    org.close();
  }

  @Test
  void checkNamesTheMissingFieldsWithoutPrintingTheToken() {
    org.org.describe(SalesforceFieldsFixtures.contact(Set.of("NPS_Score__c"), Set.of()),
        SalesforceFieldsFixtures.account(Set.of()), SalesforceFieldsFixtures.task(Set.of()), SalesforceFieldsFixtures.response(Set.of(), Set.of()));

    CommandRun run = CommandRun.of(ENV, "check", "--config", config.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.out()).contains("sf (salesforce): signed in, but not ready")
        .contains("  - Contact.NPS_Score__c is missing");
    assertThat(run.out() + run.err()).doesNotContain(OrgFixture.TOKEN);
  }

  @Test
  void checkOfAReadyOrgSaysReady() {
    org.org.describe(SalesforceFieldsFixtures.contact(Set.of(), Set.of()), SalesforceFieldsFixtures.account(Set.of()),
        SalesforceFieldsFixtures.task(Set.of()), SalesforceFieldsFixtures.response(Set.of(), Set.of()));

    CommandRun run = CommandRun.of(ENV, "check", "--config", config.toString(), "--connection", "sf");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("sf (salesforce): ready");
  }

  @Test
  void installFieldsPrintsTheDeployCommandsAndChangesNothing() {
    org.org.describe(SalesforceFieldsFixtures.contact(Set.of("NPS_Score__c", "NPS_Category__c"), Set.of()),
        SalesforceFieldsFixtures.account(Set.of("NPS_Account_Score__c")), SalesforceFieldsFixtures.task(Set.of()), SalesforceFieldsFixtures.response(Set.of(), Set.of()));

    CommandRun run = CommandRun.of(ENV, "install-fields", "--config", config.toString(), "--connection", "sf");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).containsPattern("Contact +NPS_Score__c +missing")
        .containsPattern("Account +NPS_Account_Score__c +missing")
        .contains("sf project deploy start --manifest manifest/package.xml --target-org nps-org")
        .contains("sf org assign permset --name NPS_Connector")
        .contains("sf: some NPS fields are not ready");
    assertThat(org.org.callsByOperation()).containsOnlyKeys("describeSObjects");
  }
}
