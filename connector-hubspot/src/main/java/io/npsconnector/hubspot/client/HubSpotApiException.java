package io.npsconnector.hubspot.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.Optional;

/**
 * A HubSpot call failed. The message names the operation, the HTTP status, HubSpot's category and its
 * correlation id (quote it to HubSpot support), never a token.
 */
public final class HubSpotApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int status;
  private final Optional<String> category;
  private final Optional<String> subCategory;
  private final Optional<String> correlationId;
  private final Optional<String> policyName;
  private final transient JsonNode body;
  private final boolean retriable;
  private final Optional<Duration> retryAfter;

  public HubSpotApiException(String operation, int status, String message, JsonNode body,
      Optional<String> correlationId, boolean retriable, Optional<Duration> retryAfter, Throwable cause) {
    super(describe(operation, status, message, body, correlationId), cause);
    this.operation = operation;
    this.status = status;
    this.body = body == null ? MissingNode.getInstance() : body;
    this.category = text(this.body, "category");
    this.subCategory = text(this.body, "subCategory");
    this.policyName = text(this.body, "policyName");
    this.correlationId = correlationId.or(() -> text(this.body, "correlationId"));
    this.retriable = retriable;
    this.retryAfter = retryAfter;
  }

  private static String describe(String operation, int status, String message, JsonNode body,
      Optional<String> correlationId) {
    StringBuilder text = new StringBuilder(operation).append(": ");
    text.append(status == 0 ? "no answer" : "HTTP " + status);
    JsonNode node = body == null ? MissingNode.getInstance() : body;
    text(node, "category").ifPresent(category -> text.append(' ').append(category));
    text(node, "subCategory").ifPresent(sub -> text.append(" (").append(sub).append(')'));
    String detail = text(node, "message").orElse(message);
    if (detail != null && !detail.isBlank()) {
      text.append(": ").append(detail);
    }
    correlationId.or(() -> text(node, "correlationId"))
        .ifPresent(id -> text.append(" [correlation id ").append(id).append(']'));
    return text.toString();
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isValueNode() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
  }

  public String operation() {
    return operation;
  }

  /** The HTTP status; 0 when no answer came (I/O error). */
  public int status() {
    return status;
  }

  /** HubSpot's {@code category}, such as {@code VALIDATION_ERROR} or {@code RATE_LIMITS}. */
  public Optional<String> category() {
    return category;
  }

  public Optional<String> subCategory() {
    return subCategory;
  }

  public Optional<String> correlationId() {
    return correlationId;
  }

  /** For a 429: {@code TEN_SECONDLY_ROLLING}, {@code SECONDLY} or {@code DAILY}. */
  public Optional<String> policyName() {
    return policyName;
  }

  /** The parsed error body, or a missing node. */
  public JsonNode body() {
    return body;
  }

  /** Trying again later may succeed (rate limits, locks, 5xx, I/O). */
  public boolean retriable() {
    return retriable;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
