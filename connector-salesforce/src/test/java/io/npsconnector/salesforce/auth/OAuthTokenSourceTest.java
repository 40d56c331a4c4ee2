package io.npsconnector.salesforce.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.npsconnector.core.spi.CrmException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OAuthTokenSourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTION = "sf-prod";
  private static final String PATH = "/services/oauth2/token";
  private static final String JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final String CLIENT_ID = "3MVG9consumerKey.abc";
  private static final String CLIENT_SECRET = "S3cr3t-Cl1ent-Value-9F8E7D6C5B4A";
  private static final String USERNAME = "integration@example.com";
  private static final String TOKEN_1 = "00Dxx!tok1";
  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private WireMockServer server;
  private OkHttpClient http;
  private URI loginUrl;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    loginUrl = URI.create("http://127.0.0.1:" + server.port());
    http = new OkHttpClient();
  }

  @AfterEach
  void stop() {
    if (server.isRunning()) {
      server.stop();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  // --- helpers -------------------------------------------------------------------------------------------

  private String instanceUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  private String tokenJson(String accessToken) {
    return "{\"access_token\":\"" + accessToken + "\",\"instance_url\":\"" + instanceUrl() + "\","
        + "\"id\":\"" + instanceUrl() + "/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS\","
        + "\"token_type\":\"Bearer\",\"issued_at\":\"1741064767000\"}";
  }

  private void stubToken(String accessToken) {
    server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(tokenJson(accessToken))));
  }

  /** Answers tok1, tok2, tok3, ... on successive requests. */
  private void stubTokenSequence(int count) {
    for (int i = 1; i <= count; i++) {
      server.stubFor(post(urlPathEqualTo(PATH)).inScenario("tokens")
          .whenScenarioStateIs(i == 1 ? STARTED : "after-" + (i - 1))
          .willSetStateTo("after-" + i)
          .willReturn(okJson(tokenJson("00Dxx!tok" + i))));
    }
  }

  private void stubError(int status, String body) {
    server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body)));
  }

  private OAuthTokenSource jwtSource(Optional<URI> override) {
    JwtAssertion assertion = new JwtAssertion(CLIENT_ID, USERNAME, loginUrl.toString(), TestKeys.pkcs8Pem(TestKeys.RSA));
    return OAuthTokenSource.jwtBearer(CONNECTION, http, loginUrl, assertion, CLOCK, override);
  }

  private OAuthTokenSource clientCredentialsSource(Optional<URI> override) {
    return OAuthTokenSource.clientCredentials(CONNECTION, http, loginUrl, CLIENT_ID, CLIENT_SECRET, override);
  }

  private List<LoggedRequest> tokenRequests() {
    return server.findAll(postRequestedFor(urlPathEqualTo(PATH)));
  }

  private static Map<String, String> form(LoggedRequest request) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : request.getBodyAsString().split("&")) {
      int eq = pair.indexOf('=');
      String previous = form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      assertThat(previous).as("form parameter %s given twice", pair).isNull();
    }
    return form;
  }

  /** The message, toString() and the causes' texts contain none of the secrets. */
  private static void assertNoSecrets(Throwable thrown, String... secrets) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      String text = t.getMessage() + "\n" + t;
      for (String secret : secrets) {
        assertThat(text).as("text of %s", t.getClass().getName()).doesNotContain(secret);
      }
    }
  }

  // --- JWT bearer ---------------------------------------------------------------------------------------

  @Test
  void jwtBearerPostsTheGrantAndAVerifiableAssertion() throws Exception {
    stubToken(TOKEN_1);

    AccessToken token = jwtSource(Optional.empty()).current();

    assertThat(token.value()).isEqualTo(TOKEN_1);
    assertThat(token.instanceUrl()).isEqualTo(URI.create(instanceUrl()));
    List<LoggedRequest> requests = tokenRequests();
    assertThat(requests).hasSize(1);
    LoggedRequest request = requests.get(0);
    assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(request.getHeader("Accept")).isEqualTo("application/json");
    Map<String, String> form = form(request);
    assertThat(form).containsOnlyKeys("grant_type", "assertion");
    assertThat(form.get("grant_type")).isEqualTo(JWT_GRANT);
    String assertion = form.get("assertion");
    assertThat(TestKeys.verifies(assertion, TestKeys.RSA.getPublic())).isTrue();
    assertThat(TestKeys.part(assertion, 0)).isEqualTo("{\"alg\":\"RS256\"}");
    var claims = JSON.readTree(TestKeys.part(assertion, 1));
    assertThat(claims.get("iss").asText()).isEqualTo(CLIENT_ID);
    assertThat(claims.get("sub").asText()).isEqualTo(USERNAME);
    assertThat(claims.get("aud").asText()).isEqualTo(loginUrl.toString());
    assertThat(claims.get("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 180);
  }

  @Test
  void tokenPathReplacesAnyPathOfTheLoginUrl() {
    stubToken(TOKEN_1);
    loginUrl = URI.create(instanceUrl() + "/some/other/path/");

    jwtSource(Optional.empty()).current();

    assertThat(tokenRequests()).hasSize(1);
    assertThat(tokenRequests().get(0).getUrl()).isEqualTo(PATH);
  }

  @Test
  void currentRequestsOnceAndCaches() {
    stubTokenSequence(3);
    OAuthTokenSource source = jwtSource(Optional.empty());

    AccessToken first = source.current();
    AccessToken second = source.current();
    AccessToken third = source.current();

    assertThat(first.value()).isEqualTo("00Dxx!tok1");
    assertThat(second).isSameAs(first);
    assertThat(third).isSameAs(first);
    assertThat(tokenRequests()).hasSize(1);
  }

  @Test
  void renewOfTheCurrentTokenRequestsANewOne() {
    stubTokenSequence(3);
    OAuthTokenSource source = jwtSource(Optional.empty());
    AccessToken stale = source.current();

    AccessToken renewed = source.renew(stale);

    assertThat(renewed.value()).isEqualTo("00Dxx!tok2");
    assertThat(source.current()).isSameAs(renewed);
    assertThat(tokenRequests()).hasSize(2);
    // each request signs a fresh assertion; with the fixed clock it is the same text, and it verifies
    for (LoggedRequest request : tokenRequests()) {
      assertThat(form(request).get("grant_type")).isEqualTo(JWT_GRANT);
      assertThat(TestKeys.verifies(form(request).get("assertion"), TestKeys.RSA.getPublic())).isTrue();
    }
  }

  @Test
  void renewOfATokenNoLongerCurrentReturnsTheCurrentOneWithoutARequest() {
    stubTokenSequence(3);
    OAuthTokenSource source = jwtSource(Optional.empty());
    AccessToken stale = source.current();

    AccessToken byFirstThread = source.renew(stale);
    AccessToken bySecondThread = source.renew(stale); // the second thread saw the same stale token

    assertThat(byFirstThread.value()).isEqualTo("00Dxx!tok2");
    assertThat(bySecondThread).isSameAs(byFirstThread);
    assertThat(tokenRequests()).hasSize(2); // current + one renew
  }

  @Test
  void renewOfTheRenewedTokenRequestsAgain() {
    stubTokenSequence(3);
    OAuthTokenSource source = jwtSource(Optional.empty());

    AccessToken second = source.renew(source.current());
    AccessToken third = source.renew(second);

    assertThat(third.value()).isEqualTo("00Dxx!tok3");
    assertThat(tokenRequests()).hasSize(3);
  }

  @Test
  void renewBeforeAnyTokenRequests() {
    stubTokenSequence(2);
    OAuthTokenSource source = jwtSource(Optional.empty());
    AccessToken unrelated = new AccessToken("00Dxx!fromElsewhere", URI.create("https://x.my.salesforce.com"));

    AccessToken renewed = source.renew(unrelated);

    assertThat(renewed.value()).isEqualTo("00Dxx!tok1");
    assertThat(source.current()).isSameAs(renewed);
    assertThat(tokenRequests()).hasSize(1);
  }

  @Test
  void concurrentRenewsOfTheSameStaleTokenMakeOneRequest() throws Exception {
    stubTokenSequence(10);
    OAuthTokenSource source = jwtSource(Optional.empty());
    AccessToken stale = source.current();
    int threads = 8;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<AccessToken>> results = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return source.renew(stale);
        }));
      }
      go.countDown();
      for (var result : results) {
        assertThat(result.get(30, java.util.concurrent.TimeUnit.SECONDS).value()).isEqualTo("00Dxx!tok2");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(tokenRequests()).hasSize(2);
  }

  @Test
  void baseUrlOverrideReplacesInstanceUrl() {
    stubToken(TOKEN_1);
    URI override = URI.create("http://proxy.internal:8443/sf");

    AccessToken token = jwtSource(Optional.of(override)).current();

    assertThat(token.instanceUrl()).isEqualTo(override);
    assertThat(token.value()).isEqualTo(TOKEN_1);
  }

  @Test
  void baseUrlOverrideAllowsAnAnswerWithoutInstanceUrl() {
    server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("{\"access_token\":\"" + TOKEN_1 + "\"}")));
    URI override = URI.create("http://proxy.internal:8443");

    AccessToken token = clientCredentialsSource(Optional.of(override)).current();

    assertThat(token).isEqualTo(new AccessToken(TOKEN_1, override));
  }

  @Test
  void toStringNamesTheHostOnly() {
    assertThat(jwtSource(Optional.empty()).toString()).contains("127.0.0.1");
    assertThat(clientCredentialsSource(Optional.empty()).toString())
        .contains("127.0.0.1").doesNotContain(CLIENT_SECRET).doesNotContain(CLIENT_ID);
  }

  // --- client credentials -------------------------------------------------------------------------------

  @Test
  void clientCredentialsPostsIdAndSecret() {
    stubToken(TOKEN_1);

    AccessToken token = clientCredentialsSource(Optional.empty()).current();

    assertThat(token).isEqualTo(new AccessToken(TOKEN_1, URI.create(instanceUrl())));
    List<LoggedRequest> requests = tokenRequests();
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(form(requests.get(0))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "grant_type", "client_credentials",
        "client_id", CLIENT_ID,
        "client_secret", CLIENT_SECRET));
  }

  @Test
  void clientCredentialsFormEncodesSpecialCharacters() {
    stubToken(TOKEN_1);
    String secret = "a&b=c+d %e/f";

    OAuthTokenSource.clientCredentials(CONNECTION, http, loginUrl, CLIENT_ID, secret, Optional.empty()).current();

    assertThat(form(tokenRequests().get(0))).containsEntry("client_secret", secret);
  }

  @Test
  void tokenWithJsonEscapesIsDecoded() {
    server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(
        "{\"access_token\":\"00Dxx\\u0021tok\\/1\",\"instance_url\":\"https:\\/\\/acme.my.salesforce.com\"}")));

    AccessToken token = clientCredentialsSource(Optional.empty()).current();

    assertThat(token).isEqualTo(new AccessToken("00Dxx!tok/1", URI.create("https://acme.my.salesforce.com")));
  }

  // --- errors -------------------------------------------------------------------------------------------

  @Test
  void invalidGrantIsAnAuthenticationErrorWithAHint() {
    stubError(400, "{\"error\":\"invalid_grant\",\"error_description\":\"user hasn't approved this consumer\"}");

    Throwable thrown = catchThrowable(() -> jwtSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Authentication.class);
    CrmException.Authentication e = (CrmException.Authentication) thrown;
    assertThat(e.connection()).isEqualTo(CONNECTION);
    assertThat(e.getMessage())
        .startsWith(CONNECTION + ": ")
        .contains("127.0.0.1:" + server.port())
        .contains("invalid_grant")
        .contains("user hasn't approved this consumer")
        .contains("pre-authorized")
        .contains("certificate matches private-key");
    String assertion = form(tokenRequests().get(0)).get("assertion");
    assertNoSecrets(thrown, assertion, assertion.split("\\.")[2], TestKeys.base64Body(TestKeys.pkcs8Pem(TestKeys.RSA))
        .substring(100, 140));
  }

  @Test
  void invalidClientIsAnAuthenticationError() {
    stubError(401, "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}");

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Authentication.class)
        .hasMessageContaining(CONNECTION)
        .hasMessageContaining("invalid_client")
        .hasMessageContaining("invalid client credentials")
        .hasMessageContaining("check client-id");
    assertNoSecrets(thrown, CLIENT_SECRET);
  }

  @Test
  void unsupportedGrantTypeNamesTheFlowToEnable() {
    stubError(400, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}");

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Authentication.class)
        .hasMessageContaining("unsupported_grant_type")
        .hasMessageContaining("enable the flow");
    assertNoSecrets(thrown, CLIENT_SECRET);
  }

  @Test
  void refusalWithoutJsonNamesTheStatus() {
    server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "text/html").withBody("<html>Forbidden</html>")));

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Authentication.class).hasMessageContaining("HTTP 403");
    assertNoSecrets(thrown, CLIENT_SECRET);
  }

  @Test
  void serviceUnavailableIsRetriable() {
    stubError(503, "{\"error\":\"unavailable\"}");

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Retriable.class)
        .hasMessageContaining(CONNECTION)
        .hasMessageContaining("HTTP 503");
    assertThat(((CrmException.Retriable) thrown).retryAfter()).contains(Duration.ofMinutes(1));
    assertNoSecrets(thrown, CLIENT_SECRET);
  }

  @Test
  void tooManyRequestsIsRetriable() {
    stubError(429, "");

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Retriable.class).hasMessageContaining("HTTP 429");
  }

  @Test
  void connectionRefusedIsRetriable() {
    OAuthTokenSource source = clientCredentialsSource(Optional.empty());
    server.stop();

    Throwable thrown = catchThrowable(source::current);

    assertThat(thrown).isInstanceOf(CrmException.Retriable.class)
        .hasMessageContaining(CONNECTION)
        .hasMessageContaining("could not be reached");
    assertThat(thrown.getCause()).isInstanceOf(java.io.IOException.class);
    assertNoSecrets(thrown, CLIENT_SECRET);
  }

  @Test
  void jwtConnectionRefusedDoesNotShowTheAssertion() {
    JwtAssertion assertion = new JwtAssertion(CLIENT_ID, USERNAME, loginUrl.toString(),
        TestKeys.pkcs8Pem(TestKeys.RSA));
    OAuthTokenSource source = OAuthTokenSource.jwtBearer(CONNECTION, http, loginUrl, assertion, CLOCK,
        Optional.empty());
    server.stop();

    Throwable thrown = catchThrowable(source::current);

    assertThat(thrown).isInstanceOf(CrmException.Retriable.class);
    String signed = assertion.sign(NOW); // deterministic: the very assertion that was sent
    assertNoSecrets(thrown, signed, signed.split("\\.")[2]);
  }

  @Test
  void okWithoutAccessTokenIsRetriable() {
    server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(
        "{\"instance_url\":\"" + instanceUrl() + "\",\"token_type\":\"Bearer\"}")));

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Retriable.class)
        .hasMessageContaining(CONNECTION)
        .hasMessageContaining("without access_token");
    assertNoSecrets(thrown, CLIENT_SECRET);
  }

  @Test
  void okWithoutInstanceUrlAndNoOverrideIsRetriable() {
    server.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("{\"access_token\":\"" + TOKEN_1 + "\"}")));

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Retriable.class).hasMessageContaining("instance_url");
    assertNoSecrets(thrown, CLIENT_SECRET, TOKEN_1);
  }

  @Test
  void okWithABodyThatIsNotJsonIsRetriable() {
    server.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody("<html>login page</html>")));

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Retriable.class);
  }

  @Test
  void aFailedRequestIsNotCachedAndTheNextCallTriesAgain() {
    server.stubFor(post(urlPathEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs(STARTED)
        .willSetStateTo("up").willReturn(aResponse().withStatus(503)));
    server.stubFor(post(urlPathEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs("up")
        .willReturn(okJson(tokenJson(TOKEN_1))));
    OAuthTokenSource source = clientCredentialsSource(Optional.empty());

    assertThat(catchThrowable(source::current)).isInstanceOf(CrmException.Retriable.class);
    AccessToken token = source.current();

    assertThat(token.value()).isEqualTo(TOKEN_1);
    assertThat(tokenRequests()).hasSize(2);
  }

  @Test
  void aFailedRenewKeepsTheOldTokenAsCurrent() {
    server.stubFor(post(urlPathEqualTo(PATH)).inScenario("renew").whenScenarioStateIs(STARTED)
        .willSetStateTo("down").willReturn(okJson(tokenJson(TOKEN_1))));
    server.stubFor(post(urlPathEqualTo(PATH)).inScenario("renew").whenScenarioStateIs("down")
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"expired access/refresh token\"}")));
    OAuthTokenSource source = clientCredentialsSource(Optional.empty());
    AccessToken first = source.current();

    Throwable thrown = catchThrowable(() -> source.renew(first));

    assertThat(thrown).isInstanceOf(CrmException.Authentication.class);
    assertNoSecrets(thrown, CLIENT_SECRET, TOKEN_1);
    assertThat(source.current()).isSameAs(first);
    assertThat(tokenRequests()).hasSize(2);
  }

  @Test
  void noErrorEverShowsTheSecretOrTheToken() {
    // the token endpoint answering with the token but an error status must not leak the token either
    stubError(400, "{\"error\":\"invalid_request\",\"access_token\":\"" + TOKEN_1 + "\"}");

    Throwable thrown = catchThrowable(() -> clientCredentialsSource(Optional.empty()).current());

    assertThat(thrown).isInstanceOf(CrmException.Authentication.class).hasMessageContaining("invalid_request");
    assertNoSecrets(thrown, CLIENT_SECRET, TOKEN_1);
  }
}
