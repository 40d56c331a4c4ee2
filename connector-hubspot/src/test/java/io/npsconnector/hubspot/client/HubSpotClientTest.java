package io.npsconnector.hubspot.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubSpotClientTest {
  private static final String TOKEN = "pat-na1-5e0c7a21-93bd-4f6e-a8d2-1b4f0c9e7d36";
  private static final String CONTACT = "/hubspot/crm/v3/objects/contacts/51";
  private static final String BATCH_UPDATE = "/hubspot/crm/v3/objects/contacts/batch/update";
  private static final int MAX_ATTEMPTS = 4;

  private static WireMockServer hubspot;
  private static OkHttpClient http;

  private final FakeTime time = new FakeTime();
  private final RateGovernor governor = new RateGovernor(100, 5, 10, time.clock, time);
  private HubSpotClient client;

  @BeforeAll
  static void startHubSpot() {
    hubspot = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    hubspot.start();
    http = HubSpotClient.newHttp().newBuilder().callTimeout(10, TimeUnit.SECONDS).build();
  }

  @AfterAll
  static void stopHubSpot() {
    hubspot.stop();
  }

  @BeforeEach
  void reset() {
    hubspot.resetAll();
    // a reset on a pooled connection makes OkHttp try again on its own; start every test on a fresh one
    http.connectionPool().evictAll();
    client = client(TokenSource.fixed(TOKEN), MAX_ATTEMPTS);
  }

  private static URI baseUrl() {
    return baseUrlOf(hubspot);
  }

  /** The server on the loopback address only. */
  static URI baseUrlOf(WireMockServer server) {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  private HubSpotClient client(TokenSource tokens, int maxAttempts) {
    return new HubSpotClient("hubspot-test", baseUrl(), "/hubspot", http, tokens, governor, Duration.ofMillis(1),
        maxAttempts);
  }

  private HubSpotResponse readContact() {
    return client.get("read contact 51", "/crm/v3/objects/contacts/51", Map.of("properties", "email,firstname"),
        Budget.STANDARD);
  }

  private static ResponseDefinitionBuilder error(int status, String fixture) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8")
        .withBody(Fixtures.read(fixture));
  }

  /** The first answer is {@code first}, every later one the contact. */
  private static void firstThenContact(ResponseDefinitionBuilder first) {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).inScenario("retry").whenScenarioStateIs(STARTED)
        .willReturn(first).willSetStateTo("answered"));
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).inScenario("retry").whenScenarioStateIs("answered")
        .willReturn(okJson(Fixtures.read("contact.json"))));
  }

  private static int requests() {
    return hubspot.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
  }

  @Test
  void sendsTheBearerTokenToThePathUnderTheBaseUrlAndPrefix() {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).willReturn(okJson(Fixtures.read("contact.json"))
        .withHeader(HubSpotClient.CORRELATION_ID, "0f6d2c1a-5b3e-4f87-9a20-c4d1e8b7f635")));

    HubSpotResponse response = readContact();

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.multiStatus()).isFalse();
    assertThat(response.body().path("properties").path("email").asText()).isEqualTo("ada@example.org");
    assertThat(response.correlationId()).hasValue("0f6d2c1a-5b3e-4f87-9a20-c4d1e8b7f635");
    hubspot.verify(1, getRequestedFor(urlEqualTo(CONTACT + "?properties=email%2Cfirstname"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("Accept", equalTo("application/json")));
  }

  @Test
  void worksWithoutAPrefixAndUnderABaseUrlWithAPath() {
    hubspot.stubFor(get(urlPathEqualTo("/crm/v3/objects/contacts/51")).willReturn(okJson("{\"id\":\"51\"}")));
    hubspot.stubFor(get(urlPathEqualTo("/gateway/crm/v3/objects/contacts/51")).willReturn(okJson("{\"id\":\"51\"}")));
    HubSpotClient plain = new HubSpotClient("plain", baseUrl(), "", http, TokenSource.fixed(TOKEN), governor,
        Duration.ofMillis(1), 1);
    HubSpotClient gateway = new HubSpotClient("gateway", URI.create(baseUrl() + "/gateway/"), "", http,
        TokenSource.fixed(TOKEN), governor, Duration.ofMillis(1), 1);

    plain.get("read", "/crm/v3/objects/contacts/51", Map.of(), Budget.STANDARD);
    gateway.get("read", "crm/v3/objects/contacts/51", Map.of(), Budget.STANDARD);

    hubspot.verify(1, getRequestedFor(urlEqualTo("/crm/v3/objects/contacts/51")));
    hubspot.verify(1, getRequestedFor(urlEqualTo("/gateway/crm/v3/objects/contacts/51")));
    assertThat(client.url("/crm/objects/2026-03/contacts", Map.of("limit", "100")).toString())
        .isEqualTo(baseUrl() + "/hubspot/crm/objects/2026-03/contacts?limit=100");
  }

  @Test
  void postsTheBodyAsJsonAndReturnsAMultiStatusAnswer() {
    hubspot.stubFor(post(urlPathEqualTo(BATCH_UPDATE)).willReturn(aResponse().withStatus(207)
        .withHeader("Content-Type", "application/json;charset=utf-8")
        .withBody(Fixtures.read("batch-update-multi-status.json"))));
    Map<String, Object> body = Map.of("inputs", List.of(
        Map.of("id", "51", "properties", Map.of("nps_score", "9")),
        Map.of("id", "52", "properties", Map.of("nps_score", "3"))));

    HubSpotResponse response = client.post("write scores", "/crm/v3/objects/contacts/batch/update", body,
        Budget.STANDARD);

    assertThat(response.status()).isEqualTo(207);
    assertThat(response.multiStatus()).isTrue();
    assertThat(response.body().path("numErrors").asInt()).isEqualTo(1);
    hubspot.verify(1, postRequestedFor(urlEqualTo(BATCH_UPDATE))
        .withHeader("Content-Type", equalToIgnoreCase("application/json; charset=utf-8"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(equalToJson("""
            {"inputs": [{"id": "51", "properties": {"nps_score": "9"}},
                        {"id": "52", "properties": {"nps_score": "3"}}]}""")));
  }

  @Test
  void patchesWithAJsonBodyAndAcceptsAnEmptyAnswer() {
    hubspot.stubFor(patch(urlPathEqualTo(CONTACT)).willReturn(aResponse().withStatus(204)));

    HubSpotResponse response = client.patch("write score", "/crm/v3/objects/contacts/51",
        Map.of("properties", Map.of("nps_score", "7")), Budget.STANDARD);

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.body().isMissingNode()).isTrue();
    hubspot.verify(1, patchRequestedFor(urlEqualTo(CONTACT))
        .withRequestBody(equalToJson("{\"properties\": {\"nps_score\": \"7\"}}")));
  }

  @Test
  void retriesAfterATenSecondlyLimitOnceTheGovernorHasWaitedTenSeconds() {
    firstThenContact(error(429, "rate-limit-ten-secondly.json"));

    HubSpotResponse response = readContact();

    assertThat(response.status()).isEqualTo(200);
    assertThat(requests()).isEqualTo(2);
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(10));
  }

  @Test
  void retriesASearchAfterASecondlyLimitOnceTheGovernorHasWaitedOneSecond() {
    String search = "/hubspot/crm/v3/objects/contacts/search";
    hubspot.stubFor(post(urlPathEqualTo(search)).inScenario("search").whenScenarioStateIs(STARTED)
        .willReturn(error(429, "rate-limit-secondly.json")).willSetStateTo("answered"));
    hubspot.stubFor(post(urlPathEqualTo(search)).inScenario("search").whenScenarioStateIs("answered")
        .willReturn(okJson("{\"total\": 0, \"results\": []}")));

    HubSpotResponse response = client.post("search contacts", "/crm/v3/objects/contacts/search",
        Map.of("limit", 100), Budget.SEARCH);

    assertThat(response.body().path("total").asInt()).isZero();
    hubspot.verify(2, postRequestedFor(urlEqualTo(search)));
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void followsRetryAfterOnARateLimit() {
    firstThenContact(error(429, "rate-limit-ten-secondly.json").withHeader("Retry-After", "4"));

    readContact();

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(4));
  }

  @Test
  void doesNotRetryADailyLimitButSaysItIsRetriableLater() {
    firstThenContact(error(429, "rate-limit-daily.json"));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(failure.status()).isEqualTo(429);
    assertThat(failure.retriable()).isTrue();
    assertThat(failure.policyName()).hasValue("DAILY");
    assertThat(failure.correlationId()).hasValue("a71c0f3e-9d24-4b68-b5e1-2f09c8d36e77");
    assertThat(failure.getMessage()).contains("read contact 51", "HTTP 429", "a71c0f3e-9d24-4b68-b5e1-2f09c8d36e77");
    assertThat(requests()).isEqualTo(1);
    assertThat(governor.nearDailyLimit()).isTrue();
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void retriesALockAfterAtLeastTwoSeconds() {
    firstThenContact(error(423, "locked.json"));

    assertThat(readContact().status()).isEqualTo(200);

    assertThat(requests()).isEqualTo(2);
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void retriesA477AfterItsRetryAfter() {
    firstThenContact(aResponse().withStatus(477).withHeader("Retry-After", "3"));

    assertThat(readContact().status()).isEqualTo(200);

    assertThat(requests()).isEqualTo(2);
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(3));
  }

  @ParameterizedTest
  @ValueSource(ints = {502, 503, 504, 521, 523, 524})
  void retriesGatewayAndOriginFailures(int status) {
    firstThenContact(aResponse().withStatus(status).withHeader("Content-Type", "text/html")
        .withBody("<html><body>origin unreachable</body></html>"));

    assertThat(readContact().status()).isEqualTo(200);

    assertThat(requests()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"400:validation-error.json:VALIDATION_ERROR", "403:missing-scopes.json:MISSING_SCOPES",
      "404:object-not-found.json:OBJECT_NOT_FOUND"})
  void neverRetriesAClientError(String example) {
    String[] parts = example.split(":");
    int status = Integer.parseInt(parts[0]);
    firstThenContact(error(status, parts[1]).withHeader(HubSpotClient.CORRELATION_ID, "from-the-header"));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(requests()).isEqualTo(1);
    assertThat(failure.status()).isEqualTo(status);
    assertThat(failure.retriable()).isFalse();
    assertThat(failure.category()).hasValue(parts[2]);
    assertThat(failure.correlationId()).hasValue("from-the-header");
    assertThat(failure.getMessage()).contains("read contact 51", "HTTP " + status, parts[2],
        "[correlation id from-the-header]");
    assertThat(failure.getMessage()).doesNotContain(TOKEN);
  }

  @Test
  void keepsTheVendorDetailOfAValidationError() {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).willReturn(error(400, "validation-error.json")));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(failure.getMessage()).isEqualTo("read contact 51: HTTP 400 VALIDATION_ERROR: Property values were not"
        + " valid [correlation id e6a0d4b2-1c37-4f95-8e2d-94f3b71c0a58]");
    assertThat(failure.body().path("errors").path(0).path("code").asText()).isEqualTo("INVALID_INTEGER");
  }

  @Test
  void retriesAConnectionReset() {
    firstThenContact(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    try (LogCapture logs = new LogCapture()) {
      assertThat(readContact().status()).isEqualTo(200);

      assertThat(requests()).isEqualTo(2);
      assertThat(logs.events()).anySatisfy(event -> assertThat(event.getFormattedMessage())
          .startsWith("hubspot-test: read contact 51 failed, try 2 in").contains("no answer"));
    }
  }

  @Test
  void reportsAnIoErrorAsRetriableWithNoStatusWhenTheAttemptsRunOut() {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(failure.status()).isZero();
    assertThat(failure.retriable()).isTrue();
    assertThat(failure.getMessage()).startsWith("read contact 51: no answer");
    assertThat(failure.getCause()).isInstanceOf(java.io.IOException.class);
    assertThat(requests()).isEqualTo(MAX_ATTEMPTS);
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailure() {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).willReturn(aResponse().withStatus(503)
        .withHeader(HubSpotClient.CORRELATION_ID, "d8c1e5a0-7b42-4f19-a3d6-0e9f2b6c71a4")));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(requests()).isEqualTo(MAX_ATTEMPTS);
    assertThat(failure.status()).isEqualTo(503);
    assertThat(failure.retriable()).isTrue();
    assertThat(failure.getMessage()).contains("HTTP 503", "d8c1e5a0-7b42-4f19-a3d6-0e9f2b6c71a4");
  }

  @Test
  void makesOneAttemptWhenMaxAttemptsIsOne() {
    client = client(TokenSource.fixed(TOKEN), 1);
    firstThenContact(error(429, "rate-limit-ten-secondly.json"));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(requests()).isEqualTo(1);
    assertThat(failure.policyName()).hasValue("TEN_SECONDLY_ROLLING");
    assertThat(failure.correlationId()).hasValue("5d3f1c9e-2b7a-4c11-9a0e-7c61f0a4b210");
  }

  @Test
  void neverRetriesARefusedPrivateAppToken() {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).willReturn(error(401, "invalid-authentication.json")));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(requests()).isEqualTo(1);
    assertThat(failure.status()).isEqualTo(401);
    assertThat(failure.retriable()).isFalse();
    assertThat(failure.getMessage()).contains("EXPIRED_AUTHENTICATION").doesNotContain(TOKEN);
  }

  @Test
  void readsRetryAfterAsSecondsOnly() {
    assertThat(HubSpotClient.retryAfter("3")).hasValue(Duration.ofSeconds(3));
    assertThat(HubSpotClient.retryAfter(" 0 ")).hasValue(Duration.ZERO);
    assertThat(HubSpotClient.retryAfter("86400")).as("capped").hasValue(Duration.ofHours(1));
    assertThat(HubSpotClient.retryAfter("-1")).isEmpty();
    assertThat(HubSpotClient.retryAfter("Wed, 21 Oct 2025 07:28:00 GMT")).isEmpty();
    assertThat(HubSpotClient.retryAfter(null)).isEmpty();
  }

  @Test
  void describesAFailureWithoutABodyByStatusAndOperation() {
    HubSpotApiException failure = new HubSpotApiException("read contact 51", 0, "SocketException: Connection reset",
        null, Optional.empty(), true, Optional.empty(), null);

    assertThat(failure.getMessage()).isEqualTo("read contact 51: no answer: SocketException: Connection reset");
    assertThat(failure.body().isMissingNode()).isTrue();
    assertThat(failure.category()).isEmpty();
    assertThat(failure.correlationId()).isEmpty();
  }

  @Test
  void takesTheCorrelationIdFromTheBodyWhenTheHeaderIsMissing() {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).willReturn(error(404, "object-not-found.json")));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(failure.correlationId()).hasValue("3a9d5e71-0b4c-4e28-a1f6-d27c8b90e4a5");
    assertThat(failure.getMessage()).endsWith("[correlation id 3a9d5e71-0b4c-4e28-a1f6-d27c8b90e4a5]");
  }

  @Test
  void holdsTheNextRequestWhenAnAnswerSaysTheWindowIsUsedUp() {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).willReturn(okJson(Fixtures.read("contact.json"))
        .withHeader("X-HubSpot-RateLimit-Max", "100")
        .withHeader("X-HubSpot-RateLimit-Remaining", "0")
        .withHeader("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
        .withHeader("X-HubSpot-RateLimit-Daily", "250000")
        .withHeader("X-HubSpot-RateLimit-Daily-Remaining", "20000")));

    readContact();
    assertThat(time.sleeps()).isEmpty();
    readContact();

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(10));
    assertThat(governor.dailyRemaining()).hasValue(20_000);
    assertThat(governor.nearDailyLimit()).isTrue();
  }
}
