package io.npsconnector.core.delivery.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpServer;
import io.npsconnector.config.Secret;
import io.npsconnector.config.WebhookChannelConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.model.Contact;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookChannelTest {
  private static final String SECRET = "a-secret-of-at-least-16";
  private static final String PATH = "/hooks/nps";
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant EXPIRES_AT = NOW.plus(Duration.ofDays(14));
  /** Generous for ordinary answers, so that a cold JVM or a busy build machine never fails a test. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static WireMockServer receiver;

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final SurveyTokens tokens = new SurveyTokens("0123456789abcdef0123456789abcdef", clock);
  private final SurveyLinks links = new SurveyLinks(URI.create("https://nps.example.com"), tokens);
  private WebhookChannel channel;

  @BeforeAll
  static void startReceiver() {
    receiver = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    receiver.start();
  }

  @AfterAll
  static void stopReceiver() {
    receiver.stop();
  }

  @BeforeEach
  void reset() {
    receiver.resetAll();
    channel = channelTo(receiverUrl());
  }

  private WebhookChannel channelTo(URI url) {
    return channelTo(url, TIMEOUT);
  }

  private WebhookChannel channelTo(URI url, Duration timeout) {
    return new WebhookChannel(
        new WebhookChannelConfig(url, new Secret("${WEBHOOK_SECRET}", SECRET), timeout), "Acme GmbH", links, clock);
  }

  private static URI receiverUrl() {
    return URI.create("http://127.0.0.1:" + receiver.port() + PATH);
  }

  private static Contact fullContact() {
    return Contact.builder("1001", Instant.now())
        .email("ada@example.com")
        .firstName("Ada")
        .lastName("Lovelace")
        .phone("+44 20 7946 0958")
        .locale(Locale.forLanguageTag("en-GB"))
        .timeZone(ZoneId.of("Europe/London"))
        .build();
  }

  private static Delivery delivery(Contact contact) {
    return new Delivery(7L, "inv-7", Delivery.Kind.INVITATION, "hubspot", "post-purchase", "standard", contact,
        EXPIRES_AT);
  }

  private static void answer(int status) {
    receiver.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)));
  }

  private static LoggedRequest onlyRequest() {
    List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlPathEqualTo(PATH)));
    assertThat(requests).hasSize(1);
    return requests.get(0);
  }

  private static String bodyOf(LoggedRequest request) {
    return new String(request.getBody(), StandardCharsets.UTF_8);
  }

  /** The signature as a receiver would compute it, without the channel's code. */
  private static String expectedSignature(String secret, String timestamp, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    return "v1=" + HexFormat.of().formatHex(digest);
  }

  @Test
  void idIsWebhook() {
    assertThat(channel.id()).isEqualTo("webhook");
  }

  @Test
  void postsTheHeadersAndReturnsTheKeyWhenTheReceiverNamesNoMessage() throws Exception {
    answer(204);

    DeliveryReceipt receipt = channel.send(delivery(fullContact()));

    assertThat(receipt.messageId()).contains("inv-7");
    LoggedRequest request = onlyRequest();
    assertThat(request.getMethod().getName()).isEqualTo("POST");
    // Jetty inside WireMock canonicalises the charset's case; theContentTypeIsSentVerbatim checks the exact value
    assertThat(request.getHeader("Content-Type")).isEqualToIgnoringCase("application/json; charset=utf-8");
    assertThat(request.getHeader("User-Agent")).isEqualTo("npsconnector");
    assertThat(request.getHeader("X-NPS-Delivery")).isEqualTo("inv-7");
    assertThat(request.getHeader("X-NPS-Timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(request.getHeader("X-NPS-Signature")).matches("v1=[0-9a-f]{64}");
  }

  @Test
  void theContentTypeIsSentVerbatim() throws Exception {
    HttpServer raw = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    AtomicReference<String> contentType = new AtomicReference<>();
    raw.createContext(PATH, exchange -> {
      contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    raw.start();
    try {
      channelTo(URI.create("http://127.0.0.1:" + raw.getAddress().getPort() + PATH)).send(delivery(fullContact()));
    } finally {
      raw.stop(0);
    }
    assertThat(contentType.get()).isEqualTo("application/json; charset=utf-8");
  }

  @Test
  void returnsTheReceiversMessageId() {
    receiver.stubFor(post(urlPathEqualTo(PATH))
        .willReturn(aResponse().withStatus(202).withHeader("X-Message-Id", "sms-42")));

    assertThat(channel.send(delivery(fullContact())).messageId()).contains("sms-42");
  }

  @Test
  void theBodyCarriesEveryField() throws Exception {
    answer(200);

    channel.send(delivery(fullContact()));

    JsonNode json = JSON.readTree(bodyOf(onlyRequest()));
    assertThat(json.get("type").asText()).isEqualTo("invitation");
    assertThat(json.get("id").asText()).isEqualTo("inv-7");
    assertThat(json.get("invitation_id").isIntegralNumber()).isTrue();
    assertThat(json.get("invitation_id").asLong()).isEqualTo(7L);
    assertThat(json.get("connection").asText()).isEqualTo("hubspot");
    assertThat(json.get("trigger").asText()).isEqualTo("post-purchase");
    assertThat(json.get("template").asText()).isEqualTo("standard");
    assertThat(json.get("company").asText()).isEqualTo("Acme GmbH");
    assertThat(Instant.parse(json.get("expires_at").asText())).isEqualTo(EXPIRES_AT);

    JsonNode contact = json.get("contact");
    assertThat(contact.get("id").asText()).isEqualTo("1001");
    assertThat(contact.get("email").asText()).isEqualTo("ada@example.com");
    assertThat(contact.get("phone").asText()).isEqualTo("+44 20 7946 0958");
    assertThat(contact.get("first_name").asText()).isEqualTo("Ada");
    assertThat(contact.get("last_name").asText()).isEqualTo("Lovelace");
    assertThat(contact.get("locale").asText()).isEqualTo("en-GB");
    assertThat(contact.get("time_zone").asText()).isEqualTo("Europe/London");

    JsonNode linkNode = json.get("links");
    URI survey = URI.create(linkNode.get("survey").asText());
    assertThat(survey.getScheme() + "://" + survey.getHost()).isEqualTo("https://nps.example.com");
    assertThat(survey.getQuery()).isNull();
    assertThat(survey.getPath()).startsWith("/s/");
    assertSurveyToken(survey.getPath().substring("/s/".length()));

    JsonNode scores = linkNode.get("scores");
    assertThat(scores.isArray()).isTrue();
    assertThat(scores).hasSize(11);
    for (int score = 0; score <= 10; score++) {
      URI link = URI.create(scores.get(score).asText());
      assertThat(link.getHost()).isEqualTo("nps.example.com");
      assertThat(link.getPath()).startsWith("/s/");
      assertThat(link.getQuery()).isEqualTo("score=" + score);
      assertSurveyToken(link.getPath().substring("/s/".length()));
    }

    URI unsubscribe = URI.create(linkNode.get("unsubscribe").asText());
    assertThat(unsubscribe.getHost()).isEqualTo("nps.example.com");
    assertThat(unsubscribe.getPath()).startsWith("/u/");
    SurveyTokens.Claims claims = tokens.verify(unsubscribe.getPath().substring("/u/".length()),
        SurveyTokens.Purpose.UNSUBSCRIBE);
    assertThat(claims.invitationId()).isEqualTo(7L);
    assertThat(claims.expiresAt()).isAfter(EXPIRES_AT);
  }

  private void assertSurveyToken(String token) {
    SurveyTokens.Claims claims = tokens.verify(token, SurveyTokens.Purpose.SURVEY);
    assertThat(claims.invitationId()).isEqualTo(7L);
    assertThat(claims.expiresAt()).isEqualTo(EXPIRES_AT);
  }

  @Test
  void absentContactValuesAreJsonNull() throws Exception {
    answer(200);

    channel.send(delivery(Contact.builder("1001", Instant.now()).email("ada@example.com").build()));

    JsonNode contact = JSON.readTree(bodyOf(onlyRequest())).get("contact");
    assertThat(contact.get("email").asText()).isEqualTo("ada@example.com");
    for (String field : List.of("phone", "first_name", "last_name", "locale", "time_zone")) {
      assertThat(contact.has(field)).as(field).isTrue();
      assertThat(contact.get(field).isNull()).as(field).isTrue();
    }
  }

  @Test
  void aReminderSaysSo() throws Exception {
    answer(200);

    channel.send(new Delivery(7L, "inv-7-r", Delivery.Kind.REMINDER, "hubspot", "post-purchase", "standard",
        fullContact(), EXPIRES_AT));

    LoggedRequest request = onlyRequest();
    JsonNode json = JSON.readTree(bodyOf(request));
    assertThat(json.get("type").asText()).isEqualTo("reminder");
    assertThat(json.get("id").asText()).isEqualTo("inv-7-r");
    assertThat(request.getHeader("X-NPS-Delivery")).isEqualTo("inv-7-r");
  }

  @Test
  void unusualNamesAreCarriedAsExactJson() throws Exception {
    answer(200);
    String first = "Zoë \"Zee\" \\ 😀";
    String last = "<script>alert('x')</script>\u2028&amp;";

    channel.send(delivery(Contact.builder("1001", Instant.now()).email("z@example.com")
        .firstName(first).lastName(last).build()));

    LoggedRequest request = onlyRequest();
    String body = bodyOf(request);
    JsonNode contact = JSON.readTree(body).get("contact");
    assertThat(contact.get("first_name").asText()).isEqualTo(first);
    assertThat(contact.get("last_name").asText()).isEqualTo(last);
    // the signature covers the very bytes sent, multi-byte characters included
    assertThat(request.getHeader("X-NPS-Signature"))
        .isEqualTo(expectedSignature(SECRET, request.getHeader("X-NPS-Timestamp"), body));
  }

  @Test
  void theSignatureIsTheHmacOfTimestampDotBody() throws Exception {
    answer(200);

    channel.send(delivery(fullContact()));

    LoggedRequest request = onlyRequest();
    String body = bodyOf(request);
    String timestamp = request.getHeader("X-NPS-Timestamp");
    String signature = request.getHeader("X-NPS-Signature");
    assertThat(signature).isEqualTo(expectedSignature(SECRET, timestamp, body));

    assertThat(WebhookChannel.verify(SECRET, timestamp, body, signature, clock, TOLERANCE)).isTrue();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body.replace("Ada", "Bob"), signature, clock, TOLERANCE))
        .isFalse();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body + " ", signature, clock, TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify("another-secret-of-16+", timestamp, body, signature, clock, TOLERANCE))
        .isFalse();
    assertThat(WebhookChannel.verify(SECRET, Long.toString(NOW.getEpochSecond() + 1), body, signature, clock,
        TOLERANCE)).isFalse();
  }

  @Test
  void verifyRefusesATimestampOutsideTheTolerance() throws Exception {
    String body = "{\"id\":\"inv-7\"}";
    long then = NOW.getEpochSecond();
    String timestamp = Long.toString(then);
    String signature = expectedSignature(SECRET, timestamp, body);

    assertThat(WebhookChannel.verify(SECRET, timestamp, body, signature, clockAt(then + 300), TOLERANCE)).isTrue();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, signature, clockAt(then - 300), TOLERANCE)).isTrue();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, signature, clockAt(then + 301), TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, signature, clockAt(then - 301), TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, signature, clockAt(then + 86_400), TOLERANCE))
        .isFalse();
  }

  @Test
  void verifyRefusesMalformedInput() throws Exception {
    String body = "{}";
    String timestamp = Long.toString(NOW.getEpochSecond());
    String signature = expectedSignature(SECRET, timestamp, body);
    String hex = signature.substring("v1=".length());

    assertThat(WebhookChannel.verify(SECRET, timestamp, body, signature, clock, TOLERANCE)).isTrue();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, "v0=abc, " + signature, clock, TOLERANCE)).isTrue();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, hex, clock, TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, "v2=" + hex, clock, TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, "v1=" + hex.substring(2), clock, TOLERANCE))
        .isFalse();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, "v1=zz", clock, TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify(SECRET, "yesterday", body, signature, clock, TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify(SECRET, null, body, signature, clock, TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify(SECRET, timestamp, body, null, clock, TOLERANCE)).isFalse();
    assertThat(WebhookChannel.verify("", timestamp, body, signature, clock, TOLERANCE)).isFalse();
  }

  private static Clock clockAt(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 408, 429})
  void transientAnswersAreRetriable(int status) {
    answer(status);

    DeliveryException failure = sendFailing(channel);

    assertThat(failure.retriable()).isTrue();
    assertThat(failure.getMessage()).contains(Integer.toString(status)).contains("127.0.0.1");
    assertSafe(failure);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 410, 422})
  void rejectionsArePermanent(int status) {
    answer(status);

    DeliveryException failure = sendFailing(channel);

    assertThat(failure.retriable()).isFalse();
    assertThat(failure.getMessage()).contains(Integer.toString(status)).contains("127.0.0.1");
    assertSafe(failure);
  }

  @Test
  void aSlowReceiverTimesOutRetriably() {
    receiver.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));

    WebhookChannel impatient = channelTo(receiverUrl(), SHORT_TIMEOUT);

    long start = System.nanoTime();
    DeliveryException failure = sendFailing(impatient);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(failure.retriable()).isTrue();
    assertThat(failure.getMessage()).contains("127.0.0.1").contains("timed out");
    assertThat(took).isLessThan(Duration.ofMillis(1_800));
    assertSafe(failure);
  }

  @Test
  void aRefusedConnectionIsRetriable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    WebhookChannel unreachable = channelTo(URI.create("http://127.0.0.1:" + closedPort + PATH));

    DeliveryException failure = sendFailing(unreachable);

    assertThat(failure.retriable()).isTrue();
    assertThat(failure.getMessage()).contains("127.0.0.1");
    assertSafe(failure);
  }

  @Test
  void messagesNameTheHostButNotTheRestOfTheUrl() {
    answer(500);
    WebhookChannel withQuery = channelTo(
        URI.create(receiverUrl() + "?key=url-token-9f8e7d"));

    DeliveryException failure = sendFailing(withQuery);

    assertThat(failure.getMessage()).contains("127.0.0.1").contains("500").doesNotContain("url-token-9f8e7d");
    assertSafe(failure);
  }

  /** Neither the secret nor the body (its contact data, its signed links) in the message or its causes. */
  private static void assertSafe(DeliveryException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String text = String.valueOf(cause.getMessage()) + " " + cause;
      assertThat(text).doesNotContain(SECRET).doesNotContain("ada@example.com").doesNotContain("Lovelace")
          .doesNotContain("nps.example.com").doesNotContain("\"contact\"");
    }
  }

  private static DeliveryException sendFailing(WebhookChannel target) {
    DeliveryException failure = catchThrowableOfType(DeliveryException.class,
        () -> target.send(delivery(fullContact())));
    assertThat(failure).as("a DeliveryException").isNotNull();
    return failure;
  }

  @Test
  void sendsFromSeveralThreadsAtOnce() throws Exception {
    answer(200);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<DeliveryReceipt>> sent = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String key = "inv-" + i;
        long invitationId = i;
        sent.add(pool.submit(() -> channel.send(new Delivery(invitationId, key, Delivery.Kind.INVITATION,
            "hubspot", "post-purchase", "standard", fullContact(), EXPIRES_AT))));
      }
      Set<String> receipts = new TreeSet<>();
      for (Future<DeliveryReceipt> future : sent) {
        receipts.add(future.get().messageId().orElseThrow());
      }
      assertThat(receipts).hasSize(24);
    } finally {
      pool.shutdownNow();
    }

    List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlPathEqualTo(PATH)));
    assertThat(requests).hasSize(24);
    Set<String> keys = new TreeSet<>();
    for (LoggedRequest request : requests) {
      String body = bodyOf(request);
      JsonNode json = JSON.readTree(body);
      assertThat(request.getHeader("X-NPS-Delivery")).isEqualTo(json.get("id").asText());
      assertThat(json.get("invitation_id").asText()).isEqualTo(json.get("id").asText().substring("inv-".length()));
      assertThat(WebhookChannel.verify(SECRET, request.getHeader("X-NPS-Timestamp"), body,
          request.getHeader("X-NPS-Signature"), clock, TOLERANCE)).isTrue();
      keys.add(json.get("id").asText());
    }
    assertThat(keys).hasSize(24);
  }
}
