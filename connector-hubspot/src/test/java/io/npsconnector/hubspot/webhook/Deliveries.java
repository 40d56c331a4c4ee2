package io.npsconnector.hubspot.webhook;

import io.npsconnector.core.spi.InboundRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook deliveries as HubSpot sends them, signed here with javax.crypto straight from the documented
 * recipe, independently of {@link SignatureV3}.
 */
final class Deliveries {
  static final String SECRET = "7c1e93a4-52bd-4f0e-a8d6-2b90c4e1f357";
  static final String URI = "https://hooks.example.com/webhooks/hubspot?connection=hubspot-eu";
  static final long PORTAL = 145883402L;
  static final long APP = 3918731L;

  private Deliveries() {}

  /** Base64(HMAC-SHA256(secret, method + uri + body + timestamp)), the URI exactly as given. */
  static String signature(String secret, String method, String signedUri, String body, String timestamp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((method + signedUri + body + timestamp).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A POST to {@link #URI}, signed with {@link #SECRET} at {@code timestampMillis}. */
  static InboundRequest signed(String body, long timestampMillis) {
    return signed(URI, body, timestampMillis);
  }

  static InboundRequest signed(String uri, String body, long timestampMillis) {
    String timestamp = Long.toString(timestampMillis);
    return post(uri, body, Map.of(
        SignatureV3.SIGNATURE_HEADER, signature(SECRET, "POST", uri, body, timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp));
  }

  /** A POST with HubSpot's usual headers plus {@code extra}. */
  static InboundRequest post(String uri, String body, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", "HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon-executor");
    headers.put("X-HubSpot-Signature-Version", "v3");
    headers.put("X-HubSpot-Timeout-Millis", "10000");
    headers.putAll(extra);
    return new InboundRequest("POST", uri, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  static String batch(String... events) {
    return "[" + String.join(",", events) + "]";
  }

  static String dealStageChange(long eventId, long dealId, String stage, long occurredAt) {
    return propertyChange("deal.propertyChange", eventId, dealId, "dealstage", stage, occurredAt);
  }

  static String ticketStageChange(long eventId, long ticketId, String stage, long occurredAt) {
    return propertyChange("ticket.propertyChange", eventId, ticketId, "hs_pipeline_stage", stage, occurredAt);
  }

  static String propertyChange(String type, long eventId, long objectId, String property, String value,
      long occurredAt) {
    return """
        {"eventId":%d,"subscriptionId":2419542,"portalId":%d,"appId":%d,"occurredAt":%d,\
        "subscriptionType":"%s","attemptNumber":0,"objectId":%d,"propertyName":"%s","propertyValue":"%s",\
        "changeSource":"CRM_UI","sourceId":"userId:61281930","isSensitive":false}"""
        .formatted(eventId, PORTAL, APP, occurredAt, type, objectId, property, value);
  }

  static String creation(String type, long eventId, long objectId, long occurredAt) {
    return """
        {"eventId":%d,"subscriptionId":2419547,"portalId":%d,"appId":%d,"occurredAt":%d,\
        "subscriptionType":"%s","attemptNumber":0,"objectId":%d,"changeFlag":"CREATED",\
        "changeSource":"CRM_UI","sourceId":"userId:61281930"}"""
        .formatted(eventId, PORTAL, APP, occurredAt, type, objectId);
  }

  static String associationChange(long eventId, long dealId, long contactId, long occurredAt) {
    return """
        {"eventId":%d,"subscriptionId":2419551,"portalId":%d,"appId":%d,"occurredAt":%d,\
        "subscriptionType":"deal.associationChange","attemptNumber":0,"changeSource":"USER",\
        "associationType":"DEAL_TO_CONTACT","fromObjectId":%d,"toObjectId":%d,\
        "associationRemoved":false,"isPrimaryAssociation":false}"""
        .formatted(eventId, PORTAL, APP, occurredAt, dealId, contactId);
  }
}
