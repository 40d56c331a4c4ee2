package io.npsconnector.hubspot.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.npsconnector.config.Secret;
import io.npsconnector.core.spi.InboundRequest;
import io.npsconnector.hubspot.webhook.SignatureV3.Verdict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers HubSpot webhook deliveries for one connection. A delivery must carry a valid v3 signature
 * ({@link SignatureV3}) or it is refused with 401; a signed body that is not HubSpot's JSON array of
 * events gets 400. Of the rest, deal and ticket stage changes ({@code deal.propertyChange} of {@code
 * dealstage}, {@code ticket.propertyChange} of {@code hs_pipeline_stage}, and {@code deal.creation} or
 * {@code ticket.creation} events that carry that property) whose event id was not seen in the last 48
 * hours go to the {@link StageChangeSink} in one call; everything else is acknowledged with 200 and
 * ignored. If the sink throws, the answer is 500 and the event ids are forgotten, so HubSpot's retry is
 * processed. Nothing is remembered for a refused delivery.
 *
 * <p>Refusals are logged at debug level only: anyone can send them, and the HTTP server counts them.
 * Without a webhook secret every delivery is refused. Thread-safe; no secret is ever logged or answered.
 */
public final class HubSpotWebhookHandler {
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotWebhookHandler.class);
  static final String NO_SECRET = "no webhook-secret is configured for this connection, so no delivery can be verified";

  /** The stage property of each subscription type whose events can carry a stage. */
  private static final Map<String, StageProperty> STAGE_EVENTS = Map.of(
      "deal.propertyChange", new StageProperty(StageChange.Kind.DEAL, "dealstage"),
      "deal.creation", new StageProperty(StageChange.Kind.DEAL, "dealstage"),
      "ticket.propertyChange", new StageProperty(StageChange.Kind.TICKET, "hs_pipeline_stage"),
      "ticket.creation", new StageProperty(StageChange.Kind.TICKET, "hs_pipeline_stage"));

  private final String connection;
  private final Optional<SignatureV3> signature;
  private final EventIdDeduplicator seen;
  private final StageChangeSink sink;
  private final ObjectMapper json = WebhookEvent.reader();

  HubSpotWebhookHandler(String connection, Optional<SignatureV3> signature, EventIdDeduplicator seen,
      StageChangeSink sink) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.signature = Objects.requireNonNull(signature, "signature");
    this.seen = Objects.requireNonNull(seen, "seen");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** A handler for {@code connection}, verifying with the app's client secret ({@code webhook-secret}). */
  public static HubSpotWebhookHandler of(String connection, Optional<Secret> webhookSecret, StageChangeSink sink,
      Clock clock) {
    Optional<SignatureV3> signature = webhookSecret
        .filter(secret -> !secret.reveal().isBlank())
        .map(secret -> new SignatureV3(secret, clock));
    if (signature.isEmpty()) {
      LOG.warn("HubSpot connection '{}': webhooks will be refused with 401: {}", connection, NO_SECRET);
    }
    return new HubSpotWebhookHandler(connection, signature, new EventIdDeduplicator(clock), sink);
  }

  /** Checks, parses and passes on one delivery; never throws for anything HubSpot or a caller can send. */
  public WebhookResponse handle(InboundRequest request) {
    if (signature.isEmpty()) {
      LOG.debug("HubSpot connection '{}': webhook refused (401): {}", connection, NO_SECRET);
      return WebhookResponse.unauthorized("webhook secret not configured");
    }
    Verdict verdict = signature.get().verify(request);
    if (verdict != Verdict.VALID) {
      LOG.debug("HubSpot connection '{}': webhook refused (401): {}", connection, verdict.reason());
      return WebhookResponse.unauthorized(verdict.reason());
    }
    List<WebhookEvent> events;
    List<StageChange> changes;
    try {
      events = WebhookEvent.parseAll(json, request.body());
      changes = stageChanges(events);
    } catch (MalformedWebhookException e) {
      LOG.debug("HubSpot connection '{}': webhook refused (400): {}", connection, e.getMessage());
      return WebhookResponse.badRequest("malformed webhook body: " + e.getMessage());
    }
    List<StageChange> fresh = new ArrayList<>(changes.size());
    for (StageChange change : changes) {
      if (seen.firstSighting(change.eventId())) {
        fresh.add(change);
      }
    }
    int duplicates = changes.size() - fresh.size();
    if (!fresh.isEmpty()) {
      Optional<WebhookResponse> failure = passOn(List.copyOf(fresh));
      if (failure.isPresent()) {
        return failure.get();
      }
    }
    LOG.debug("HubSpot connection '{}': webhook accepted: {} events, {} stage changes passed on, {} repeated",
        connection, events.size(), fresh.size(), duplicates);
    return WebhookResponse.ok("accepted " + events.size() + " events: " + fresh.size()
        + " stage changes passed on, " + duplicates + " repeated");
  }

  private Optional<WebhookResponse> passOn(List<StageChange> fresh) {
    boolean stored = false;
    try {
      sink.stageChanges(fresh);
      stored = true;
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.error("HubSpot connection '{}': storing {} stage changes from a webhook failed; answered 500 so "
          + "HubSpot retries the delivery", connection, fresh.size(), e);
      return Optional.of(WebhookResponse.serverError("stage changes could not be stored; retry later"));
    } finally {
      if (!stored) {
        seen.forget(fresh.stream().map(StageChange::eventId).toList());
      }
    }
  }

  private static List<StageChange> stageChanges(List<WebhookEvent> events) {
    List<StageChange> changes = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      WebhookEvent event = events.get(i);
      StageProperty stage = STAGE_EVENTS.get(event.subscriptionType());
      if (stage != null && event.propertyName().filter(stage.name()::equals).isPresent()) {
        changes.add(stageChange(i, event, stage.kind()));
      }
    }
    return changes;
  }

  private static StageChange stageChange(int index, WebhookEvent event, StageChange.Kind kind) {
    String prefix = "event " + index + " (" + event.subscriptionType() + " of " + event.propertyName().get() + "): ";
    if (event.objectId().isEmpty()) {
      throw new MalformedWebhookException(prefix + "objectId is missing");
    }
    String stageId = event.propertyValue().filter(value -> !value.isBlank())
        .orElseThrow(() -> new MalformedWebhookException(prefix + "propertyValue is missing or blank"));
    return new StageChange(kind, Long.toString(event.objectId().getAsLong()), stageId,
        event.occurredAt().orElseThrow(() -> new MalformedWebhookException(prefix + "occurredAt is missing")),
        event.eventId());
  }

  private record StageProperty(StageChange.Kind kind, String name) {}
}
