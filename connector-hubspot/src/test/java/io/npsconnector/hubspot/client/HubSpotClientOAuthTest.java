package io.npsconnector.hubspot.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
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
import io.npsconnector.config.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubSpotClientOAuthTest {
  private static final String CLIENT_ID = "8c2e41f7-0d95-4b3a-96e8-f1a7c05d2b64";
  private static final String CLIENT_SECRET = "cs-4b1f9e0a-77d2-4c58-b3e6-a90d12f6c8e5";
  private static final String FIRST_REFRESH = "na1-rt-0a1b-2c3d-4e5f-first-refresh";
  private static final String SECOND_REFRESH = "na1-rt-6a7b-8c9d-0e1f-second-refresh";
  private static final String THIRD_REFRESH = "na1-rt-2a3b-4c5d-6e7f-third-refresh";
  private static final String FIRST_ACCESS = "CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBK-first-access";
  private static final String SECOND_ACCESS = "CKWQ7rg2LiIDBQIZt-hEJJHPCjj2iRJzHRBg4yCL-second-access";
  private static final String PRIVATE_APP_TOKEN = "pat-na1-1d7e3a90-c52b-4f86-9e04-b8a6f2d1c357";
  private static final String TOKEN_PATH = "/oauth/v1/token";
  private static final String CONTACT = "/crm/v3/objects/contacts/51";
  private static final List<String> SECRETS = List.of(CLIENT_SECRET, FIRST_REFRESH, SECOND_REFRESH, THIRD_REFRESH,
      FIRST_ACCESS, SECOND_ACCESS, PRIVATE_APP_TOKEN);

  /** Any 12 characters in a row of a secret: a shortened or cut token leaks too. */
  private static final List<String> SECRET_FRAGMENTS = SECRETS.stream()
      .flatMap(secret -> IntStream.rangeClosed(0, secret.length() - 12)
          .mapToObj(start -> secret.substring(start, start + 12)))
      .distinct()
      .toList();

  private static WireMockServer hubspot;
  private static OkHttpClient http;

  private final FakeTime time = new FakeTime();
  private final RateGovernor governor = new RateGovernor(100, 5, 10, time.clock, time);
  private OAuthTokenSource tokens;
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
    http.connectionPool().evictAll();
    tokens = new OAuthTokenSource(http, HttpUrl.get("http://127.0.0.1:" + hubspot.port() + TOKEN_PATH), CLIENT_ID,
        new Secret("${HUBSPOT_CLIENT_SECRET}", CLIENT_SECRET), new Secret("${HUBSPOT_REFRESH_TOKEN}", FIRST_REFRESH),
        time.clock, HubSpotClient.objectMapper());
    client = client(tokens);
  }

  private HubSpotClient client(TokenSource source) {
    return new HubSpotClient("hubspot-oauth", HubSpotClientTest.baseUrlOf(hubspot), "", http, source, governor,
        Duration.ofMillis(1), 3);
  }

  private HubSpotResponse readContact() {
    return client.get("read contact 51", CONTACT, Map.of(), Budget.STANDARD);
  }

  private static ResponseDefinitionBuilder tokenAnswer(String access, String refresh) {
    return okJson("""
        {"token_type": "bearer", "refresh_token": "%s", "access_token": "%s", "expires_in": 1800}"""
        .formatted(refresh, access));
  }

  /** Refresh token 1 gives access token 1 and refresh token 2; refresh token 2 gives access token 2 and 3. */
  private static void rotatingTokenEndpoint() {
    hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withFormParam("refresh_token", equalTo(FIRST_REFRESH))
        .willReturn(tokenAnswer(FIRST_ACCESS, SECOND_REFRESH)));
    hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withFormParam("refresh_token", equalTo(SECOND_REFRESH))
        .willReturn(tokenAnswer(SECOND_ACCESS, THIRD_REFRESH)));
  }

  private static void contactFor(String accessToken, ResponseDefinitionBuilder answer) {
    hubspot.stubFor(get(urlPathEqualTo(CONTACT)).withHeader("Authorization", equalTo("Bearer " + accessToken))
        .willReturn(answer));
  }

  private static ResponseDefinitionBuilder refused() {
    return aResponse().withStatus(401).withHeader("Content-Type", "application/json;charset=utf-8")
        .withHeader(HubSpotClient.CORRELATION_ID, "91e6b0c8-4d2f-4a73-8b15-e03f7a6c2d19")
        .withBody(Fixtures.read("invalid-authentication.json"));
  }

  private static int tokenRequests() {
    return hubspot.countRequestsMatching(postRequestedFor(urlEqualTo(TOKEN_PATH)).build()).getCount();
  }

  private static int tokenRequestsWith(String refreshToken) {
    return hubspot.countRequestsMatching(postRequestedFor(urlEqualTo(TOKEN_PATH))
        .withFormParam("refresh_token", equalTo(refreshToken)).build()).getCount();
  }

  private static int contactRequestsWith(String accessToken) {
    return hubspot.countRequestsMatching(getRequestedFor(urlEqualTo(CONTACT))
        .withHeader("Authorization", equalTo("Bearer " + accessToken)).build()).getCount();
  }

  @Test
  void fetchesTheFirstAccessTokenWithAFormPostAndSendsIt() {
    rotatingTokenEndpoint();
    contactFor(FIRST_ACCESS, okJson(Fixtures.read("contact.json")));

    assertThat(readContact().status()).isEqualTo(200);

    hubspot.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH))
        .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
        .withFormParam("grant_type", equalTo("refresh_token"))
        .withFormParam("client_id", equalTo(CLIENT_ID))
        .withFormParam("client_secret", equalTo(CLIENT_SECRET))
        .withFormParam("refresh_token", equalTo(FIRST_REFRESH)));
    assertThat(contactRequestsWith(FIRST_ACCESS)).isEqualTo(1);
  }

  @Test
  void keepsTheAccessTokenUntilFiveMinutesBeforeItExpires() {
    rotatingTokenEndpoint();
    contactFor(FIRST_ACCESS, okJson(Fixtures.read("contact.json")));
    contactFor(SECOND_ACCESS, okJson(Fixtures.read("contact.json")));

    readContact();
    time.clock.advance(Duration.ofMinutes(25).minusSeconds(1));
    readContact();
    int tokenRequestsBeforeTheRefreshPoint = tokenRequests();
    time.clock.advance(Duration.ofSeconds(1));
    readContact();

    assertThat(tokenRequestsBeforeTheRefreshPoint).isEqualTo(1);
    assertThat(tokenRequests()).isEqualTo(2);
    assertThat(contactRequestsWith(FIRST_ACCESS)).isEqualTo(2);
    assertThat(contactRequestsWith(SECOND_ACCESS)).isEqualTo(1);
  }

  @Test
  void usesTheRotatedRefreshTokenOnTheNextRefresh() {
    rotatingTokenEndpoint();

    String first = tokens.token();
    time.clock.advance(Duration.ofMinutes(30));
    String second = tokens.token();

    assertThat(first).isEqualTo(FIRST_ACCESS);
    assertThat(second).isEqualTo(SECOND_ACCESS);
    assertThat(tokenRequestsWith(FIRST_REFRESH)).isEqualTo(1);
    assertThat(tokenRequestsWith(SECOND_REFRESH)).isEqualTo(1);
  }

  @Test
  void keepsTheRefreshTokenWhenTheAnswerBringsNoNewOne() {
    hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("""
        {"token_type": "bearer", "access_token": "%s", "expires_in": 1800}""".formatted(FIRST_ACCESS))));

    tokens.token();
    time.clock.advance(Duration.ofMinutes(26));
    tokens.token();

    assertThat(tokenRequestsWith(FIRST_REFRESH)).isEqualTo(2);
  }

  @Test
  void renewsTheTokenOnceAfterA401AndSucceeds() {
    rotatingTokenEndpoint();
    contactFor(FIRST_ACCESS, refused());
    contactFor(SECOND_ACCESS, okJson(Fixtures.read("contact.json")));

    HubSpotResponse response = readContact();

    assertThat(response.status()).isEqualTo(200);
    assertThat(contactRequestsWith(FIRST_ACCESS)).isEqualTo(1);
    assertThat(contactRequestsWith(SECOND_ACCESS)).isEqualTo(1);
    assertThat(tokenRequests()).isEqualTo(2);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void failsWhenTheRenewedTokenIsRefusedToo() {
    rotatingTokenEndpoint();
    contactFor(FIRST_ACCESS, refused());
    contactFor(SECOND_ACCESS, refused());

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(failure.status()).isEqualTo(401);
    assertThat(failure.retriable()).isFalse();
    assertThat(failure.category()).hasValue("EXPIRED_AUTHENTICATION");
    assertThat(failure.getMessage()).contains("read contact 51", "HTTP 401",
        "91e6b0c8-4d2f-4a73-8b15-e03f7a6c2d19");
    assertThat(contactRequestsWith(FIRST_ACCESS)).isEqualTo(1);
    assertThat(contactRequestsWith(SECOND_ACCESS)).isEqualTo(1);
    assertThat(tokenRequests()).isEqualTo(2);
  }

  @Test
  void neverRetriesAPrivateAppTokenAfterA401() {
    client = client(TokenSource.fixed(PRIVATE_APP_TOKEN));
    contactFor(PRIVATE_APP_TOKEN, refused());

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(failure.status()).isEqualTo(401);
    assertThat(contactRequestsWith(PRIVATE_APP_TOKEN)).isEqualTo(1);
    assertThat(tokenRequests()).isZero();
  }

  @Test
  void aRefusedRefreshTokenFailsAtOnceWithoutCallingTheApi() {
    hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json;charset=utf-8")
        .withBody(Fixtures.read("oauth-bad-refresh-token.json"))));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, this::readContact);

    assertThat(failure.operation()).isEqualTo(OAuthTokenSource.OPERATION);
    assertThat(failure.status()).isEqualTo(400);
    assertThat(failure.retriable()).isFalse();
    assertThat(failure.getMessage()).contains("HTTP 400", "the refresh token is missing or unknown",
        "b4f2a8e6-3c91-4d07-9e5a-6a1d0c7b38f2");
    assertThat(tokenRequests()).isEqualTo(1);
    assertThat(hubspot.countRequestsMatching(getRequestedFor(urlEqualTo(CONTACT)).build()).getCount()).isZero();
  }

  @Test
  void retriesARefreshThatMetAProxyErrorPage() {
    hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("token").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
            .withBody("<html><body><h1>502 Bad Gateway</h1></body></html>"))
        .willSetStateTo("up"));
    hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("token").whenScenarioStateIs("up")
        .willReturn(tokenAnswer(FIRST_ACCESS, SECOND_REFRESH)));
    contactFor(FIRST_ACCESS, okJson(Fixtures.read("contact.json")));

    assertThat(readContact().status()).isEqualTo(200);

    assertThat(tokenRequests()).isEqualTo(2);
  }

  @Test
  void reportsTheStatusOfARefreshAnsweredWithAnErrorPage() {
    hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "text/html").withBody("<html>down for maintenance</html>")));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, tokens::token);

    assertThat(failure.status()).isEqualTo(503);
    assertThat(failure.retriable()).isTrue();
    assertThat(failure.getMessage()).isEqualTo(OAuthTokenSource.OPERATION + ": HTTP 503");
  }

  @Test
  void refusesATokenAnswerWithoutAnAccessToken() {
    hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("{\"token_type\": \"bearer\"}")));

    HubSpotApiException failure = catchThrowableOfType(HubSpotApiException.class, tokens::token);

    assertThat(failure.status()).isEqualTo(200);
    assertThat(failure.retriable()).isFalse();
    assertThat(failure.getMessage()).contains("no access_token");
  }

  @Test
  void forgetsOnlyTheTokenThatWasRefused() {
    rotatingTokenEndpoint();
    String stale = tokens.token();
    time.clock.advance(Duration.ofMinutes(30));
    tokens.token();

    boolean retry = tokens.invalidate(stale);

    assertThat(retry).isTrue();
    assertThat(tokens.token()).isEqualTo(SECOND_ACCESS);
    assertThat(tokenRequests()).isEqualTo(2);
  }

  @Test
  void refreshesOnceForManyThreadsAtOnce() throws Exception {
    rotatingTokenEndpoint();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(threads.submit(() -> {
          start.await();
          return tokens.token();
        }));
      }
      start.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(FIRST_ACCESS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(tokenRequests()).isEqualTo(1);
  }

  @Test
  void neverShowsATokenOrSecretInToString() {
    assertThat(tokens.toString()).contains(CLIENT_ID);
    assertThat(List.of(tokens.toString(), TokenSource.fixed(PRIVATE_APP_TOKEN).toString()))
        .allSatisfy(text -> assertThat(text).doesNotContain(SECRET_FRAGMENTS));
  }

  @Test
  void neverLogsOrThrowsATokenOrSecret() {
    List<String> messages = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      // a first token, a 401 with a renewal, a rate limit, a reset connection, a second 401, a refused refresh
      rotatingTokenEndpoint();
      contactFor(FIRST_ACCESS, refused());
      hubspot.stubFor(get(urlPathEqualTo(CONTACT)).withHeader("Authorization", equalTo("Bearer " + SECOND_ACCESS))
          .inScenario("calls").whenScenarioStateIs(STARTED)
          .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json;charset=utf-8")
              .withBody(Fixtures.read("rate-limit-ten-secondly.json")))
          .willSetStateTo("reset"));
      hubspot.stubFor(get(urlPathEqualTo(CONTACT)).withHeader("Authorization", equalTo("Bearer " + SECOND_ACCESS))
          .inScenario("calls").whenScenarioStateIs("reset")
          .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
          .willSetStateTo("ok"));
      hubspot.stubFor(get(urlPathEqualTo(CONTACT)).withHeader("Authorization", equalTo("Bearer " + SECOND_ACCESS))
          .inScenario("calls").whenScenarioStateIs("ok")
          .willReturn(okJson(Fixtures.read("contact.json"))));
      readContact();

      contactFor(SECOND_ACCESS, refused());
      hubspot.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withFormParam("refresh_token", equalTo(THIRD_REFRESH))
          .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json;charset=utf-8")
              .withBody(Fixtures.read("oauth-bad-refresh-token.json"))));
      messages.add(catchThrowableOfType(HubSpotApiException.class, this::readContact).getMessage());
      messages.add(catchThrowableOfType(HubSpotApiException.class, this::readContact).getMessage());

      client = client(TokenSource.fixed(PRIVATE_APP_TOKEN));
      contactFor(PRIVATE_APP_TOKEN, refused());
      messages.add(catchThrowableOfType(HubSpotApiException.class, this::readContact).getMessage());

      // the retries (rate limit, reset) log at DEBUG: the engine warns once when a CRM call fails for good
      assertThat(logs.events()).extracting(event -> event.getLevel().toString()).contains("DEBUG", "INFO");
      assertThat(logs.texts()).anySatisfy(text -> assertThat(text).contains("failed, try 2"));
      assertThat(logs.texts()).allSatisfy(text -> assertThat(text).doesNotContain(SECRET_FRAGMENTS));
    }
    assertThat(messages).hasSize(3).allSatisfy(text -> assertThat(text).doesNotContain(SECRET_FRAGMENTS));
    assertThat(messages.get(1)).startsWith(OAuthTokenSource.OPERATION);
  }
}
