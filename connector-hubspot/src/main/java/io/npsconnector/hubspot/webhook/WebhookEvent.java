package io.npsconnector.hubspot.webhook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One event of a webhook delivery, as HubSpot sends it. Only {@code eventId} and {@code
 * subscriptionType} are required: other event types omit fields (association changes have no {@code
 * objectId}), but a field that is present must have HubSpot's type. Fields not listed here are ignored.
 */
record WebhookEvent(OptionalLong objectId, Optional<String> propertyName, Optional<String> propertyValue,
    Optional<Instant> occurredAt, String subscriptionType, long eventId, OptionalLong subscriptionId,
    OptionalLong portalId, OptionalLong appId, OptionalInt attemptNumber, Optional<String> changeSource) {

  WebhookEvent {
    Objects.requireNonNull(subscriptionType, "subscriptionType");
  }

  /** A reader for delivery bodies: no trailing data, no repeated keys. */
  static ObjectMapper reader() {
    return JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  /**
   * The events of a delivery body.
   *
   * @throws MalformedWebhookException if the body is not a JSON array of event objects
   */
  static List<WebhookEvent> parseAll(ObjectMapper json, byte[] body) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new MalformedWebhookException("body is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new MalformedWebhookException("body could not be read as JSON: " + e.getClass().getSimpleName());
    }
    if (root == null || root.isMissingNode()) {
      throw new MalformedWebhookException("body is empty; expected a JSON array of events");
    }
    if (!root.isArray()) {
      throw new MalformedWebhookException("body must be a JSON array of events, got " + type(root));
    }
    List<WebhookEvent> events = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      events.add(parse(i, root.get(i)));
    }
    return events;
  }

  private static WebhookEvent parse(int index, JsonNode node) {
    if (!node.isObject()) {
      throw new MalformedWebhookException("event " + index + " must be a JSON object, got " + type(node));
    }
    Fields fields = new Fields(index, node);
    long eventId = fields.integer("eventId")
        .orElseThrow(() -> new MalformedWebhookException("event " + index + ": eventId is missing"));
    String subscriptionType = fields.text("subscriptionType").filter(text -> !text.isBlank())
        .orElseThrow(() -> new MalformedWebhookException("event " + index + ": subscriptionType is missing"));
    OptionalLong attempt = fields.integer("attemptNumber");
    if (attempt.isPresent() && (attempt.getAsLong() < 0 || attempt.getAsLong() > Integer.MAX_VALUE)) {
      throw new MalformedWebhookException("event " + index + ": attemptNumber must be 0 or more, got "
          + attempt.getAsLong());
    }
    OptionalLong occurredAt = fields.integer("occurredAt");
    return new WebhookEvent(fields.integer("objectId"), fields.text("propertyName"),
        fields.text("propertyValue"),
        occurredAt.isPresent() ? Optional.of(Instant.ofEpochMilli(occurredAt.getAsLong())) : Optional.empty(),
        subscriptionType, eventId, fields.integer("subscriptionId"), fields.integer("portalId"),
        fields.integer("appId"),
        attempt.isPresent() ? OptionalInt.of((int) attempt.getAsLong()) : OptionalInt.empty(),
        fields.text("changeSource"));
  }

  private static String type(JsonNode node) {
    return "a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** Typed reads of one event's fields; JSON null counts as absent. Messages name the field, not its value. */
  private record Fields(int index, JsonNode node) {
    OptionalLong integer(String name) {
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        return OptionalLong.empty();
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw new MalformedWebhookException("event " + index + ": " + name + " must be a whole number, got "
            + (value.isNumber() ? "a fraction or an out-of-range number" : type(value)));
      }
      return OptionalLong.of(value.longValue());
    }

    Optional<String> text(String name) {
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        return Optional.empty();
      }
      if (!value.isTextual()) {
        throw new MalformedWebhookException("event " + index + ": " + name + " must be a string, got "
            + type(value));
      }
      return Optional.of(value.textValue());
    }
  }
}
