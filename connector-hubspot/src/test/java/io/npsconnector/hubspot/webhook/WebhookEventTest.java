package io.npsconnector.hubspot.webhook;

import static io.npsconnector.hubspot.webhook.Deliveries.APP;
import static io.npsconnector.hubspot.webhook.Deliveries.PORTAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookEventTest {
  private final ObjectMapper json = WebhookEvent.reader();

  @Test
  void readsEveryFieldOfAPropertyChange() {
    List<WebhookEvent> events = parse(Deliveries.batch(
        Deliveries.dealStageChange(1817430398L, 18830092847L, "closedwon", 1_795_341_598_000L)));

    assertThat(events).containsExactly(new WebhookEvent(OptionalLong.of(18830092847L), Optional.of("dealstage"),
        Optional.of("closedwon"), Optional.of(Instant.ofEpochMilli(1_795_341_598_000L)), "deal.propertyChange",
        1817430398L, OptionalLong.of(2419542L), OptionalLong.of(PORTAL), OptionalLong.of(APP), OptionalInt.of(0),
        Optional.of("CRM_UI")));
  }

  @Test
  void readsEventsWithoutObjectIdOrProperty() {
    List<WebhookEvent> events = parse(Deliveries.batch(
        Deliveries.associationChange(9L, 18830092847L, 301L, 1_795_341_598_000L),
        Deliveries.creation("ticket.creation", 10L, 5512L, 1_795_341_599_000L)));

    assertThat(events).extracting(WebhookEvent::objectId)
        .containsExactly(OptionalLong.empty(), OptionalLong.of(5512L));
    assertThat(events).extracting(WebhookEvent::propertyName).containsOnly(Optional.empty());
  }

  @Test
  void readsAnEmptyBatch() {
    assertThat(parse("[]")).isEmpty();
  }

  @Test
  void treatsJsonNullAsAbsent() {
    WebhookEvent event = parse("[{\"eventId\":1,\"subscriptionType\":\"deal.propertyChange\",\"propertyValue\":null}]")
        .get(0);

    assertThat(event.propertyValue()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                                   | body is empty; expected a JSON array of events",
      "not json                             | body is not valid JSON (line 1, column 5)",
      "[{\"eventId\":1,                     | body is not valid JSON (line 1, column 15)",
      "{\"eventId\":1}                      | body must be a JSON array of events, got a JSON object",
      "[1]                                  | event 0 must be a JSON object, got a JSON number",
      "[] []                                | body is not valid JSON (line 1, column 4)",
      "[{\"subscriptionType\":\"x\"}]       | event 0: eventId is missing",
      "[{\"eventId\":1}]                    | event 0: subscriptionType is missing",
      "[{\"eventId\":1,\"subscriptionType\":\" \"}] | event 0: subscriptionType is missing",
      "[{\"eventId\":\"1\",\"subscriptionType\":\"x\"}] | event 0: eventId must be a whole number, got a JSON string",
      "[{\"eventId\":1.5,\"subscriptionType\":\"x\"}] "
          + "| event 0: eventId must be a whole number, got a fraction or an out-of-range number",
      "[{\"eventId\":99999999999999999999,\"subscriptionType\":\"x\"}] "
          + "| event 0: eventId must be a whole number, got a fraction or an out-of-range number",
      "[{\"eventId\":1,\"subscriptionType\":\"x\",\"propertyValue\":7}] "
          + "| event 0: propertyValue must be a string, got a JSON number",
      "[{\"eventId\":1,\"subscriptionType\":\"x\",\"attemptNumber\":-1}] "
          + "| event 0: attemptNumber must be 0 or more, got -1",
      "[{\"eventId\":1,\"subscriptionType\":\"x\"},{\"eventId\":2,\"subscriptionType\":\"x\",\"objectId\":\"77\"}] "
          + "| event 1: objectId must be a whole number, got a JSON string"})
  void refusesBodiesThatAreNotHubSpotEvents(String body, String message) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessage(message);
  }

  @Test
  void refusesRepeatedKeys() {
    assertThatThrownBy(() -> parse("[{\"eventId\":1,\"eventId\":2,\"subscriptionType\":\"x\"}]"))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageStartingWith("body is not valid JSON");
  }

  @Test
  void quotesNoDataFromTheBody() {
    assertThatThrownBy(() -> parse("[{\"eventId\":\"jane.doe@example.com\",\"subscriptionType\":\"x\"}]"))
        .hasMessageNotContaining("jane.doe");
    assertThatThrownBy(() -> parse("[jane.doe@example.com]"))
        .hasMessageNotContaining("jane.doe");
  }

  private List<WebhookEvent> parse(String body) {
    return WebhookEvent.parseAll(json, body.getBytes(StandardCharsets.UTF_8));
  }
}
