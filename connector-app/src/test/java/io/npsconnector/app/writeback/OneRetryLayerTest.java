package io.npsconnector.app.writeback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.npsconnector.app.service.Composition;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.ConnectionStatus;
import io.npsconnector.core.engine.ConnectionUnavailableException;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.WritebackRepository;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries happen in one layer: the HubSpot adapter's transport retries a single HTTP call (5 attempts, as the
 * README states), the engine never calls again within a flush, and the next flush waits for the CRM's hint.
 * Counted at the HTTP level, on the product as it ships (its own modules and the real HubSpot adapter).
 */
class OneRetryLayerTest {
  private static final String BATCH_UPDATE = "/crm/v3/objects/contacts/batch/update";
  /** The README's bound: attempts of one HubSpot call, the first included. */
  private static final int ATTEMPTS_PER_CALL = 5;

  @TempDir Path dir;
  private final WireMockServer hubspot = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
      .dynamicPort());
  private Composition app;

  @BeforeEach
  void start() {
    hubspot.start();
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    hubspot.stop();
  }

  @Test
  void aBatchTheCrmAlwaysAnswersWith503CostsFiveRequestsAFlushAndNoMore() {
    hubspot.stubFor(post(urlEqualTo(BATCH_UPDATE)).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "text/html").withBody("<html><body>Service Unavailable</body></html>")));
    Engine engine = engineWithOneAnswerToWrite();

    Engine.FlushReport paused = engine.flushWritebacks("hs");

    assertThat(hubspot.findAll(postRequestedFor(urlEqualTo(BATCH_UPDATE)))).hasSize(ATTEMPTS_PER_CALL);
    assertThat(paused.calls()).as("one call from the engine").isEqualTo(1);
    assertThat(paused.retryLater()).isEqualTo(1);
    assertThat(engine.connectionStatus("hs").state()).isEqualTo(ConnectionStatus.State.WAITING);
    assertThatThrownBy(() -> engine.flushWritebacks("hs")).isInstanceOf(ConnectionUnavailableException.class);
    assertThat(hubspot.findAll(postRequestedFor(urlEqualTo(BATCH_UPDATE)))).as("nothing more until the wait ends")
        .hasSize(ATTEMPTS_PER_CALL);
  }

  @Test
  void aBatchTheCrmAlwaysAnswersWith429CostsFiveRequestsAFlushEachAfterTheCrmsRetryAfter() {
    hubspot.stubFor(post(urlEqualTo(BATCH_UPDATE)).willReturn(rateLimited()));
    Engine engine = engineWithOneAnswerToWrite();
    long started = System.nanoTime();

    Engine.FlushReport paused = engine.flushWritebacks("hs");

    long waitedMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(hubspot.findAll(postRequestedFor(urlEqualTo(BATCH_UPDATE)))).hasSize(ATTEMPTS_PER_CALL);
    assertThat(waitedMillis).as("each retry waited the 1 s Retry-After").isGreaterThanOrEqualTo(
        (ATTEMPTS_PER_CALL - 1) * 1000L);
    assertThat(paused.calls()).isEqualTo(1);
    ConnectionStatus waiting = engine.connectionStatus("hs");
    assertThat(waiting.state()).isEqualTo(ConnectionStatus.State.WAITING);
    assertThat(waiting.message()).hasValueSatisfying(message -> assertThat(message).contains("429"));
    assertThatThrownBy(() -> engine.flushWritebacks("hs")).isInstanceOf(ConnectionUnavailableException.class);
    assertThat(hubspot.findAll(postRequestedFor(urlEqualTo(BATCH_UPDATE)))).hasSize(ATTEMPTS_PER_CALL);
  }

  /** HubSpot's answer to a request over its ten-second budget, with a one-second Retry-After. */
  private static ResponseDefinitionBuilder rateLimited() {
    return aResponse().withStatus(429).withHeader("Content-Type", "application/json;charset=utf-8")
        .withHeader("Retry-After", "1").withBody("""
            {"status":"error","message":"You have reached your ten_secondly_rolling limit.",
             "errorType":"RATE_LIMIT","correlationId":"3f1f2c51-7a0e-4f6b-9d61-2d8f0b1e6a11",
             "policyName":"TEN_SECONDLY_ROLLING","groupName":"publicapi:private-app:ten-secondly"}
            """);
  }

  /** The product's own object graph against the stand-in, with one contact score waiting to be written. */
  private Engine engineWithOneAnswerToWrite() {
    NpsConfig config = ConfigLoader.parse("retry.yaml", """
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
            credentials:
              token: ${HUBSPOT_TOKEN}
            base-url: http://127.0.0.1:%d
        channels:
          email:
            host: 127.0.0.1
            port: 2525
            tls: none
            from: nps@acme.example
        triggers:
          - name: post-purchase
            on: purchase
        """.formatted(dir.resolve("store").toString().replace('\\', '/'), hubspot.port()),
        Map.of("TOKEN_SECRET", "retry-test-token-secret-0123456789abcdef", "ADMIN_PASSWORD", "correct-horse",
            "HUBSPOT_TOKEN", "pat-na1-00000000-0000-0000-0000-000000000000"));
    app = Composition.of(config);
    Database database = app.get(Database.class);
    Instant now = Instant.now();
    database.jdbi().useHandle(handle -> new WritebackRepository(database.jdbi()).enqueue(handle, "hs",
        new WriteRequest.ContactNps("contact:101", "101", 9, "promoter", now, Optional.of("Quick setup")), now));
    return app.get(Engine.class);
  }
}
