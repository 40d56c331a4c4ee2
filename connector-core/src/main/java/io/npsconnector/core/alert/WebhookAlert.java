package io.npsconnector.core.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Optional;

/** A destination that is an incoming webhook: one JSON POST per alert, in the destination's format. */
abstract class WebhookAlert implements AlertDestination {
  private final String key;
  private final WebhookPost post;

  /** @param what the destination as messages name it ({@code Slack}, {@code Teams}) */
  WebhookAlert(String key, String what, URI webhookUrl, HttpClient http, Clock clock) {
    this.key = key;
    this.post = new WebhookPost(what, webhookUrl, http, clock);
  }

  @Override
  public final String key() {
    return key;
  }

  @Override
  public final Optional<String> send(AlertMessage message) {
    post.post(json(message));
    return Optional.empty();
  }

  /** The JSON the webhook gets. */
  abstract String json(AlertMessage message);
}
