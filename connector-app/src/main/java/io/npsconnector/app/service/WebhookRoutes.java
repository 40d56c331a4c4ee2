package io.npsconnector.app.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.InboundHandler;
import io.npsconnector.core.spi.InboundRequest;
import io.npsconnector.core.spi.InboundResponse;
import io.npsconnector.core.spi.WebhookReceiver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * {@code POST /webhooks/TYPE/CONNECTION} for every adapter that receives webhooks ({@link WebhookReceiver}):
 * the request goes, unparsed, to that connection's handler, which verifies and answers it. The service names
 * no CRM: the routes are those the adapters contribute.
 */
final class WebhookRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Connection type, then connection name, to its handler. */
  private final Map<String, Map<String, InboundHandler>> handlers;

  private WebhookRoutes(Map<String, Map<String, InboundHandler>> handlers) {
    this.handlers = handlers;
  }

  /**
   * The handlers of the adapters that receive webhooks.
   *
   * @param work where the handlers do what takes longer than the CRM waits for an answer
   * @param ingest stores events of a connection (its name first) as the engine does for synced ones
   */
  static WebhookRoutes of(NpsConfig config, Map<String, CrmAdapter> adapters, Executor work,
      BiConsumer<String, List<InteractionEvent>> ingest) {
    Map<String, Map<String, InboundHandler>> handlers = new LinkedHashMap<>();
    adapters.forEach((name, adapter) -> {
      if (adapter instanceof WebhookReceiver receiver) {
        String type = config.connection(name).orElseThrow().type();
        handlers.computeIfAbsent(type, any -> new LinkedHashMap<>())
            .put(name, receiver.webhooks(work, events -> ingest.accept(name, events)));
      }
    });
    return new WebhookRoutes(handlers);
  }

  void register(Javalin app) {
    handlers.forEach((type, byConnection) -> app.post("/webhooks/" + type + "/{connection}", ctx -> {
      InboundHandler handler = byConnection.get(ctx.pathParam("connection"));
      if (handler == null) {
        ctx.status(404).contentType("application/json").result(JSON.writeValueAsString(Map.of("error",
            "no " + type + " connection of that name receives webhooks")));
        return;
      }
      InboundResponse response = handler.handle(request(ctx));
      ctx.status(response.status()).contentType(response.contentType()).result(response.body());
    }));
  }

  /** The request as the CRM sent it; behind a proxy, with the public scheme and host the CRM signed. */
  private static InboundRequest request(Context ctx) {
    String scheme = Optional.ofNullable(ctx.header("X-Forwarded-Proto")).orElse(ctx.scheme());
    String host = Optional.ofNullable(ctx.header("X-Forwarded-Host"))
        .orElse(Optional.ofNullable(ctx.header("Host")).orElse(ctx.host()));
    String uri = scheme + "://" + host + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    return new InboundRequest(ctx.method().name(), uri, ctx.headerMap(), ctx.bodyAsBytes());
  }
}
