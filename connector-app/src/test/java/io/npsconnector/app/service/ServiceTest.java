package io.npsconnector.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.salesforce.OrgFixture;
import io.npsconnector.salesforce.SalesforceFieldsFixtures;

/** The whole service against the Salesforce org stand-in: it starts, reports health and metrics, stops. */
class ServiceTest {
  @TempDir Path dir;
  private final OrgFixture org = new OrgFixture();
  private final HttpClient http = HttpClient.newHttpClient();
  private Service service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
    org.close();
  }

  @Test
  void startsServesHealthAndMetricsAndStopsGracefully() throws Exception {
    org.org.describe(SalesforceFieldsFixtures.contact(Set.of(), Set.of()), SalesforceFieldsFixtures.account(Set.of()),
        SalesforceFieldsFixtures.task(Set.of()), SalesforceFieldsFixtures.response(Set.of(), Set.of()));
    service = Service.start(config(), ServiceTest::onLoopback);

    HttpResponse<String> live = get("/health/live");
    HttpResponse<String> health = get("/health");
    HttpResponse<String> metrics = get("/metrics");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(health.body());
    assertThat(body.path("status").asText()).isEqualTo("UP");
    assertThat(body.path("checks").path("store").path("status").asText()).isEqualTo("UP");
    assertThat(body.path("checks").path("crm:sf").path("status").asText()).isEqualTo("UP");
    assertThat(body.path("checks").path("crm:sf").path("checked-at").asText()).isNotEmpty();
    assertThat(body.has("reasons")).isFalse();
    JsonNode scheduler = body.path("scheduler");
    assertThat(scheduler.path("instance").asText()).isEqualTo(service.engine().schedulerClaims().instance())
        .matches("[a-z0-9][a-z0-9._-]*-[0-9a-f]{8}"); // the host and, on port 0, a random part
    assertThat(scheduler.path("take-over-within").asText()).isEqualTo("23s");
    assertThat(scheduler.path("scheduled").asInt()).as("the sync and write-back of sf at least")
        .isGreaterThanOrEqualTo(2);
    assertThat(scheduler.path("held").isArray()).isTrue();
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(metrics.body()).contains("nps_invitations{connection=\"sf\",state=\"sent\"}")
        .contains("nps_writeback_queue{connection=\"sf\",state=\"pending\"}")
        .contains("nps_crm_conserving_api_budget{connection=\"sf\"} 0.0").contains("jvm_memory_used_bytes")
        .contains("nps_crm_up{connection=\"sf\"} 1.0")
        .contains("nps_alerts{destination=\"slack\",state=\"sent\"} 0.0");
    assertThat(org.org.calls("describeSObjects")).as("one live check serves every look within 30 s").isEqualTo(1);

    int port = service.port();
    service.close();
    service.close();

    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aCrmThatRefusesTheTokenLeavesTheServiceReadyAndHealthSaysDegradedAndWhy() throws Exception {
    org.org.revokeToken(OrgFixture.TOKEN);
    service = Service.start(config(), ServiceTest::onLoopback);

    HttpResponse<String> health = get("/health");

    assertThat(health.statusCode()).as("the survey pages can be served").isEqualTo(200);
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(health.body());
    assertThat(body.path("status").asText()).isEqualTo("DEGRADED");
    assertThat(body.path("reasons").get(0).asText()).startsWith("sf: ").contains("INVALID_SESSION_ID");
    assertThat(body.path("checks").path("store").path("status").asText()).isEqualTo("UP");
    assertThat(body.path("checks").path("crm:sf").path("status").asText()).isEqualTo("DOWN");
    assertThat(body.path("checks").path("crm:sf").path("detail").asText()).contains("INVALID_SESSION_ID")
        .doesNotContain(OrgFixture.TOKEN);
    assertThat(health.body()).doesNotContain(OrgFixture.TOKEN);
    assertThat(get("/metrics").body()).contains("nps_crm_up{connection=\"sf\"} 0.0");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void readinessIsTheStoreAlone() throws Exception {
    service = Service.start(config(), ServiceTest::withoutScheduler);
    assertThat(get("/health").statusCode()).isEqualTo(200);

    service.database().close();

    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(new ObjectMapper().readTree(health.body()).path("status").asText()).isEqualTo("DOWN");
    assertThat(new ObjectMapper().readTree(health.body()).path("checks").path("store").path("status").asText())
        .isEqualTo("DOWN");
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void refusedCredentialsStopTheConnectionAndHealthMetricsAndResumeSaySo() throws Exception {
    org.org.revokeToken(OrgFixture.TOKEN);
    service = Service.start(config(), ServiceTest::withoutScheduler);

    assertThatThrownBy(() -> service.engine().syncAndTrigger("sf"))
        .isInstanceOf(io.npsconnector.core.spi.CrmException.Authentication.class);
    JsonNode stopped = new ObjectMapper().readTree(get("/health").body()).path("connections").path("sf");
    String metrics = get("/metrics").body();
    int callsWhenStopped = org.org.totalCalls(); // /health's own check of the credentials included

    assertThat(stopped.path("state").asText()).isEqualTo("STOPPED");
    assertThat(stopped.path("since").asText()).isNotEmpty();
    assertThat(stopped.path("message").asText()).contains("INVALID_SESSION_ID").doesNotContain(OrgFixture.TOKEN);
    assertThat(metrics).contains("nps_connection_state{connection=\"sf\",state=\"stopped\"} 1.0")
        .contains("nps_connection_state{connection=\"sf\",state=\"active\"} 0.0");
    assertThatThrownBy(() -> service.engine().syncAndTrigger("sf"))
        .isInstanceOf(io.npsconnector.core.engine.ConnectionUnavailableException.class);
    assertThatThrownBy(() -> service.engine().flushWritebacks("sf"))
        .isInstanceOf(io.npsconnector.core.engine.ConnectionUnavailableException.class);
    assertThat(org.org.totalCalls()).as("no call to the CRM while stopped").isEqualTo(callsWhenStopped);

    assertThat(service.engine().resume("sf", "an admin")).isTrue();

    assertThat(new ObjectMapper().readTree(get("/health").body()).path("connections").path("sf").path("state")
        .asText()).isEqualTo("ACTIVE");
    assertThat(get("/metrics").body()).contains("nps_connection_state{connection=\"sf\",state=\"active\"} 1.0");
  }

  @Test
  void anUnusableStoreStopsTheStartAndLeavesNothingOpen() throws Exception {
    Path blocked = dir.resolve("not-a-directory");
    Files.writeString(blocked, "a file where the store's directory should be");
    NpsConfig config = ConfigLoader.parse("test.yaml", org.yaml().replace("connections:",
        "store:\n  type: h2\n  path: " + blocked.resolve("store") + "\nconnections:"), OrgFixture.ENV);

    assertThatThrownBy(() -> Service.start(config, ServiceTest::onLoopback))
        .isInstanceOf(RuntimeException.class);
  }

  private NpsConfig config() {
    return ConfigLoader.parse("test.yaml", org.yaml().replace("connections:",
        "store:\n  type: h2\n  path: " + dir.resolve("store") + "\nconnections:"), OrgFixture.ENV);
  }

  /** Any free port on the loopback interface; the test drives syncs itself. */
  private static void withoutScheduler(com.google.inject.Binder binder) {
    binder.bind(Service.Options.class).toInstance(new Service.Options("127.0.0.1", 0, false, 60));
  }

  /** Any free port on the loopback interface, with the scheduler. */
  private static void onLoopback(com.google.inject.Binder binder) {
    binder.bind(Service.Options.class).toInstance(new Service.Options("127.0.0.1", 0, true, 60));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
