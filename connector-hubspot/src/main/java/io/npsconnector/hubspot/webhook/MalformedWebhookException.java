package io.npsconnector.hubspot.webhook;

/** A signed delivery whose body is not the JSON array of events HubSpot sends; the message quotes no data. */
final class MalformedWebhookException extends RuntimeException {
  MalformedWebhookException(String message) {
    super(message);
  }
}
