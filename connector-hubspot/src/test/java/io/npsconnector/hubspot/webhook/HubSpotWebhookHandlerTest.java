package io.npsconnector.hubspot.webhook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.npsconnector.config.Secret;
import io.npsconnector.core.spi.InboundRequest;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.webhook.StageChange.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import static io.npsconnector.hubspot.webhook.Deliveries.SECRET;
import static io.npsconnector.hubspot.webhook.Deliveries.URI;
import static io.npsconnector.hubspot.webhook.Deliveries.associationChange;
import static io.npsconnector.hubspot.webhook.Deliveries.batch;
import static io.npsconnector.hubspot.webhook.Deliveries.creation;
import static io.npsconnector.hubspot.webhook.Deliveries.dealStageChange;
import static io.npsconnector.hubspot.webhook.Deliveries.post;
import static io.npsconnector.hubspot.webhook.Deliveries.propertyChange;
import static io.npsconnector.hubspot.webhook.Deliveries.signature;
import static io.npsconnector.hubspot.webhook.Deliveries.signed;
import static io.npsconnector.hubspot.webhook.Deliveries.ticketStageChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class HubSpotWebhookHandlerTest {
  private static final long DEAL = 18830092847L;
  private static final long TICKET = 5512340981L;

  private final TestClock clock = TestClock.at("2026-11-22T10:00:00Z");
  private final long occurred = clock.millis() - 3_000;
  private final RecordingSink sink = new RecordingSink();
  private final HubSpotWebhookHandler handler = HubSpotWebhookHandler.of("hubspot-eu", settings(SECRET), sink, clock);

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger packageLogger = (Logger) LoggerFactory.getLogger("io.npsconnector.hubspot.webhook");
  private Level previousLevel;

  @BeforeEach
  void captureLogs() {
    previousLevel = packageLogger.getLevel();
    packageLogger.setLevel(Level.DEBUG);
    logs.start();
    packageLogger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    packageLogger.detachAppender(logs);
    packageLogger.setLevel(previousLevel);
  }

  @Test
  void passesADealStageChangeFromASignedDelivery() {
    WebhookResponse response = handler.handle(signed(batch(dealStageChange(1817430398L, DEAL, "closedwon", occurred)),
        clock.millis()));

    assertThat(response)
        .isEqualTo(new WebhookResponse(200, "accepted 1 events: 1 stage changes passed on, 0 repeated"));
    assertThat(sink.calls()).containsExactly(List.of(
        new StageChange(Kind.DEAL, "18830092847", "closedwon", Instant.ofEpochMilli(occurred), 1817430398L)));
  }

  @Test
  void passesATicketPipelineStageChange() {
    handler.handle(signed(batch(ticketStageChange(77L, TICKET, "4", occurred)), clock.millis()));

    assertThat(sink.stored()).containsExactly(
        new StageChange(Kind.TICKET, "5512340981", "4", Instant.ofEpochMilli(occurred), 77L));
  }

  @Test
  void passesAllStageChangesOfABatchInOneCallInOrder() {
    handler.handle(signed(batch(
        dealStageChange(1L, DEAL, "appointmentscheduled", occurred),
        ticketStageChange(2L, TICKET, "2", occurred),
        dealStageChange(3L, DEAL + 1, "1045332", occurred)), clock.millis()));

    assertThat(sink.calls()).hasSize(1);
    assertThat(sink.calls().get(0)).extracting(StageChange::eventId).containsExactly(1L, 2L, 3L);
  }

  @Test
  void reportsNumericIdsAsText() {
    handler.handle(signed(batch(dealStageChange(9_007_199_254_740_993L, 9_007_199_254_740_991L, "1045332",
        occurred)), clock.millis()));

    StageChange change = sink.stored().get(0);
    assertThat(change.objectId()).isEqualTo("9007199254740991");
    assertThat(change.stageId()).isEqualTo("1045332");
    assertThat(change.eventId()).isEqualTo(9_007_199_254_740_993L);
  }

  @Test
  void passesCreationEventsThatCarryTheStage() {
    // the usual creation event names no property; these carry the stage property, as the brief allows
    String deal = creation("deal.creation", 5L, DEAL, occurred)
        .replace("}", ",\"propertyName\":\"dealstage\",\"propertyValue\":\"qualifiedtobuy\"}");
    String ticket = creation("ticket.creation", 6L, TICKET, occurred)
        .replace("}", ",\"propertyName\":\"hs_pipeline_stage\",\"propertyValue\":\"1\"}");

    handler.handle(signed(batch(deal, ticket), clock.millis()));

    assertThat(sink.stored()).extracting(StageChange::kind, StageChange::stageId)
        .containsExactly(tuple(Kind.DEAL, "qualifiedtobuy"),
            tuple(Kind.TICKET, "1"));
  }

  @Test
  void acknowledgesAndIgnoresEventsThatAreNotStageChanges() {
    WebhookResponse response = handler.handle(signed(batch(
        creation("deal.creation", 11L, DEAL, occurred),
        creation("ticket.creation", 12L, TICKET, occurred),
        propertyChange("deal.propertyChange", 13L, DEAL, "amount", "1200", occurred),
        propertyChange("ticket.propertyChange", 14L, TICKET, "hs_ticket_priority", "HIGH", occurred),
        propertyChange("contact.propertyChange", 15L, 301L, "dealstage", "closedwon", occurred),
        creation("contact.creation", 16L, 301L, occurred),
        associationChange(17L, DEAL, 301L, occurred)), clock.millis()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("accepted 7 events: 0 stage changes passed on, 0 repeated");
    assertThat(sink.calls()).isEmpty();
  }

  @Test
  void acknowledgesAnEmptyBatch() {
    assertThat(handler.handle(signed("[]", clock.millis())).status()).isEqualTo(200);
    assertThat(sink.calls()).isEmpty();
  }

  @Test
  void passesAnEventIdRepeatedInOneBatchOnce() {
    String change = dealStageChange(21L, DEAL, "closedwon", occurred);

    WebhookResponse response = handler.handle(signed(batch(change, change), clock.millis()));

    assertThat(response.body()).isEqualTo("accepted 2 events: 1 stage changes passed on, 1 repeated");
    assertThat(sink.stored()).extracting(StageChange::eventId).containsExactly(21L);
  }

  @Test
  void passesARetriedDeliveryOnce() {
    String first = batch(dealStageChange(31L, DEAL, "closedwon", occurred));
    String retry = batch(dealStageChange(31L, DEAL, "closedwon", occurred).replace("\"attemptNumber\":0",
        "\"attemptNumber\":1"), ticketStageChange(32L, TICKET, "3", occurred));

    handler.handle(signed(first, clock.millis()));
    clock.advance(Duration.ofHours(20));
    WebhookResponse response = handler.handle(signed(retry, clock.millis()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(sink.calls()).extracting(call -> call.stream().map(StageChange::eventId).toList())
        .containsExactly(List.of(31L), List.of(32L));
  }

  @Test
  void answers500WhenTheSinkFailsAndProcessesTheRetry() {
    sink.failNext(1);
    InboundRequest delivery = signed(batch(dealStageChange(41L, DEAL, "closedwon", occurred),
        ticketStageChange(42L, TICKET, "4", occurred)), clock.millis());

    WebhookResponse failed = handler.handle(delivery);
    clock.advance(Duration.ofMinutes(1));
    WebhookResponse retried = handler.handle(signed(new String(delivery.body(), StandardCharsets.UTF_8),
        clock.millis()));

    assertThat(failed).isEqualTo(new WebhookResponse(500, "stage changes could not be stored; retry later"));
    assertThat(retried.status()).isEqualTo(200);
    assertThat(sink.stored()).extracting(StageChange::eventId).containsExactly(41L, 42L);
    assertThat(logs.list).anySatisfy(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.ERROR);
      assertThat(event.getFormattedMessage()).contains("hubspot-eu", "2 stage changes", "500");
    });
  }

  @Test
  void forgetsOnlyTheIdsOfTheFailedCall() {
    handler.handle(signed(batch(dealStageChange(51L, DEAL, "closedwon", occurred)), clock.millis()));
    sink.failNext(1);
    handler.handle(signed(batch(dealStageChange(51L, DEAL, "closedwon", occurred),
        dealStageChange(52L, DEAL, "closedlost", occurred)), clock.millis()));

    handler.handle(signed(batch(dealStageChange(51L, DEAL, "closedwon", occurred),
        dealStageChange(52L, DEAL, "closedlost", occurred)), clock.millis()));

    assertThat(sink.stored()).extracting(StageChange::eventId).containsExactly(51L, 52L);
  }

  @Test
  void refusesAForgedSignature() {
    String body = batch(dealStageChange(61L, DEAL, "closedwon", occurred));
    String timestamp = Long.toString(clock.millis());
    InboundRequest forged = post(URI, body, Map.of(
        SignatureV3.SIGNATURE_HEADER, signature("guessed-secret", "POST", URI, body, timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp));

    WebhookResponse response = handler.handle(forged);

    assertThat(response.status()).isEqualTo(401);
    assertThat(sink.calls()).isEmpty();
  }

  @Test
  void refusesAnAlteredBody() {
    InboundRequest valid = signed(batch(dealStageChange(62L, DEAL, "closedlost", occurred)), clock.millis());
    byte[] altered = new String(valid.body(), StandardCharsets.UTF_8).replace("closedlost", "closedwon")
        .getBytes(StandardCharsets.UTF_8);

    WebhookResponse response = handler.handle(new InboundRequest("POST", URI, valid.headers(), altered));

    assertThat(response.status()).isEqualTo(401);
    assertThat(sink.calls()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://hooks.example.com/webhooks/hubspot?connection=hubspot-us",
      "https://hooks.example.com/webhooks/other?connection=hubspot-eu"})
  void refusesAnAlteredUriOrQuery(String uri) {
    InboundRequest valid = signed(batch(dealStageChange(63L, DEAL, "closedwon", occurred)), clock.millis());

    WebhookResponse response = handler.handle(new InboundRequest("POST", uri, valid.headers(), valid.body()));

    assertThat(response.status()).isEqualTo(401);
    assertThat(sink.calls()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {-6, 6})
  void refusesATimestampSixMinutesAway(long minutes) {
    WebhookResponse response = handler.handle(signed(batch(dealStageChange(64L, DEAL, "closedwon", occurred)),
        clock.millis() + Duration.ofMinutes(minutes).toMillis()));

    assertThat(response)
        .isEqualTo(new WebhookResponse(401, "header X-HubSpot-Request-Timestamp is more than 5 minutes away from now"));
    assertThat(sink.calls()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {SignatureV3.SIGNATURE_HEADER, SignatureV3.TIMESTAMP_HEADER})
  void refusesADeliveryMissingASignatureHeader(String missing) {
    InboundRequest valid = signed(batch(dealStageChange(65L, DEAL, "closedwon", occurred)), clock.millis());
    Map<String, String> headers = new HashMap<>(valid.headers());
    headers.remove(missing);

    WebhookResponse response = handler.handle(new InboundRequest("POST", URI, headers, valid.body()));

    assertThat(response).isEqualTo(new WebhookResponse(401, "header " + missing + " is missing or blank"));
    assertThat(sink.calls()).isEmpty();
  }

  @Test
  void remembersNothingFromARefusedDelivery() {
    String body = batch(dealStageChange(66L, DEAL, "closedwon", occurred));
    String timestamp = Long.toString(clock.millis());
    handler.handle(post(URI, body, Map.of(
        SignatureV3.SIGNATURE_HEADER, signature("guessed-secret", "POST", URI, body, timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp)));

    handler.handle(signed(body, clock.millis()));

    assertThat(sink.stored()).extracting(StageChange::eventId).containsExactly(66L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{not json", "{\"eventId\":1}", "[\"deal.propertyChange\"]",
      "[{\"eventId\":\"abc\",\"subscriptionType\":\"deal.propertyChange\"}]"})
  void answers400ForAMalformedBody(String body) {
    WebhookResponse response = handler.handle(signed(body, clock.millis()));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).startsWith("malformed webhook body: ");
    assertThat(sink.calls()).isEmpty();
  }

  @Test
  void answers400ForAStageChangeWithoutItsRecordOrStage() {
    String noObject = dealStageChange(71L, DEAL, "closedwon", occurred).replace("\"objectId\":" + DEAL + ",", "");
    String noValue = ticketStageChange(72L, TICKET, "", occurred);

    assertThat(handler.handle(signed(batch(noObject), clock.millis())).body()).isEqualTo(
        "malformed webhook body: event 0 (deal.propertyChange of dealstage): objectId is missing");
    assertThat(handler.handle(signed(batch(noValue), clock.millis())).body()).isEqualTo(
        "malformed webhook body: event 0 (ticket.propertyChange of hs_pipeline_stage): "
            + "propertyValue is missing or blank");
    assertThat(sink.calls()).isEmpty();
  }

  @Test
  void remembersNothingFromAMalformedBatch() {
    String good = dealStageChange(81L, DEAL, "closedwon", occurred);
    String bad = "{\"eventId\":82,\"subscriptionType\":\"deal.propertyChange\",\"objectId\":\"x\"}";

    assertThat(handler.handle(signed(batch(good, bad), clock.millis())).status()).isEqualTo(400);
    assertThat(handler.handle(signed(batch(good), clock.millis())).status()).isEqualTo(200);

    assertThat(sink.stored()).extracting(StageChange::eventId).containsExactly(81L);
  }

  @Test
  void refusesEverythingWithoutAWebhookSecret() {
    HubSpotWebhookHandler unconfigured = HubSpotWebhookHandler.of("hubspot-eu",
        Optional.empty(), sink, clock);

    WebhookResponse response = unconfigured.handle(signed(batch(dealStageChange(91L, DEAL, "closedwon", occurred)),
        clock.millis()));

    assertThat(response).isEqualTo(new WebhookResponse(401, "webhook secret not configured"));
    assertThat(sink.calls()).isEmpty();
    // warned once when the handler is made; each refusal only at debug level (anyone can send them, and
    // the HTTP server counts them)
    assertThat(logs.list).filteredOn(event -> event.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("HubSpot connection 'hubspot-eu': webhooks will be refused with 401: "
            + HubSpotWebhookHandler.NO_SECRET);
    assertThat(logs.list).filteredOn(event -> event.getLevel() == Level.DEBUG)
        .extracting(ILoggingEvent::getFormattedMessage)
        .contains("HubSpot connection 'hubspot-eu': webhook refused (401): " + HubSpotWebhookHandler.NO_SECRET);
  }

  @Test
  void treatsABlankSecretAsNone() {
    HubSpotWebhookHandler blank = HubSpotWebhookHandler.of("hubspot-eu", settings("  "), sink, clock);

    assertThat(blank.handle(signed("[]", clock.millis())).status()).isEqualTo(401);
  }

  @Test
  void namesTheConnectionAndReasonWhenRefusing() {
    handler.handle(signed("[]", clock.millis() - Duration.ofMinutes(6).toMillis()));

    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "HubSpot connection 'hubspot-eu': webhook refused (401): "
            + "header X-HubSpot-Request-Timestamp is more than 5 minutes away from now");
  }

  @Test
  void neverLogsOrAnswersTheSecret() {
    List<WebhookResponse> responses = new ArrayList<>();
    String change = dealStageChange(101L, DEAL, "closedwon", occurred);
    responses.add(handler.handle(signed(batch(change), clock.millis())));
    responses.add(handler.handle(signed(batch(change), clock.millis())));
    responses.add(handler.handle(signed("{broken", clock.millis())));
    responses.add(handler.handle(signed("[]", clock.millis() - Duration.ofHours(1).toMillis())));
    String timestamp = Long.toString(clock.millis());
    responses.add(handler.handle(post(URI, "[]", Map.of(
        SignatureV3.SIGNATURE_HEADER, signature(SECRET + "x", "POST", URI, "[]", timestamp),
        SignatureV3.TIMESTAMP_HEADER, timestamp))));
    sink.failNext(1);
    responses.add(handler.handle(signed(batch(dealStageChange(102L, DEAL, "closedwon", occurred)),
        clock.millis())));
    responses.add(HubSpotWebhookHandler.of("hubspot-eu", Optional.empty(),
        sink, clock).handle(signed("[]", clock.millis())));

    assertThat(logs.list).hasSizeGreaterThanOrEqualTo(6);
    assertThat(logs.list).allSatisfy(event -> {
      assertThat(event.getFormattedMessage()).doesNotContain(SECRET);
      assertThat(throwableText(event.getThrowableProxy())).doesNotContain(SECRET);
    });
    assertThat(responses).extracting(WebhookResponse::body).allSatisfy(body -> assertThat(body).doesNotContain(SECRET));
  }

  private static Optional<Secret> settings(String secret) {
    return Optional.of(new Secret("${HUBSPOT_WEBHOOK_SECRET}", secret));
  }

  private static String throwableText(IThrowableProxy proxy) {
    StringBuilder text = new StringBuilder();
    for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
      text.append(p.getClassName()).append(": ").append(p.getMessage()).append('\n');
    }
    return text.toString();
  }
}
