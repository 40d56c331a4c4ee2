package io.npsconnector.hubspot.write;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.npsconnector.hubspot.write.WriteFixtures.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.HubSpotWriter;
import io.npsconnector.hubspot.client.HubSpotClient;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HubSpotWriterTest {
  private static final String CONTACTS = "/crm/v3/objects/contacts/batch/update";
  private static final String COMPANIES = "/crm/v3/objects/companies/batch/update";
  private static final String TASKS = "/crm/v3/objects/tasks/batch/create";
  private static final String NOTES = "/crm/v3/objects/notes/batch/create";
  private static final String TASK_UPDATES = "/crm/v3/objects/tasks/batch/update";
  private static final String NOTE_UPDATES = "/crm/v3/objects/notes/batch/update";
  private static final String TASK_SEARCH = "/crm/v3/objects/tasks/search";
  private static final String NOTE_SEARCH = "/crm/v3/objects/notes/search";
  private static final String UNSUBSCRIBE_ALL =
      "/communication-preferences/v4/statuses/batch/unsubscribe-all?channel=EMAIL";
  private static final Instant ANSWERED = Instant.parse("2024-03-02T10:15:00Z");

  @RegisterExtension
  static WireMockExtension wireMock = WriteFixtures.wireMock();

  private final TestClock clock = TestClock.at("2024-03-02T10:15:00Z");
  private final HubSpotClient client = WriteFixtures.client(wireMock, clock);
  private final HubSpotWriter writer =
      new HubSpotWriter(client, WriteFixtures.privateApp(ZoneId.of("UTC")), WriteFixtures.writeback());

  // ---- contact properties ----

  @Test
  void writesThousandContactUpdatesInTenCalls() {
    echoContactUpdates();
    List<RecordResult> results = new ArrayList<>();

    for (int batch = 0; batch < 10; batch++) {
      int from = batch * 100;
      results.addAll(writer.write(IntStream.range(from, from + 100)
          .mapToObj(i -> (WriteRequest) contact(i, i % 11, ANSWERED, "comment " + i))
          .toList()));
    }

    assertThat(results).hasSize(1000).allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
    assertThat(results.get(999).crmRecordId()).contains(contactId(999));
    // the lower bound: 1,000 records at HubSpot's 100 per batch
    assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(CONTACTS)))).hasSize(10);
    assertThat(writer.apiCalls()).isEqualTo(10);
  }

  @Test
  void sendsTheUtcDateOfTheAnswerAndClearsAnEmptyComment() {
    echoContactUpdates();
    HubSpotWriter farEast =
        new HubSpotWriter(client, WriteFixtures.privateApp(ZoneId.of("Pacific/Auckland")), WriteFixtures.writeback());

    List<RecordResult> results = farEast.write(List.of(
        contact(1, 10, Instant.parse("2024-03-01T23:30:00Z"), "Setup took ten minutes"),
        contact(2, 7, Instant.parse("2024-03-02T00:00:00Z"), null),
        contact(3, 3, Instant.parse("2024-03-02T23:59:59.999Z"), "   ")));

    assertThat(results).allSatisfy(result -> assertThat(result.success()).isTrue());
    wireMock.verify(1, postRequestedFor(urlEqualTo(CONTACTS)).withRequestBody(equalToJson("""
        {"inputs": [
          {"id": "51001", "objectWriteTraceId": "contact:51001", "properties": {"nps_score": "10",
            "nps_category": "promoter", "nps_last_response_date": "2024-03-01",
            "nps_last_comment": "Setup took ten minutes"}},
          {"id": "51002", "objectWriteTraceId": "contact:51002", "properties": {"nps_score": "7",
            "nps_category": "passive", "nps_last_response_date": "2024-03-02", "nps_last_comment": ""}},
          {"id": "51003", "objectWriteTraceId": "contact:51003", "properties": {"nps_score": "3",
            "nps_category": "detractor", "nps_last_response_date": "2024-03-02", "nps_last_comment": ""}}
        ]}""")));
  }

  @Test
  void writesToThePropertiesTheConfigurationNames() {
    echoContactUpdates();
    HubSpotWriter renamed = new HubSpotWriter(client, WriteFixtures.privateApp(ZoneId.of("UTC")),
        WriteFixtures.writeback(WriteFixtures.ordered("score", "survey_score", "category", "survey_segment",
            "responded-at", "survey_answered_on", "comment", "survey_remark")));

    renamed.write(List.of(contact(1, 9, ANSWERED, "fast")));

    wireMock.verify(postRequestedFor(urlEqualTo(CONTACTS)).withRequestBody(equalToJson("""
        {"inputs": [{"id": "51001", "objectWriteTraceId": "contact:51001", "properties": {"survey_score": "9",
          "survey_segment": "promoter", "survey_answered_on": "2024-03-02", "survey_remark": "fast"}}]}""")));
  }

  @Test
  void turnsAMultiStatusAnswerIntoOneResultPerContact() {
    wireMock.stubFor(post(urlEqualTo(CONTACTS)).willReturn(answer(207, "contacts-batch-update-207-one-not-found.json")));

    List<RecordResult> results = writer.write(List.of(
        contact(1, 10, ANSWERED, "Setup took ten minutes"), contact(2, 8, ANSWERED, "ok"), contact(3, 3, ANSWERED, "")));

    assertThat(results).extracting(RecordResult::key).containsExactly("contact:51001", "contact:51002", "contact:51003");
    assertThat(results).extracting(RecordResult::success).containsExactly(true, false, true);
    assertThat(results.get(0).crmRecordId()).contains("51001");
    assertThat(results.get(1).errorCode()).contains("OBJECT_NOT_FOUND");
    assertThat(results.get(1).message()).hasValueSatisfying(message -> assertThat(message).contains("CONTACT"));
    assertThat(results.get(1).retriable()).isFalse();
  }

  @Test
  void bisectsARefusedBatchSoThatOnlyTheBadRecordFails() {
    // the portal's category property lost its "passive" option: HubSpot refuses every batch holding one
    wireMock.stubFor(post(urlEqualTo(CONTACTS)).atPriority(1)
        .withRequestBody(matchingJsonPath("$.inputs[?(@.properties.nps_category == 'passive')]"))
        .willReturn(answer(400, "contacts-batch-update-400-option-not-allowed.json")));
    echoContactUpdates();
    List<WriteRequest> requests = IntStream.range(0, 100)
        .mapToObj(i -> (WriteRequest) contact(i, i == 42 ? 8 : (i % 2 == 0 ? 10 : 4), ANSWERED, "c" + i))
        .toList();

    List<RecordResult> results = writer.write(requests);

    assertThat(results).extracting(RecordResult::key)
        .containsExactlyElementsOf(requests.stream().map(WriteRequest::key).toList());
    for (int i = 0; i < 100; i++) {
      assertThat(results.get(i).success()).as("result %d: %s", i, results.get(i)).isEqualTo(i != 42);
    }
    RecordResult refused = results.get(42);
    assertThat(refused.errorCode()).contains("VALIDATION_ERROR");
    assertThat(refused.message()).hasValueSatisfying(message -> assertThat(message)
        .contains("INVALID_OPTION", "nps_category", "passive was not one of the allowed options"));
    assertThat(refused.retriable()).isFalse();
    // halving 100 down to the bad record: 100, 50, 25, 13, 6, 3, 2, 1 refused (8 calls), and the other
    // half of each of the 7 splits written (7 calls)
    List<LoggedRequest> calls = wireMock.findAll(postRequestedFor(urlEqualTo(CONTACTS)));
    assertThat(calls).hasSize(15);
    assertThat(writer.apiCalls()).isEqualTo(15);
    List<String> written = new ArrayList<>();
    for (LoggedRequest call : calls) {
      JsonNode inputs = json(call.getBodyAsString()).path("inputs");
      List<String> ids = new ArrayList<>();
      inputs.forEach(input -> ids.add(input.path("id").asText()));
      if (!ids.contains(contactId(42))) {
        written.addAll(ids);
      }
    }
    assertThat(written).as("each good record written exactly once").hasSize(99).doesNotHaveDuplicates()
        .doesNotContain(contactId(42));
  }

  @Test
  void refusesAnEnumerationValueWithSpacesBeforeSending() {
    echoContactUpdates();

    List<RecordResult> results = writer.write(List.of(
        contact(1, 10, ANSWERED, "a"),
        new WriteRequest.ContactNps("contact:51002", "51002", 9, " promoter", ANSWERED, Optional.empty()),
        new WriteRequest.ContactNps("contact:51003", "51003", 9, "Promoter", ANSWERED, Optional.empty()),
        contact(4, 0, ANSWERED, "b")));

    assertThat(results).extracting(RecordResult::success).containsExactly(true, false, false, true);
    assertThat(results.get(1).errorCode()).contains(HubSpotWriter.INVALID_VALUE);
    assertThat(results.get(1).message()).hasValueSatisfying(message -> assertThat(message)
        .contains("nps_category", "' promoter'"));
    assertThat(results.get(1).retriable()).isFalse();
    wireMock.verify(1, postRequestedFor(urlEqualTo(CONTACTS)).withRequestBody(equalToJson("""
        {"inputs": [
          {"id": "51001", "objectWriteTraceId": "contact:51001", "properties": {"nps_score": "10",
            "nps_category": "promoter", "nps_last_response_date": "2024-03-02", "nps_last_comment": "a"}},
          {"id": "51004", "objectWriteTraceId": "contact:51004", "properties": {"nps_score": "0",
            "nps_category": "detractor", "nps_last_response_date": "2024-03-02", "nps_last_comment": "b"}}
        ]}""")));
  }

  @Test
  void sendsNothingWhenEveryValueIsRefused() {
    List<RecordResult> results = writer.write(List.of(
        new WriteRequest.ContactNps("contact:51002", "51002", 9, "promoter ", ANSWERED, Optional.empty())));

    assertThat(results).singleElement().satisfies(result -> {
      assertThat(result.success()).isFalse();
      assertThat(result.errorCode()).contains(HubSpotWriter.INVALID_VALUE);
    });
    assertThat(wireMock.getAllServeEvents()).isEmpty();
    assertThat(writer.apiCalls()).isZero();
  }

  @Test
  void writesTwoUpdatesOfOneContactInTwoCallsInTheirOrder() {
    echoContactUpdates();

    List<RecordResult> results = writer.write(List.of(
        new WriteRequest.ContactNps("first", "51001", 3, "detractor", ANSWERED, Optional.of("slow")),
        contact(2, 9, ANSWERED, "x"),
        new WriteRequest.ContactNps("second", "51001", 9, "promoter", ANSWERED.plusSeconds(60), Optional.of("fixed"))));

    assertThat(results).allSatisfy(result -> assertThat(result.success()).isTrue());
    List<LoggedRequest> calls = wireMock.findAll(postRequestedFor(urlEqualTo(CONTACTS)));
    assertThat(calls).hasSize(2);
    assertThat(json(calls.get(0).getBodyAsString()).path("inputs")).hasSize(2);
    assertThat(json(calls.get(1).getBodyAsString()).at("/inputs/0/objectWriteTraceId").asText()).isEqualTo("second");
  }

  @Test
  void anErrorAboutThePropertyItselfFailsTheBatchWithoutBisecting() {
    wireMock.stubFor(post(urlEqualTo(CONTACTS))
        .willReturn(answer(400, "contacts-batch-update-400-property-doesnt-exist.json")));
    List<WriteRequest> requests =
        IntStream.range(0, 100).mapToObj(i -> (WriteRequest) contact(i, 9, ANSWERED, "c")).toList();

    assertThatThrownBy(() -> writer.write(requests))
        .isInstanceOfSatisfying(CrmException.Data.class, e -> {
          assertThat(e.vendorCode()).isEqualTo("PROPERTY_DOESNT_EXIST");
          assertThat(e.getMessage()).contains("hubspot-test", "nps_last_comment");
        });
    assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(CONTACTS)))).hasSize(1);
  }

  @Test
  void aRetriableFailureBeforeAnythingIsWrittenPropagatesAsRetriable() {
    wireMock.stubFor(post(urlEqualTo(CONTACTS)).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "text/html").withBody("<html><body>Service Unavailable</body></html>")));

    assertThatThrownBy(() -> writer.write(List.of(contact(1, 9, ANSWERED, "x"))))
        .isInstanceOf(CrmException.Retriable.class)
        .hasMessageContaining("HTTP 503");
    // the client's own retries: three attempts in all
    assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(CONTACTS)))).hasSize(3);
  }

  @Test
  void onceAPartIsWrittenALaterRetriableFailureComesBackAsRetriableResults() {
    wireMock.stubFor(post(urlEqualTo(CONTACTS)).atPriority(1)
        .withRequestBody(matchingJsonPath("$.inputs[?(@.properties.nps_category == 'passive')]"))
        .willReturn(answer(400, "contacts-batch-update-400-option-not-allowed.json")));
    wireMock.stubFor(post(urlEqualTo(CONTACTS)).atPriority(2)
        .withRequestBody(matchingJsonPath("$.inputs[?(@.id == '" + contactId(90) + "')]"))
        .willReturn(aResponse().withStatus(503)));
    echoContactUpdates();
    List<WriteRequest> requests = IntStream.range(0, 100)
        .mapToObj(i -> (WriteRequest) contact(i, i == 42 ? 8 : 10, ANSWERED, "c" + i))
        .toList();

    List<RecordResult> results = writer.write(requests);

    for (int i = 0; i < 50; i++) {
      assertThat(results.get(i).success()).as("result %d", i).isEqualTo(i != 42);
    }
    assertThat(results.subList(50, 100)).allSatisfy(result -> {
      assertThat(result.success()).isFalse();
      assertThat(result.errorCode()).contains("HTTP_503");
      assertThat(result.retriable()).isTrue();
    });
    assertThat(results.get(42).retriable()).isFalse();
  }

  @Test
  void aRefusedTokenIsAnAuthenticationFailure() {
    wireMock.stubFor(post(urlEqualTo(CONTACTS)).willReturn(answer(401, "unauthorized-401.json")));

    assertThatThrownBy(() -> writer.write(List.of(contact(1, 9, ANSWERED, "x"))))
        .isInstanceOf(CrmException.Authentication.class)
        .hasMessageNotContaining(WriteFixtures.TOKEN);
  }

  @Test
  void refusesMoreThanOneHundredRequestsBeforeAnyCall() {
    List<WriteRequest> requests =
        IntStream.range(0, 101).mapToObj(i -> (WriteRequest) contact(i, 9, ANSWERED, "c")).toList();

    assertThatThrownBy(() -> writer.write(requests)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("101");
    assertThat(wireMock.getAllServeEvents()).isEmpty();
  }

  // ---- company roll-up ----

  @Test
  void writesTheCompanyNpsRoundedAndClearsItWithoutAnswers() {
    wireMock.stubFor(post(urlEqualTo(COMPANIES)).willReturn(answer(200, "companies-batch-update-200.json")));

    List<RecordResult> results = writer.write(List.of(
        new WriteRequest.AccountNps("account:7001", "7001", OptionalDouble.of(100.0 / 3), 3,
            OptionalDouble.of(-100.0 / 7), OptionalDouble.of(76.04)),
        new WriteRequest.AccountNps("account:7003", "7003", OptionalDouble.of(150), 2),
        new WriteRequest.AccountNps("account:7002", "7002", OptionalDouble.empty(), 0)));

    assertThat(results).extracting(RecordResult::success).containsExactly(true, false, true);
    assertThat(results.get(0).crmRecordId()).contains("7001");
    assertThat(results.get(1).errorCode()).contains(HubSpotWriter.INVALID_VALUE);
    wireMock.verify(1, postRequestedFor(urlEqualTo(COMPANIES)).withRequestBody(equalToJson("""
        {"inputs": [
          {"id": "7001", "objectWriteTraceId": "account:7001",
            "properties": {"nps_account_score": "33.3", "nps_response_count": "3", "nps_account_ci_low": "-14.3",
              "nps_account_ci_high": "76"}},
          {"id": "7002", "objectWriteTraceId": "account:7002",
            "properties": {"nps_account_score": "", "nps_response_count": "0", "nps_account_ci_low": "",
              "nps_account_ci_high": ""}}
        ]}""")));
  }

  // ---- tasks and notes ----

  @Test
  void createsFollowUpTasksForTheOwnerDueInTheMorningAndLinkedToTheContact() {
    wireMock.stubFor(post(urlEqualTo(TASKS)).willReturn(answer(201, "tasks-batch-create-201.json")));
    HubSpotWriter berlin =
        new HubSpotWriter(client, WriteFixtures.privateApp(ZoneId.of("Europe/Berlin")), WriteFixtures.writeback());

    List<RecordResult> results = berlin.write(List.of(
        new WriteRequest.FollowUpTask("task:901", "51001", Optional.of("61200457"), "NPS detractor: Ada Berg scored 2",
            "NPS 2 (detractor): Support never called back", LocalDate.of(2024, 3, 4), "high"),
        new WriteRequest.FollowUpTask("task:902", "51002", Optional.empty(), "NPS detractor: Bo Lind scored 5",
            "NPS 5 (detractor)", LocalDate.of(2024, 3, 6), "normal")));

    assertThat(results).extracting(RecordResult::key).containsExactly("task:901", "task:902");
    assertThat(results).allSatisfy(result -> assertThat(result.success()).isTrue());
    // HubSpot answered in another order: the trace ids tell which task is which
    assertThat(results.get(0).crmRecordId()).contains("88000000001");
    assertThat(results.get(1).crmRecordId()).contains("88000000002");
    wireMock.verify(1, postRequestedFor(urlEqualTo(TASKS)).withRequestBody(equalToJson("""
        {"inputs": [
          {"objectWriteTraceId": "task:901",
            "properties": {"hs_timestamp": "2024-03-04T08:00:00.000Z",
              "hs_task_subject": "NPS detractor: Ada Berg scored 2",
              "hs_task_body": "NPS 2 (detractor): Support never called back",
              "hs_task_status": "NOT_STARTED", "hs_task_priority": "HIGH", "hs_task_type": "TODO",
              "hubspot_owner_id": "61200457", "nps_key": "task:901"},
            "associations": [{"to": {"id": "51001"},
              "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]}]},
          {"objectWriteTraceId": "task:902",
            "properties": {"hs_timestamp": "2024-03-06T08:00:00.000Z",
              "hs_task_subject": "NPS detractor: Bo Lind scored 5", "hs_task_body": "NPS 5 (detractor)",
              "hs_task_status": "NOT_STARTED", "hs_task_priority": "MEDIUM", "hs_task_type": "TODO",
              "nps_key": "task:902"},
            "associations": [{"to": {"id": "51002"},
              "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]}]}
        ]}""")));
  }

  @Test
  void refusesATaskWithAnUnknownPriorityBeforeSending() {
    List<RecordResult> results = writer.write(List.of(new WriteRequest.FollowUpTask("task:903", "51001",
        Optional.empty(), "Call", "NPS 1", LocalDate.of(2024, 3, 4), "urgent")));

    assertThat(results.get(0).errorCode()).contains(HubSpotWriter.INVALID_VALUE);
    assertThat(results.get(0).message()).hasValueSatisfying(message -> assertThat(message).contains("urgent"));
    assertThat(wireMock.getAllServeEvents()).isEmpty();
  }

  @Test
  void createsTimelineNotesAndReportsTheOneHubSpotRefused() {
    wireMock.stubFor(post(urlEqualTo(NOTES)).willReturn(answer(207, "notes-batch-create-207-one-refused.json")));

    List<RecordResult> results = writer.write(List.of(
        new WriteRequest.TimelineActivity("activity:501", "51001", "NPS answer: 9 (promoter)",
            "Trigger post-purchase", Instant.parse("2024-03-01T16:45:10.250Z")),
        new WriteRequest.TimelineActivity("activity:502", "51999", "NPS answer: 2 (detractor)",
            "Trigger support\nComment: <slow> & \"late\"", Instant.parse("2024-03-01T17:00:00Z"))));

    assertThat(results).extracting(RecordResult::success).containsExactly(true, false);
    assertThat(results.get(0).crmRecordId()).contains("91000000011");
    assertThat(results.get(1).errorCode()).contains("VALIDATION_ERROR");
    assertThat(results.get(1).message()).hasValueSatisfying(message -> assertThat(message).contains("51999"));
    wireMock.verify(1, postRequestedFor(urlEqualTo(NOTES)).withRequestBody(equalToJson("""
        {"inputs": [
          {"objectWriteTraceId": "activity:501",
            "properties": {"hs_timestamp": "2024-03-01T16:45:10.250Z",
              "hs_note_body": "<p><strong>NPS answer: 9 (promoter)</strong></p><p>Trigger post-purchase</p>",
              "nps_key": "activity:501"},
            "associations": [{"to": {"id": "51001"},
              "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}]},
          {"objectWriteTraceId": "activity:502",
            "properties": {"hs_timestamp": "2024-03-01T17:00:00.000Z",
              "hs_note_body": "<p><strong>NPS answer: 2 (detractor)</strong></p><p>Trigger support<br>Comment: &lt;slow&gt; &amp; &quot;late&quot;</p>",
              "nps_key": "activity:502"},
            "associations": [{"to": {"id": "51999"},
              "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}]}
        ]}""")));
  }

  @Test
  void rewritesATaskWhoseRecordIsKnownByUpdatingItAndClosesItWhenNoLongerNeeded() {
    wireMock.stubFor(post(urlEqualTo(TASK_UPDATES)).willReturn(answer(200, "tasks-batch-update-200.json")));

    List<RecordResult> results = writer.write(List.of(new WriteRequest.FollowUpTask("task:901", "51001",
        Optional.of("61200457"), "NPS detractor: Ada Berg scored 2", "NPS 9 (promoter)\nClosed", LocalDate.of(2024, 3, 4),
        "high", true, PriorWrite.written("88000000001"))));

    assertThat(results).singleElement().satisfies(result -> {
      assertThat(result.success()).isTrue();
      assertThat(result.crmRecordId()).contains("88000000001");
    });
    wireMock.verify(0, postRequestedFor(urlEqualTo(TASKS)));
    wireMock.verify(0, postRequestedFor(urlEqualTo(TASK_SEARCH)));
    wireMock.verify(1, postRequestedFor(urlEqualTo(TASK_UPDATES)).withRequestBody(equalToJson("""
        {"inputs": [
          {"id": "88000000001", "objectWriteTraceId": "task:901",
            "properties": {"hs_timestamp": "2024-03-04T09:00:00.000Z",
              "hs_task_subject": "NPS detractor: Ada Berg scored 2", "hs_task_body": "NPS 9 (promoter)<br>Closed",
              "hs_task_status": "COMPLETED", "hs_task_priority": "HIGH", "hs_task_type": "TODO",
              "hubspot_owner_id": "61200457", "nps_key": "task:901"}}
        ]}""")));
  }

  @Test
  void afterAnUnknownOutcomeLooksNotesUpByTheirKeyAndCreatesOnlyTheOnesNotFound() {
    wireMock.stubFor(post(urlEqualTo(NOTE_SEARCH)).willReturn(answer(200, "notes-search-by-key-200.json")));
    wireMock.stubFor(post(urlEqualTo(NOTE_UPDATES)).willReturn(answer(200, "notes-batch-update-200.json")));
    wireMock.stubFor(post(urlEqualTo(NOTES)).willReturn(answer(201, "notes-batch-create-201.json")));

    List<RecordResult> results = writer.write(List.of(
        new WriteRequest.TimelineActivity("activity:501", "51001", "NPS answer: 9 (promoter)", "Trigger post-purchase",
            Instant.parse("2024-03-01T16:45:10.250Z"), PriorWrite.UNKNOWN),
        new WriteRequest.TimelineActivity("activity:502", "51002", "NPS answer: 3 (detractor)", "Trigger support",
            Instant.parse("2024-03-01T17:00:00Z"), PriorWrite.UNKNOWN)));

    assertThat(results).extracting(RecordResult::success).containsExactly(true, true);
    assertThat(results.get(0).crmRecordId()).as("found by its key: updated").contains("91000000011");
    assertThat(results.get(1).crmRecordId()).as("not found: created").contains("91000000012");
    wireMock.verify(1, postRequestedFor(urlEqualTo(NOTE_SEARCH)).withRequestBody(equalToJson("""
        {"filterGroups": [{"filters": [{"propertyName": "nps_key", "operator": "IN",
            "values": ["activity:501", "activity:502"]}]}],
         "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
         "properties": ["nps_key"], "limit": 100}""")));
    wireMock.verify(1, postRequestedFor(urlEqualTo(NOTE_UPDATES)).withRequestBody(equalToJson("""
        {"inputs": [{"id": "91000000011", "objectWriteTraceId": "activity:501",
          "properties": {"hs_timestamp": "2024-03-01T16:45:10.250Z",
            "hs_note_body": "<p><strong>NPS answer: 9 (promoter)</strong></p><p>Trigger post-purchase</p>",
            "nps_key": "activity:501"}}]}""")));
    wireMock.verify(1, postRequestedFor(urlEqualTo(NOTES)).withRequestBody(equalToJson("""
        {"inputs": [{"objectWriteTraceId": "activity:502",
          "properties": {"hs_timestamp": "2024-03-01T17:00:00.000Z",
            "hs_note_body": "<p><strong>NPS answer: 3 (detractor)</strong></p><p>Trigger support</p>",
            "nps_key": "activity:502"},
          "associations": [{"to": {"id": "51002"},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}]}]}""")));
  }

  // ---- e-mail opt-outs ----

  @Test
  void optsAddressesOutOfAllEmailInOneCallSendingEachAddressOnce() {
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL))
        .willReturn(answer(200, "communication-preferences-unsubscribe-all-200.json")));

    List<RecordResult> results = writer.write(List.of(
        optOut("optout:1", "51001", "ada@example.com"),
        optOut("optout:2", "51002", " grace@example.com "),
        optOut("optout:3", "51003", "ADA@Example.COM")));

    assertThat(results).extracting(RecordResult::key).containsExactly("optout:1", "optout:2", "optout:3");
    assertThat(results).allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
    assertThat(results).extracting(result -> result.crmRecordId().orElseThrow())
        .containsExactly("51001", "51002", "51003");
    // the channel in the query, each address once (the first spelling), in the order given
    wireMock.verify(1, postRequestedFor(urlEqualTo(UNSUBSCRIBE_ALL)).withRequestBody(equalToJson("""
        {"inputs": ["ada@example.com", "grace@example.com"]}""")));
    assertThat(wireMock.getAllServeEvents()).singleElement().satisfies(event -> {
      assertThat(event.getRequest().getUrl()).isEqualTo(UNSUBSCRIBE_ALL);
      assertThat(event.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + WriteFixtures.TOKEN);
    });
    assertThat(writer.apiCalls()).isEqualTo(1);
  }

  @Test
  void turnsAMultiStatusOptOutAnswerIntoOneResultPerRequest() {
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL))
        .willReturn(answer(207, "communication-preferences-unsubscribe-all-207.json")));

    List<RecordResult> results = writer.write(List.of(
        optOut("optout:1", "51001", "ada@example.com"),
        optOut("optout:2", "51002", "grace@example"),
        optOut("optout:3", "51003", "linus@example.com"),
        optOut("optout:4", "51004", "nils@example.com"),
        optOut("optout:5", "51005", "Grace@Example")));

    assertThat(results).extracting(RecordResult::key)
        .containsExactly("optout:1", "optout:2", "optout:3", "optout:4", "optout:5");
    assertThat(results).extracting(RecordResult::success).containsExactly(true, false, false, false, false);
    assertThat(results.get(0).crmRecordId()).contains("51001");
    // named in the error's context: HubSpot's category, not worth retrying
    assertThat(results.get(1).errorCode()).contains("VALIDATION_ERROR");
    assertThat(results.get(1).message()).contains("Invalid email address");
    assertThat(results.get(1).retriable()).isFalse();
    assertThat(results.get(4)).isEqualTo(RecordResult.failed("optout:5", "VALIDATION_ERROR", "Invalid email address",
        false));
    // named in the error's message only; a rate limit is worth retrying
    assertThat(results.get(2).errorCode()).contains("RATE_LIMITS");
    assertThat(results.get(2).retriable()).isTrue();
    // named nowhere: the error naming no address is not taken for it
    assertThat(results.get(3).errorCode()).contains(HubSpotWriter.NO_RESULT);
    assertThat(results.get(3).retriable()).isTrue();
    wireMock.verify(1, postRequestedFor(urlEqualTo(UNSUBSCRIBE_ALL)).withRequestBody(equalToJson("""
        {"inputs": ["ada@example.com", "grace@example", "linus@example.com", "nils@example.com"]}""")));
  }

  @Test
  void anAddressInsideALongerOneInAnErrorMessageIsNotNamed() {
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL)).willReturn(aResponse().withStatus(207)
        .withHeader("Content-Type", "application/json").withBody("""
            {"status": "COMPLETE",
             "results": [{"subscriberIdString": "bo@example.com", "status": "UNSUBSCRIBED", "channel": "EMAIL"}],
             "errors": [{"status": "error", "category": "VALIDATION_ERROR",
               "message": "Invalid email address: jbo@example.com.au"}]}""")));

    List<RecordResult> results = writer.write(List.of(optOut("optout:1", "51001", "bo@example.com")));

    assertThat(results).singleElement().satisfies(result -> assertThat(result.success()).isTrue());
  }

  @Test
  void anOptOutWithoutAnAddressFailsWithoutAnyCall() {
    List<RecordResult> results = writer.write(List.of(
        new WriteRequest.EmailOptOut("optout:1", "51001", Optional.empty()),
        optOut("optout:2", "51002", "   ")));

    assertThat(results).extracting(RecordResult::key).containsExactly("optout:1", "optout:2");
    assertThat(results).allSatisfy(result -> {
      assertThat(result.success()).isFalse();
      assertThat(result.errorCode()).contains(HubSpotWriter.NO_EMAIL);
      assertThat(result.retriable()).isFalse();
    });
    assertThat(wireMock.getAllServeEvents()).isEmpty();
    assertThat(writer.apiCalls()).isZero();
  }

  @Test
  void writesOptOutsAndContactUpdatesEachInTheirOwnCallWithResultsInRequestOrder() {
    echoContactUpdates();
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL))
        .willReturn(answer(200, "communication-preferences-unsubscribe-all-200.json")));

    List<RecordResult> results = writer.write(List.of(
        optOut("optout:1", "51001", "ada@example.com"),
        contact(1, 10, ANSWERED, "fast"),
        new WriteRequest.EmailOptOut("optout:3", "51003", Optional.empty()),
        contact(2, 3, ANSWERED, "slow"),
        optOut("optout:2", "51002", "grace@example.com")));

    assertThat(results).extracting(RecordResult::key)
        .containsExactly("optout:1", "contact:51001", "optout:3", "contact:51002", "optout:2");
    assertThat(results).extracting(RecordResult::success).containsExactly(true, true, false, true, true);
    assertThat(results).extracting(result -> result.crmRecordId().orElse(null))
        .containsExactly("51001", "51001", null, "51002", "51002");
    assertThat(results.get(2).errorCode()).contains(HubSpotWriter.NO_EMAIL);
    List<LoggedRequest> contactCalls = wireMock.findAll(postRequestedFor(urlEqualTo(CONTACTS)));
    assertThat(contactCalls).singleElement().satisfies(call ->
        assertThat(json(call.getBodyAsString()).path("inputs")).hasSize(2));
    wireMock.verify(1, postRequestedFor(urlEqualTo(UNSUBSCRIBE_ALL)).withRequestBody(equalToJson("""
        {"inputs": ["ada@example.com", "grace@example.com"]}""")));
    assertThat(wireMock.getAllServeEvents()).hasSize(2);
    assertThat(writer.apiCalls()).isEqualTo(2);
  }

  @Test
  void aFailedOptOutCallBeforeAnythingIsWrittenPropagatesLikeOtherCalls() {
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL)).willReturn(aResponse().withStatus(503)));

    assertThatThrownBy(() -> writer.write(List.of(optOut("optout:1", "51001", "ada@example.com"))))
        .isInstanceOf(CrmException.Retriable.class)
        .hasMessageContaining("HTTP 503");
    // the client's own retries: three attempts in all
    assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(UNSUBSCRIBE_ALL)))).hasSize(3);
  }

  @Test
  void aTokenWithoutTheCommunicationPreferencesScopeIsAnAuthenticationFailure() {
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL)).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json").withBody("""
            {"status": "error", "category": "MISSING_SCOPES",
             "message": "This app hasn't been granted all required scopes to make this call."}""")));

    assertThatThrownBy(() -> writer.write(List.of(optOut("optout:1", "51001", "ada@example.com"))))
        .isInstanceOf(CrmException.Authentication.class)
        .hasMessageContaining("MISSING_SCOPES")
        .hasMessageNotContaining(WriteFixtures.TOKEN);
  }

  @Test
  void onceContactsAreWrittenAFailedOptOutCallComesBackAsRetriableResults() {
    echoContactUpdates();
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL)).willReturn(aResponse().withStatus(503)));

    List<RecordResult> results = writer.write(List.of(
        contact(1, 10, ANSWERED, "fast"),
        optOut("optout:1", "51001", "ada@example.com"),
        optOut("optout:2", "51002", "ADA@example.com")));

    assertThat(results).extracting(RecordResult::success).containsExactly(true, false, false);
    assertThat(results.subList(1, 3)).allSatisfy(result -> {
      assertThat(result.errorCode()).contains("HTTP_503");
      assertThat(result.retriable()).isTrue();
    });
  }

  @Test
  void aRefusedAddressIsSplitOffSoThatTheOthersAreOptedOut() {
    // HubSpot refuses the whole call for one address it will not take
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL)).atPriority(1)
        .withRequestBody(matchingJsonPath("$.inputs[?(@ == 'not-an-address')]"))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
            {"status": "error", "category": "VALIDATION_ERROR", "message": "Invalid input: not-an-address"}""")));
    wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_ALL)).atPriority(5)
        .willReturn(answer(200, "communication-preferences-unsubscribe-all-200.json")));

    List<RecordResult> results = writer.write(List.of(
        optOut("optout:1", "51001", "ada@example.com"),
        optOut("optout:2", "51002", "not-an-address"),
        optOut("optout:3", "51003", "grace@example.com")));

    assertThat(results).extracting(RecordResult::success).containsExactly(true, false, true);
    assertThat(results.get(1).errorCode()).contains("VALIDATION_ERROR");
    assertThat(results.get(1).retriable()).isFalse();
    // 3 refused, 1 written, 2 refused, 1 refused (alone), 1 written
    assertThat(writer.apiCalls()).isEqualTo(5);
  }

  // ---- helpers ----

  private static void echoContactUpdates() {
    wireMock.stubFor(post(urlEqualTo(CONTACTS)).atPriority(5).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json;charset=utf-8")
        .withTransformers(BatchUpdateEcho.NAME)));
  }

  private static String contactId(int index) {
    return Integer.toString(51000 + index);
  }

  private static WriteRequest.ContactNps contact(int index, int score, Instant at, String comment) {
    String category = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
    return new WriteRequest.ContactNps("contact:" + contactId(index), contactId(index), score, category, at,
        Optional.ofNullable(comment));
  }

  private static WriteRequest.EmailOptOut optOut(String key, String contactId, String email) {
    return new WriteRequest.EmailOptOut(key, contactId, Optional.of(email));
  }

  private static JsonNode json(String text) {
    try {
      return HubSpotClient.objectMapper().readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
