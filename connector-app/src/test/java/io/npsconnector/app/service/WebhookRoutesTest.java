package io.npsconnector.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.EventSink;
import io.npsconnector.core.spi.InboundHandler;
import io.npsconnector.core.spi.InboundResponse;
import io.npsconnector.core.spi.WebhookReceiver;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.FakeCrmProvider;
import io.npsconnector.core.testing.ForwardingCrmAdapter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service mounts whatever adapters contribute as webhook receivers, under their type and connection. */
class WebhookRoutesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Javalin app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  @Test
  void mountsEachReceiverUnderItsTypeAndConnectionAndPassesItsEventsOn() throws Exception {
    NpsConfig config = FakeCrmProvider.parse("routes.yaml", """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: books
            type: fake
          - name: quiet
            type: fake
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        """, Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef", "ADMIN_PASSWORD", "correct-horse"));
    Map<String, CrmAdapter> adapters = new LinkedHashMap<>();
    adapters.put("books", new Receiving(FakeCrmAdapter.builder().connection("books").build()));
    adapters.put("quiet", FakeCrmAdapter.builder().connection("quiet").build());
    Map<String, List<InteractionEvent>> ingested = new LinkedHashMap<>();
    app = Javalin.create();
    WebhookRoutes.of(config, adapters, Runnable::run, ingested::put).register(app);
    app.start("127.0.0.1", 0);

    HttpResponse<String> accepted = post("/webhooks/fake/books?attempt=1", "deal-9");
    HttpResponse<String> notReceiving = post("/webhooks/fake/quiet", "deal-9");
    HttpResponse<String> unknown = post("/webhooks/fake/nope", "deal-9");

    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(accepted.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("text/plain"));
    assertThat(accepted.body()).isEqualTo("POST http://127.0.0.1:" + app.port() + "/webhooks/fake/books?attempt=1 "
        + "deal-9");
    assertThat(ingested).containsOnlyKeys("books");
    assertThat(ingested.get("books")).extracting(InteractionEvent::crmId).containsExactly("deal-9");
    assertThat(notReceiving.statusCode()).isEqualTo(404);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no fake connection of that name receives webhooks");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A CRM that calls back: each body names a won deal, which becomes an event at once. */
  private static final class Receiving extends ForwardingCrmAdapter implements WebhookReceiver {
    Receiving(CrmAdapter crm) {
      super(crm);
    }

    @Override
    public InboundHandler webhooks(Executor work, EventSink events) {
      return request -> {
        String deal = new String(request.body(), java.nio.charset.StandardCharsets.UTF_8);
        work.execute(() -> events.accept(new ArrayList<>(List.of(new InteractionEvent(deal, EventKind.PURCHASE,
            Instant.parse("2024-03-01T09:00:00Z"), List.of("c-1"), Map.of())))));
        return new InboundResponse(202, "text/plain", request.method() + " " + request.uri() + " " + deal);
      };
    }
  }
}
