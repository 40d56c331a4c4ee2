package io.npsconnector.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;

/**
 * The demo end to end, as {@code demo --exit} runs it: the counts must agree. Every sent invitation has a
 * captured mail, every answer is on its CRM record afterwards, and every CRM operation was called exactly as
 * often as its lower bound.
 */
class DemoTest {
  @TempDir Path dir;

  @Test
  void theDemosCountsAgree() throws Exception {
    try (Demo demo = Demo.start(new Demo.Options(dir.resolve("data"), 0, 42, 300, 40, 0.6), DemoTest::adapter)) {
      DemoReport report = demo.run(line -> { });

      int sent = report.crms().stream().mapToInt(DemoReport.Crm::invitationsSent).sum();
      assertThat(sent).isPositive();
      assertThat(report.mailsCaptured()).as("a captured mail per sent invitation").isEqualTo(sent);
      assertThat(report.answers()).isPositive();
      assertThat(report.crms().stream().mapToInt(DemoReport.Crm::answers).sum()).isEqualTo(report.answers());
      assertThat(report.nps()).isNotNull();
      assertThat(report.ciLow()).isLessThan(report.nps());
      assertThat(report.ciHigh()).isGreaterThan(report.nps());
      for (DemoReport.Crm crm : report.crms()) {
        assertThat(crm.contactsSynced()).as(crm.connection()).isPositive();
        assertThat(crm.apiCalls()).as("API calls of %s against their lower bounds", crm.connection())
            .isEqualTo(crm.lowerBounds());
        assertThat(crm.tasksCreated()).as(crm.connection()).isPositive();
      }
      List<Map<String, Object>> answers = demo.database().jdbi().withHandle(handle -> handle.createQuery(
          "SELECT i.connection, i.contact_crm_id, a.score FROM answers a JOIN invitations i ON i.id = a.invitation_id")
          .mapToMap().list());
      assertThat(answers).hasSize(report.answers());
      for (Map<String, Object> answer : answers) {
        String contact = String.valueOf(answer.get("contact_crm_id"));
        int score = ((Number) answer.get("score")).intValue();
        if (answer.get("connection").equals(Demo.HUBSPOT)) {
          assertThat(demo.hubspot().contact(contact)).as("HubSpot contact %s", contact)
              .containsEntry("nps_score", Integer.toString(score));
        } else {
          assertThat(demo.salesforce().contact(contact).orElseThrow()).as("Salesforce contact %s", contact)
              .containsEntry("NPS_Score__c", score + ".0");
        }
      }
      HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + demo.port() + "/admin/login")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).as("the dashboard is served").isEqualTo(200);
      assertThat(report.text()).contains("hubspot-demo (hubspot)", "salesforce-demo (salesforce)", "Overall: NPS");
    }
  }

  static CrmAdapter adapter(NpsConfig config, ConnectionConfig connection, Clock clock) {
    CrmProvider provider = java.util.ServiceLoader.load(CrmProvider.class).stream().map(java.util.ServiceLoader
        .Provider::get).filter(candidate -> candidate.type().equals(connection.type())).findFirst().orElseThrow();
    return provider.create(connection, new AdapterContext(clock, config.writeback()));
  }
}
