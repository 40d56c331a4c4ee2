package io.npsconnector.core.delivery.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.npsconnector.config.WebhookChannelConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.model.Contact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers invitations and reminders as a signed JSON {@code POST} to the configured URL, for SMS gateways and
 * marketing tools that send the message themselves.
 *
 * <p>The request carries these headers:
 *
 * <ul>
 *   <li>{@value #TIMESTAMP_HEADER}: the Unix time of the attempt, in seconds;
 *   <li>{@value #SIGNATURE_HEADER}: {@code v1=} and the lowercase hex HMAC-SHA256, keyed with the webhook
 *       secret (its UTF-8 bytes), of the UTF-8 bytes of {@code timestamp + "." + body};
 *   <li>{@value #DELIVERY_HEADER}: the delivery's idempotency key, the same on every attempt of one message,
 *       so that a receiver can drop repeats;
 *   <li>{@code Content-Type: application/json; charset=utf-8} and {@code User-Agent: npsconnector}.
 * </ul>
 *
 * <p>Receivers check a request with {@link #verify}. A 2xx answer counts as sent, its {@value #MESSAGE_ID_HEADER}
 * header (if any) as the message id; 5xx, 408, 429, timeouts and connection failures are retriable; any other
 * answer is permanent. Thread-safe.
 */
public final class WebhookChannel implements Channel {
  public static final String ID = "webhook";
  public static final String TIMESTAMP_HEADER = "X-NPS-Timestamp";
  public static final String SIGNATURE_HEADER = "X-NPS-Signature";
  public static final String DELIVERY_HEADER = "X-NPS-Delivery";
  public static final String MESSAGE_ID_HEADER = "X-Message-Id";
  public static final String SIGNATURE_VERSION = "v1";
  static final String CONTENT_TYPE = "application/json; charset=utf-8";
  static final String USER_AGENT = "npsconnector";

  private static final String HMAC = "HmacSHA256";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private final URI url;
  private final String host;
  private final byte[] key;
  private final Duration timeout;
  private final String company;
  private final SurveyLinks links;
  private final Clock clock;
  private final HttpClient http;

  public WebhookChannel(WebhookChannelConfig config, String company, SurveyLinks links, Clock clock) {
    this(config, company, links, clock, defaultClient(config.timeout()));
  }

  WebhookChannel(WebhookChannelConfig config, String company, SurveyLinks links, Clock clock, HttpClient http) {
    Objects.requireNonNull(config, "config");
    this.url = Objects.requireNonNull(config.url(), "url");
    this.host = url.getHost() != null ? url.getHost() : "(no host)";
    this.key = Objects.requireNonNull(config.secret(), "secret").reveal().getBytes(StandardCharsets.UTF_8);
    if (key.length == 0) {
      throw new IllegalArgumentException("the webhook secret " + config.secret() + " is empty");
    }
    this.timeout = Objects.requireNonNull(config.timeout(), "timeout");
    this.company = company;
    this.links = Objects.requireNonNull(links, "links");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.http = Objects.requireNonNull(http, "http");
  }

  private static HttpClient defaultClient(Duration timeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public DeliveryReceipt send(Delivery delivery) {
    String body = body(delivery);
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", CONTENT_TYPE)
        .header("User-Agent", USER_AGENT)
        .header(TIMESTAMP_HEADER, timestamp)
        .header(SIGNATURE_HEADER, SIGNATURE_VERSION + "=" + HEX.formatHex(hmac(key, timestamp, body)))
        .header(DELIVERY_HEADER, delivery.idempotencyKey())
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();

    HttpResponse<Void> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (HttpTimeoutException e) {
      throw new DeliveryException("webhook to " + host + " timed out after " + timeout.toMillis() + " ms", true, e);
    } catch (IOException e) {
      throw new DeliveryException(
          "webhook to " + host + " failed: " + e.getClass().getSimpleName(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException("webhook to " + host + " was interrupted", true, e);
    }

    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      String messageId = response.headers().firstValue(MESSAGE_ID_HEADER)
          .map(String::strip)
          .filter(value -> !value.isEmpty())
          .orElse(delivery.idempotencyKey());
      return DeliveryReceipt.of(messageId);
    }
    boolean retriable = status >= 500 || status == 408 || status == 429;
    throw new DeliveryException("webhook to " + host + " answered HTTP " + status
        + (retriable ? " (will retry)" : " (permanent)"), retriable, null);
  }

  /** The JSON the receiver gets. */
  String body(Delivery delivery) {
    Instant expiresAt = delivery.expiresAt();
    if (expiresAt == null) {
      throw new DeliveryException("delivery " + delivery.idempotencyKey() + " has no expiry", false, null);
    }
    long invitationId = delivery.invitationId();
    Contact contact = delivery.contact();

    ObjectNode root = JSON.createObjectNode();
    root.put("type", delivery.kind() == Delivery.Kind.REMINDER ? "reminder" : "invitation");
    root.put("id", delivery.idempotencyKey());
    root.put("invitation_id", invitationId);
    root.put("connection", delivery.connection());
    root.put("trigger", delivery.trigger());
    root.put("template", delivery.template());
    root.put("company", company);
    root.put("expires_at", expiresAt.toString());

    ObjectNode person = root.putObject("contact");
    person.put("id", contact.crmId());
    person.put("email", orNull(contact.email()));
    person.put("phone", orNull(contact.phone()));
    person.put("first_name", orNull(contact.firstName()));
    person.put("last_name", orNull(contact.lastName()));
    person.put("locale", orNull(contact.locale().map(Locale::toLanguageTag)));
    person.put("time_zone", orNull(contact.timeZone().map(ZoneId::getId)));

    ObjectNode linkNode = root.putObject("links");
    linkNode.put("survey", links.survey(invitationId, expiresAt).toString());
    ArrayNode scores = linkNode.putArray("scores");
    for (int score = 0; score <= 10; score++) {
      scores.add(links.survey(invitationId, expiresAt, score).toString());
    }
    linkNode.put("unsubscribe", links.unsubscribe(invitationId, expiresAt).toString());

    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write the webhook body", e);
    }
  }

  private static String orNull(Optional<String> value) {
    return value == null ? null : value.orElse(null);
  }

  /**
   * Whether a webhook request is genuine and fresh: {@code signatureHeader} (the {@value #SIGNATURE_HEADER}
   * value, {@code v1=<hex>}, or several such separated by commas) holds the HMAC-SHA256 under {@code secret} of
   * {@code timestamp + "." + body}, compared in constant time, and {@code timestamp} (the
   * {@value #TIMESTAMP_HEADER} value, Unix seconds) lies within {@code tolerance} of the clock either way.
   *
   * @param body the request body exactly as received, decoded as UTF-8
   */
  public static boolean verify(
      String secret, String timestamp, String body, String signatureHeader, Clock clock, Duration tolerance) {
    if (secret == null || secret.isEmpty() || timestamp == null || body == null || signatureHeader == null
        || clock == null || tolerance == null || tolerance.isNegative()) {
      return false;
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      return false;
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs((double) now - (double) seconds) > tolerance.getSeconds()) {
      return false;
    }
    byte[] expected = hmac(secret.getBytes(StandardCharsets.UTF_8), timestamp, body);
    boolean matched = false;
    for (String part : signatureHeader.split(",")) {
      String candidate = part.strip();
      String prefix = SIGNATURE_VERSION + "=";
      if (!candidate.startsWith(prefix)) {
        continue;
      }
      byte[] given;
      try {
        given = HEX.parseHex(candidate.substring(prefix.length()));
      } catch (IllegalArgumentException e) {
        continue;
      }
      // no early exit: every candidate is compared in constant time
      matched |= MessageDigest.isEqual(expected, given);
    }
    return matched;
  }

  private static byte[] hmac(byte[] key, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookChannel[" + host + "]";
  }
}
