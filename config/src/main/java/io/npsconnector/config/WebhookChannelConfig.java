package io.npsconnector.config;

import java.net.URI;
import java.time.Duration;

/**
 * A signed JSON webhook, for SMS gateways and marketing tools.
 *
 * @param secret the HMAC-SHA256 signing key shared with the receiver; at least 16 characters
 * @param timeout for one delivery attempt
 */
public record WebhookChannelConfig(URI url, Secret secret, Duration timeout) {
  static final int MIN_SECRET_LENGTH = 16;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  static WebhookChannelConfig read(Section webhook) {
    URI url = webhook.has("url")
        ? webhook.parsed("url", Urls::httpUrl).orElse(URI.create("http://invalid"))
        : webhook.requiredText("url").map(URI::create).orElse(URI.create("http://invalid"));
    Secret secret = webhook.requiredSecret("secret").orElse(Urls.MISSING_SECRET);
    if (secret != Urls.MISSING_SECRET && secret.isSet() && secret.reveal().length() < MIN_SECRET_LENGTH) {
      webhook.problem("secret", "must be at least " + MIN_SECRET_LENGTH + " characters long; "
          + secret.reference() + " is shorter");
    }
    Duration timeout = webhook.duration("timeout", Duration.ofSeconds(1)).orElse(DEFAULT_TIMEOUT);
    webhook.finish();
    return new WebhookChannelConfig(url, secret, timeout);
  }
}
