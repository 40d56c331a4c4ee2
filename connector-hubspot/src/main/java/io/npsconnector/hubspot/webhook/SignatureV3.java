package io.npsconnector.hubspot.webhook;

import io.npsconnector.config.Secret;
import io.npsconnector.core.spi.InboundRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks HubSpot's v3 request signature: {@code X-HubSpot-Signature-v3} must be
 * Base64(HMAC-SHA256(client secret, method + URI + raw body + timestamp)), where the timestamp is {@code
 * X-HubSpot-Request-Timestamp} (epoch milliseconds, as sent) and lies within five minutes of the clock,
 * either way. In the URI, the percent-escapes HubSpot lists ({@code %3A %2F %3F %40 %21 %24 %27 %28 %29
 * %2A %2C %3B}) are decoded first; every other character stays as received. Thread-safe.
 */
final class SignatureV3 {
  static final String SIGNATURE_HEADER = "X-HubSpot-Signature-v3";
  static final String TIMESTAMP_HEADER = "X-HubSpot-Request-Timestamp";
  static final Duration WINDOW = Duration.ofMinutes(5);

  private static final String HMAC = "HmacSHA256";
  // 18 digits keep the arithmetic below far from overflow; real values have 13
  private static final Pattern MILLIS = Pattern.compile("[0-9]{1,18}");
  private static final Map<String, Character> DECODED = Map.ofEntries(
      Map.entry("3A", ':'), Map.entry("2F", '/'), Map.entry("3F", '?'), Map.entry("40", '@'),
      Map.entry("21", '!'), Map.entry("24", '$'), Map.entry("27", '\''), Map.entry("28", '('),
      Map.entry("29", ')'), Map.entry("2A", '*'), Map.entry("2C", ','), Map.entry("3B", ';'));

  /** The outcome of a check; every reason but {@link #VALID} means 401. */
  enum Verdict {
    VALID("signature valid"),
    MISSING_SIGNATURE("header " + SIGNATURE_HEADER + " is missing or blank"),
    MISSING_TIMESTAMP("header " + TIMESTAMP_HEADER + " is missing or blank"),
    MALFORMED_TIMESTAMP("header " + TIMESTAMP_HEADER + " is not a number of epoch milliseconds"),
    STALE_TIMESTAMP("header " + TIMESTAMP_HEADER + " is more than 5 minutes away from now"),
    MISMATCH("header " + SIGNATURE_HEADER + " does not match the request");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    String reason() {
      return reason;
    }
  }

  private final SecretKeySpec key;
  private final Clock clock;

  SignatureV3(Secret clientSecret, Clock clock) {
    Objects.requireNonNull(clientSecret, "clientSecret");
    if (clientSecret.reveal().isEmpty()) {
      throw new IllegalArgumentException("client secret " + clientSecret + " is empty");
    }
    this.key = new SecretKeySpec(clientSecret.reveal().getBytes(StandardCharsets.UTF_8), HMAC);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  Verdict verify(InboundRequest request) {
    String signature = request.header(SIGNATURE_HEADER).filter(value -> !value.isBlank()).orElse(null);
    if (signature == null) {
      return Verdict.MISSING_SIGNATURE;
    }
    String timestamp = request.header(TIMESTAMP_HEADER).filter(value -> !value.isBlank()).orElse(null);
    if (timestamp == null) {
      return Verdict.MISSING_TIMESTAMP;
    }
    if (!MILLIS.matcher(timestamp).matches()) {
      return Verdict.MALFORMED_TIMESTAMP;
    }
    if (Math.abs(clock.millis() - Long.parseLong(timestamp)) > WINDOW.toMillis()) {
      return Verdict.STALE_TIMESTAMP;
    }
    byte[] expected = sign(request.method(), request.uri(), request.body(), timestamp)
        .getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8))
        ? Verdict.VALID
        : Verdict.MISMATCH;
  }

  /** The signature HubSpot sends for this request; {@code uri} as received, it is decoded here. */
  String sign(String method, String uri, byte[] body, String timestamp) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      mac.update(method.getBytes(StandardCharsets.UTF_8));
      mac.update(decodeUri(uri).getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " is not available in this JVM", e);
    }
  }

  /** Decodes the escapes HubSpot decodes before signing, in one pass, so {@code %253A} stays as it is. */
  static String decodeUri(String uri) {
    StringBuilder decoded = new StringBuilder(uri.length());
    int i = 0;
    while (i < uri.length()) {
      char c = uri.charAt(i);
      Character replacement = c == '%' && i + 3 <= uri.length()
          ? DECODED.get(uri.substring(i + 1, i + 3).toUpperCase(Locale.ROOT))
          : null;
      if (replacement != null) {
        decoded.append(replacement.charValue());
        i += 3;
      } else {
        decoded.append(c);
        i++;
      }
    }
    return decoded.toString();
  }
}
