package io.npsconnector.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;

/** {@code POST /webhooks/hubspot/{connection}} in the running service, against the HubSpot sandbox. */
class HubSpotWebhookRouteTest {
  private static final String SECRET = "hubspot-app-client-secret";
  @TempDir Path dir;
  private final HubSpotSandbox hubspot = HubSpotSandbox.seeded(7, 40);
  private final HttpClient http = HttpClient.newHttpClient();
  private Service service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
    hubspot.close();
  }

  @Test
  void aSignedStageChangeBecomesAnEventAtOnceAndAnythingElseIsRefused() throws Exception {
    String base = hubspot.start();
    NpsConfig config = ConfigLoader.parse("test.yaml", """
        company: Acme
        store:
          type: h2
          path: %s
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: hs
            type: hubspot
            base-url: %s
            credentials:
              token: ${HUBSPOT_TOKEN}
            webhook-secret: ${WEBHOOK_SECRET}
        channels:
          email:
            host: 127.0.0.1
            port: 2525
            tls: none
            from: nps@example.com
        """.formatted(dir.resolve("store"), base), Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
        "ADMIN_PASSWORD", "correct-horse", "HUBSPOT_TOKEN", hubspot.token(), "WEBHOOK_SECRET", SECRET));
    service = Service.start(config, binder -> binder.bind(Service.Options.class)
        .toInstance(new Service.Options("127.0.0.1", 0, false, 60)));
    String deal = hubspot.wonDealIds().get(0);
    String url = "http://127.0.0.1:" + service.port() + "/webhooks/hubspot/hs";
    String body = "[{\"eventId\":101,\"subscriptionId\":9,\"portalId\":1,\"appId\":3,\"occurredAt\":"
        + System.currentTimeMillis() + ",\"subscriptionType\":\"deal.propertyChange\",\"attemptNumber\":0,"
        + "\"objectId\":" + deal + ",\"propertyName\":\"dealstage\",\"propertyValue\":\"closedwon\","
        + "\"changeSource\":\"CRM\"}]";

    HttpResponse<String> unsigned = post(url, body, Map.of());
    HttpResponse<String> unknown = post("http://127.0.0.1:" + service.port() + "/webhooks/hubspot/nope", body,
        Map.of());
    String timestamp = Long.toString(System.currentTimeMillis());
    HttpResponse<String> signed = post(url, body, Map.of("X-HubSpot-Signature-v3", sign("POST", url, body, timestamp),
        "X-HubSpot-Request-Timestamp", timestamp));

    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(signed.statusCode()).as(signed.body()).isBetween(200, 204);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int stored = 0;
    while (stored == 0 && System.nanoTime() < deadline) {
      stored = service.database().jdbi().withHandle(handle -> handle.createQuery(
          "SELECT COUNT(*) FROM events WHERE connection = 'hs' AND crm_id = :deal").bind("deal", deal)
          .mapTo(Integer.class).one());
      Thread.sleep(100);
    }
    assertThat(stored).as("the won deal named by the webhook is stored as an event").isEqualTo(1);
  }

  private HttpResponse<String> post(String url, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sign(String method, String uri, String body, String timestamp) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((method + uri + body + timestamp).getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(mac.doFinal());
  }
}
