package io.npsconnector.hubspot.webhook;

import java.util.Objects;

/**
 * What to answer HubSpot: a status and a short plain-text body (HubSpot shows it in the app's webhook
 * log). Never contains a secret.
 */
public record WebhookResponse(int status, String body) {
  public WebhookResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100-599, got " + status);
    }
    Objects.requireNonNull(body, "body");
  }

  static WebhookResponse ok(String body) {
    return new WebhookResponse(200, body);
  }

  static WebhookResponse badRequest(String body) {
    return new WebhookResponse(400, body);
  }

  static WebhookResponse unauthorized(String body) {
    return new WebhookResponse(401, body);
  }

  static WebhookResponse serverError(String body) {
    return new WebhookResponse(500, body);
  }
}
