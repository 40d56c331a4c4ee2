package io.npsconnector.app.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.TypeLiteral;

import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;

/**
 * The labels of segment values and the links to contact records, read from each CRM's sandbox as the real APIs
 * answer: HubSpot's property options and account details, Salesforce's picklist values and instance.
 */
class CrmLabelsAndLinksEndToEndTest {
  @TempDir Path dir;
  private final TestClock clock = TestClock.at("2026-03-10T10:00:00Z");
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void hubSpotLabelsComeFromThePropertyOptionsAndLinksFromTheAccountsPortalAndDomain() {
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(3, 2, clock);
    open.add(sandbox);
    String url = sandbox.start();
    CrmAdapter adapter = adapter(SandboxConfigs.hubSpot(sandbox, url) + """
            segments:
              region: region
              industry: industry
              first: firstname
        """);

    assertThat(adapter.recordUrl("contact", "151")).as("unknown before a sync read the account").isEmpty();
    Map<String, Map<String, String>> labels = adapter.segmentLabels();

    assertThat(labels.get("region")).containsEntry("EMEA", "Europe, Middle East and Africa")
        .containsEntry("NA", "North America");
    assertThat(labels.get("industry")).containsEntry("HOSPITAL_HEALTH_CARE", "Hospital & Health Care");
    assertThat(labels).as("a text property has no options").doesNotContainKey("first");
    assertThat(adapter.recordUrl("contact", "151"))
        .contains(URI.create("https://app-eu1.hubspot.com/contacts/4410023/record/0-1/151"));
    assertThat(adapter.recordUrl("contact", "../admin")).isEmpty();
    assertThat(adapter.recordUrl("deal", "151")).isEmpty();
    assertThat(sandbox.calls()).containsEntry("account details", 1);
    adapter.segmentLabels();
    assertThat(sandbox.calls()).as("the account is read once").containsEntry("account details", 1)
        .containsEntry("properties contacts", 2);
  }

  @Test
  void aHubSpotTokenRefusedTheAccountDetailsStillReadsLabelsAndLinksNothing() {
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(3, 2, clock);
    Set<String> scopes = new java.util.HashSet<>(HubSpotSandbox.ALL_SCOPES);
    scopes.remove("oauth");
    sandbox.scopes(scopes);
    open.add(sandbox);
    String url = sandbox.start();
    CrmAdapter adapter = adapter(SandboxConfigs.hubSpot(sandbox, url) + """
            segments:
              region: region
        """);

    assertThat(adapter.segmentLabels().get("region")).containsEntry("APAC", "Asia Pacific");
    assertThat(adapter.recordUrl("contact", "151")).isEmpty();
  }

  @Test
  void salesforceLabelsComeFromThePicklistsAndLinksFromTheInstance() {
    SalesforceSandbox sandbox = SalesforceSandbox.seeded(5, 2, clock);
    open.add(sandbox);
    String url = sandbox.start();
    CrmAdapter adapter = adapter(SandboxConfigs.salesforce(url) + """
            segments:
              language: Preferred_Language__c
              industry: Account.Industry
              country: MailingCountry
        """);
    String contact = sandbox.contactIds().get(0);

    Map<String, Map<String, String>> labels = adapter.segmentLabels();

    assertThat(labels.get("language")).containsEntry("de", "German").containsEntry("pt_BR", "Portuguese (Brazil)");
    assertThat(labels.get("industry")).containsEntry("Banking", "Banking");
    assertThat(labels).as("a text field has no picklist").doesNotContainKey("country");
    assertThat(adapter.recordUrl("contact", contact)).map(URI::toString)
        .contains(url.replaceAll("/+$", "") + "/lightning/r/Contact/" + contact + "/view");
    assertThat(adapter.recordUrl("contact", "not an id")).isEmpty();
  }

  private CrmAdapter adapter(String connection) {
    NpsConfig config = SandboxConfigs.config("labels.yaml", dir.resolve("store"), connection, "");
    ServiceProcess process = new ServiceProcess(config, clock, EngineHooks.NONE,
        binder -> binder.bind(new TypeLiteral<List<Channel>>() { }).toInstance(List.of()));
    open.add(process);
    CrmAdapter adapter = process.get(CrmAdapters.class).open(config.connection("crm").orElseThrow());
    open.add(adapter);
    return adapter;
  }
}
