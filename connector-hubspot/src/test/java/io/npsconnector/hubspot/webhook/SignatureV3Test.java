package io.npsconnector.hubspot.webhook;

import io.npsconnector.config.Secret;
import io.npsconnector.core.spi.InboundRequest;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.webhook.SignatureV3.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static io.npsconnector.hubspot.webhook.Deliveries.SECRET;
import static io.npsconnector.hubspot.webhook.Deliveries.URI;
import static io.npsconnector.hubspot.webhook.Deliveries.post;
import static io.npsconnector.hubspot.webhook.Deliveries.signature;
import static io.npsconnector.hubspot.webhook.Deliveries.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignatureV3Test {
  private static final String BODY = Deliveries.batch(Deliveries.dealStageChange(1817430398L, 18830092847L,
      "closedwon", 1_795_341_598_000L));

  private final TestClock clock = TestClock.at("2026-11-22T10:00:00Z");
  private final SignatureV3 signature = new SignatureV3(new Secret("${HUBSPOT_WEBHOOK_SECRET}", SECRET), clock);

  @Test
  void acceptsSignatureOfMethodUriBodyAndTimestamp() {
    assertThat(signature.verify(signed(BODY, clock.millis() - 1_500))).isEqualTo(Verdict.VALID);
  }

  @Test
  void computesTheSameSignatureAsTheDocumentedRecipe() {
    String timestamp = Long.toString(clock.millis());

    assertThat(signature.sign("POST", URI, BODY.getBytes(StandardCharsets.UTF_8), timestamp))
        .isEqualTo(signature(SECRET, "POST", URI, BODY, timestamp));
  }

  /**
   * Fixed vectors computed apart from any code of ours, by OpenSSL over the documented concatenation
   * (method, URI as HubSpot signs it, raw body, timestamp):
   * {@code printf '%s' "POST<uri><body><timestamp>" | openssl dgst -sha256 -hmac "<secret>" -binary | base64}.
   */
  @Test
  void signsAsAFixedKnownAnswerComputedWithOpenSsl() {
    SignatureV3 known = new SignatureV3(new Secret("${HUBSPOT_WEBHOOK_SECRET}", "kat-client-secret-7f3a"), clock);
    byte[] body = ("[{\"eventId\":100,\"subscriptionType\":\"deal.propertyChange\",\"objectId\":1234,"
        + "\"propertyName\":\"dealstage\",\"propertyValue\":\"closedwon\",\"occurredAt\":1795341598000}]")
        .getBytes(StandardCharsets.UTF_8);
    String timestamp = "1795341600000";

    assertThat(known.sign("POST", "https://nps.example.com/webhooks/hubspot/crm?portalId=4410023", body, timestamp))
        .isEqualTo("4ySN7a8Ii1G0D1sMxv1QaDrEpjBtwCq76Wn46X4nfIM=");
    // received with %3A and %40; HubSpot signs the URI with those decoded (openssl was given ':' and '@')
    assertThat(known.sign("POST", "https://nps.example.com/webhooks/hubspot/crm?from=2026-11-22T10%3A00%3A00Z"
        + "&who=ops%40example.com", body, timestamp)).isEqualTo("87Wuf6VJSJ7Lj7im7jQ/cENPXYvMAN+zJFUpNdsLoZk=");
  }

  @Test
  void acceptsTimestampsExactlyFiveMinutesOldOrAhead() {
    long window = Duration.ofMinutes(5).toMillis();

    assertThat(signature.verify(signed(BODY, clock.millis() - window))).isEqualTo(Verdict.VALID);
    assertThat(signature.verify(signed(BODY, clock.millis() + window))).isEqualTo(Verdict.VALID);
  }

  @Test
  void refusesTimestampSixMinutesOld() {
    InboundRequest request = signed(BODY, clock.millis() - Duration.ofMinutes(6).toMillis());

    assertThat(signature.verify(request)).isEqualTo(Verdict.STALE_TIMESTAMP);
  }

  @Test
  void refusesTimestampSixMinutesAhead() {
    InboundRequest request = signed(BODY, clock.millis() + Duration.ofMinutes(6).toMillis());

    assertThat(signature.verify(request)).isEqualTo(Verdict.STALE_TIMESTAMP);
  }

  @Test
  void refusesAValidDeliveryReplayedAfterTheWindow() {
    InboundRequest request = signed(BODY, clock.millis());
    assertThat(signature.verify(request)).isEqualTo(Verdict.VALID);

    clock.advance(Duration.ofMinutes(5).plusMillis(1));

    assertThat(signature.verify(request)).isEqualTo(Verdict.STALE_TIMESTAMP);
  }

  @Test
  void refusesSignatureMadeWithAnotherSecret() {
    String timestamp = Long.toString(clock.millis());
    InboundRequest request = post(URI, BODY, Map.of(
        SignatureV3.SIGNATURE_HEADER, signature("another-app-secret", "POST", URI, BODY, timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp));

    assertThat(signature.verify(request)).isEqualTo(Verdict.MISMATCH);
  }

  @Test
  void refusesForgedSignatureOfTheRightLength() {
    InboundRequest valid = signed(BODY, clock.millis());
    String good = valid.header(SignatureV3.SIGNATURE_HEADER).orElseThrow();
    String forged = (good.charAt(0) == 'A' ? "B" : "A") + good.substring(1);

    assertThat(signature.verify(withHeader(valid, SignatureV3.SIGNATURE_HEADER, forged)))
        .isEqualTo(Verdict.MISMATCH);
  }

  @Test
  void refusesAlteredBody() {
    InboundRequest valid = signed(BODY, clock.millis());
    InboundRequest altered = new InboundRequest(valid.method(), valid.uri(), valid.headers(),
        BODY.replace("closedwon", "closedlost").getBytes(StandardCharsets.UTF_8));

    assertThat(signature.verify(altered)).isEqualTo(Verdict.MISMATCH);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://hooks.example.com/webhooks/hubspot?connection=hubspot-us",
      "https://hooks.example.com/webhooks/hubspot?connection=hubspot-eu&x=1",
      "https://hooks.example.com/webhooks/hubspot",
      "https://hooks.example.com/webhooks/other?connection=hubspot-eu",
      "http://hooks.example.com/webhooks/hubspot?connection=hubspot-eu",
      "https://evil.example.com/webhooks/hubspot?connection=hubspot-eu"})
  void refusesAlteredUri(String uri) {
    InboundRequest valid = signed(BODY, clock.millis());
    InboundRequest altered = new InboundRequest(valid.method(), uri, valid.headers(), valid.body());

    assertThat(signature.verify(altered)).isEqualTo(Verdict.MISMATCH);
  }

  @Test
  void refusesAlteredMethod() {
    InboundRequest valid = signed(BODY, clock.millis());
    InboundRequest altered = new InboundRequest("PUT", valid.uri(), valid.headers(), valid.body());

    assertThat(signature.verify(altered)).isEqualTo(Verdict.MISMATCH);
  }

  @Test
  void refusesTimestampOtherThanTheSignedOne() {
    InboundRequest valid = signed(BODY, clock.millis() - 1_000);

    InboundRequest moved = withHeader(valid, SignatureV3.TIMESTAMP_HEADER, Long.toString(clock.millis()));

    assertThat(signature.verify(moved)).isEqualTo(Verdict.MISMATCH);
  }

  @Test
  void refusesMissingOrBlankSignature() {
    InboundRequest valid = signed(BODY, clock.millis());

    assertThat(signature.verify(withoutHeader(valid, SignatureV3.SIGNATURE_HEADER)))
        .isEqualTo(Verdict.MISSING_SIGNATURE);
    assertThat(signature.verify(withHeader(valid, SignatureV3.SIGNATURE_HEADER, " ")))
        .isEqualTo(Verdict.MISSING_SIGNATURE);
  }

  @Test
  void refusesMissingOrBlankTimestamp() {
    InboundRequest valid = signed(BODY, clock.millis());

    assertThat(signature.verify(withoutHeader(valid, SignatureV3.TIMESTAMP_HEADER)))
        .isEqualTo(Verdict.MISSING_TIMESTAMP);
    assertThat(signature.verify(withHeader(valid, SignatureV3.TIMESTAMP_HEADER, "")))
        .isEqualTo(Verdict.MISSING_TIMESTAMP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "1.7953416E12", "-1795341600000", "+1795341600000", "0x1A2B",
      "1795341600000 ", "99999999999999999999"})
  void refusesTimestampThatIsNotEpochMillis(String timestamp) {
    InboundRequest request = post(URI, BODY, Map.of(
        SignatureV3.SIGNATURE_HEADER, signature(SECRET, "POST", URI, BODY, timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp));

    assertThat(signature.verify(request)).isEqualTo(Verdict.MALFORMED_TIMESTAMP);
  }

  @Test
  void readsHeadersWhateverTheirCase() {
    String timestamp = Long.toString(clock.millis());
    InboundRequest request = post(URI, BODY, Map.of(
        "x-hubspot-signature-v3", signature(SECRET, "POST", URI, BODY, timestamp),
        "X-HUBSPOT-REQUEST-TIMESTAMP", timestamp));

    assertThat(signature.verify(request)).isEqualTo(Verdict.VALID);
  }

  @Test
  void decodesTheEscapesHubSpotDecodesBeforeSigning() {
    String received = "https://hooks.example.com/webhooks/hubspot?connection=hubspot%3Aeu&tags=%28a%29%2Cb%21"
        + "&next=%2Fdeals%3Fx%3D1&who=%40ops%3Bq%24%27%2a%3a";
    String signedAs = "https://hooks.example.com/webhooks/hubspot?connection=hubspot:eu&tags=(a),b!"
        + "&next=/deals?x%3D1&who=@ops;q$'*:";
    String timestamp = Long.toString(clock.millis());
    InboundRequest request = post(received, BODY, Map.of(
        SignatureV3.SIGNATURE_HEADER, signature(SECRET, "POST", signedAs, BODY, timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp));

    assertThat(signature.verify(request)).isEqualTo(Verdict.VALID);
  }

  @Test
  void keepsOtherEscapesAsReceived() {
    String received = "https://hooks.example.com/webhooks/hubspot?name=a%20b%2Bc&pct=%25&half=%3";
    String timestamp = Long.toString(clock.millis());

    InboundRequest asReceived = post(received, BODY, Map.of(
        SignatureV3.SIGNATURE_HEADER, signature(SECRET, "POST", received, BODY, timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp));
    InboundRequest fullyDecoded = post(received, BODY, Map.of(
        SignatureV3.SIGNATURE_HEADER, signature(SECRET, "POST",
            "https://hooks.example.com/webhooks/hubspot?name=a b+c&pct=%&half=%3", BODY, timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp));

    assertThat(signature.verify(asReceived)).isEqualTo(Verdict.VALID);
    assertThat(signature.verify(fullyDecoded)).isEqualTo(Verdict.MISMATCH);
  }

  @Test
  void decodesInOnePassSoADoubleEscapeStaysSingle() {
    assertThat(SignatureV3.decodeUri("https://h.example.com/a?b=%253A&c=%3A"))
        .isEqualTo("https://h.example.com/a?b=%253A&c=:");
  }

  @Test
  void signsTheRawBodyBytes() {
    String body = Deliveries.batch(Deliveries.dealStageChange(7L, 8L, "Zoë’s stage ✓", clock.millis()));

    assertThat(signature.verify(signed(body, clock.millis()))).isEqualTo(Verdict.VALID);
  }

  @Test
  void refusesAnEmptySecret() {
    assertThatThrownBy(() -> new SignatureV3(new Secret("${EMPTY}", ""), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("client secret Secret[${EMPTY}] is empty");
  }

  private static InboundRequest withHeader(InboundRequest request, String name, String value) {
    Map<String, String> headers = new HashMap<>(request.headers());
    headers.keySet().removeIf(name::equalsIgnoreCase);
    headers.put(name, value);
    return new InboundRequest(request.method(), request.uri(), headers, request.body());
  }

  private static InboundRequest withoutHeader(InboundRequest request, String name) {
    Map<String, String> headers = new HashMap<>(request.headers());
    headers.keySet().removeIf(name::equalsIgnoreCase);
    return new InboundRequest(request.method(), request.uri(), headers, request.body());
  }
}
