package io.npsconnector.hubspot.webhook;

import io.npsconnector.core.spi.InboundRequest;
import io.npsconnector.hubspot.HubSpotSettings;
import io.npsconnector.core.spi.SignedRequestVerifier;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Requests HubSpot signs for the app (a UI extension's {@code hubspot.fetch}, like webhook deliveries),
 * checked with {@link SignatureV3} and the connection's app client secret ({@code webhook-secret}).
 * Without that secret every request is refused. Thread-safe.
 */
public final class HubSpotRequestSignature implements SignedRequestVerifier {
  private final Optional<SignatureV3> signature;

  private HubSpotRequestSignature(Optional<SignatureV3> signature) {
    this.signature = signature;
  }

  /** Verifies with {@link HubSpotSettings#webhookSecret()}, the app's client secret. */
  public static HubSpotRequestSignature of(HubSpotSettings settings, Clock clock) {
    return new HubSpotRequestSignature(settings.webhookSecret().filter(secret -> !secret.reveal().isBlank())
        .map(secret -> new SignatureV3(secret, clock)));
  }

  @Override
  public Optional<String> refusal(String method, String uri, Map<String, String> headers, byte[] body) {
    if (signature.isEmpty()) {
      return Optional.of("no webhook-secret (the app's client secret) is configured for this connection, so no "
          + "HubSpot signature can be verified");
    }
    SignatureV3.Verdict verdict = signature.get().verify(new InboundRequest(method, uri, headers, body));
    return verdict == SignatureV3.Verdict.VALID ? Optional.empty() : Optional.of(verdict.reason());
  }
}
