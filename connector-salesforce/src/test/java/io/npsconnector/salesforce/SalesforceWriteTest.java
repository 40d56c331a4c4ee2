package io.npsconnector.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.salesforce.testing.SoapOrg;
import io.npsconnector.salesforce.write.SalesforceWriter;

/** Writes against the org stand-in: the records sent, field by field, and the results. */
class SalesforceWriteTest {
  private static final Instant ANSWERED = Instant.parse("2025-01-16T22:30:00Z");
  private final OrgFixture fixture = new OrgFixture();
  private final SoapOrg org = fixture.org;

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void contactNpsGoesOutAsAnUpdateWithADateOnlyDateAndTheCategoryLabel() {
    contacts(1);

    List<RecordResult> results = fixture.adapter().write(List.of(nps("a", 1, 9, Optional.of("Great support"))));

    assertThat(results).singleElement().satisfies(result -> {
      assertThat(result.success()).isTrue();
      assertThat(result.crmRecordId()).contains(contactId(1));
    });
    assertThat(org.written()).singleElement().satisfies(record -> assertThat(record)
        .containsEntry("operation", "update").containsEntry("type", "Contact").containsEntry("Id", contactId(1))
        .containsEntry("NPS_Score__c", "9").containsEntry("NPS_Category__c", "Promoter")
        .containsEntry("NPS_Last_Response_Date__c", "2025-01-16")
        .containsEntry("NPS_Last_Comment__c", "Great support")
        .containsEntry("fieldsToNull", List.of()));
    assertThat(org.calls("update")).isEqualTo(1);
  }

  @Test
  void anAnswerWithoutACommentClearsTheCommentThroughFieldsToNull() {
    contacts(1);

    fixture.adapter().write(List.of(nps("a", 1, 3, Optional.of("   "))));

    assertThat(org.written().get(0)).containsEntry("fieldsToNull", List.of("NPS_Last_Comment__c"))
        .containsEntry("NPS_Category__c", "Detractor").doesNotContainKey("NPS_Last_Comment__c");
  }

  @Test
  void commentsWithQuotesBackslashesAndMarkupAreSentAsWritten() {
    contacts(1);
    String comment = "It's \"fine\" \\ <b>bold</b> & 'quoted' — naïve ✓\nsecond line";

    fixture.adapter().write(List.of(nps("a", 1, 7, Optional.of(comment))));

    assertThat(org.written().get(0)).containsEntry("NPS_Last_Comment__c", comment);
    assertThat(SoapOrg.field(org.get("Contact", contactId(1)).orElseThrow(), "NPS_Last_Comment__c")).isEqualTo(comment);
  }

  @Test
  void theResponseDateIsTheDayInTheConnectionsTimeZone() {
    contacts(1);
    var connection = fixture.connection();
    var berlin = new io.npsconnector.config.ConnectionConfig(connection.name(), connection.type(), true,
        connection.syncInterval(), connection.fieldMapping(), connection.segments(),
        java.time.ZoneId.of("Europe/Berlin"), connection.locale(), connection.settings());

    Instant lateEvening = Instant.parse("2025-01-16T23:30:00Z"); // already the 17th in Berlin

    fixture.adapter(berlin).write(List.of(new WriteRequest.ContactNps("a", contactId(1), 10, "promoter", lateEvening,
        Optional.empty())));

    assertThat(org.written().get(0)).containsEntry("NPS_Last_Response_Date__c", "2025-01-17");
  }

  @Test
  void accountRollUpsGoOutWithOneDecimalAndAnEmptyScoreIsCleared() {
    org.put("Account", SoapOrg.id("001", 1), Instant.EPOCH, Map.of("Name", "A"));
    org.put("Account", SoapOrg.id("001", 2), Instant.EPOCH, Map.of("Name", "B"));

    List<RecordResult> results = fixture.adapter().write(List.of(
        new WriteRequest.AccountNps("r1", SoapOrg.id("001", 1), OptionalDouble.of(-100.0 / 3), 3,
            OptionalDouble.of(-84.04), OptionalDouble.of(100.0 / 7)),
        new WriteRequest.AccountNps("r2", SoapOrg.id("001", 2), OptionalDouble.empty(), 0)));

    assertThat(results).allSatisfy(result -> assertThat(result.success()).isTrue());
    assertThat(org.written().get(0)).containsEntry("type", "Account").containsEntry("NPS_Account_Score__c", "-33.3")
        .containsEntry("NPS_Response_Count__c", "3").containsEntry("NPS_Account_CI_Low__c", "-84.0")
        .containsEntry("NPS_Account_CI_High__c", "14.3").containsEntry("fieldsToNull", List.of());
    assertThat(org.written().get(1)).containsEntry("NPS_Response_Count__c", "0")
        .containsEntry("fieldsToNull", List.of("NPS_Account_Score__c", "NPS_Account_CI_Low__c", "NPS_Account_CI_High__c"))
        .doesNotContainKey("NPS_Account_Score__c").doesNotContainKey("NPS_Account_CI_Low__c");
  }

  @Test
  void aDetractorTaskGoesToTheContactsOwnerWithItsDueDateAndPriority() {
    contacts(2);

    List<RecordResult> results = fixture.adapter().write(List.of(
        new WriteRequest.FollowUpTask("t1", contactId(1), Optional.of(SoapOrg.id("005", 9)),
            "NPS detractor: Ada scored 2", "Score 2: \"too slow\"", LocalDate.of(2025, 1, 18), "high"),
        new WriteRequest.FollowUpTask("t2", contactId(2), Optional.empty(), "NPS detractor: Bo scored 5", "",
            LocalDate.of(2025, 1, 19), "normal")));

    assertThat(results).allSatisfy(result -> {
      assertThat(result.success()).isTrue();
      assertThat(result.crmRecordId()).hasValueSatisfying(id -> assertThat(id).startsWith("00T"));
    });
    assertThat(org.written().get(0)).containsEntry("operation", "upsert").containsEntry("type", "Task")
        .containsEntry("NPS_Key__c", "t1")
        .containsEntry("WhoId", contactId(1)).containsEntry("OwnerId", SoapOrg.id("005", 9))
        .containsEntry("Subject", "NPS detractor: Ada scored 2").containsEntry("Description", "Score 2: \"too slow\"")
        .containsEntry("ActivityDate", "2025-01-18").containsEntry("Priority", "High")
        .containsEntry("Status", "Not Started");
    assertThat(org.written().get(1)).doesNotContainKey("OwnerId").containsEntry("Priority", "Normal")
        .containsEntry("NPS_Key__c", "t2");
    assertThat(org.calls("upsert")).isEqualTo(1);
    assertThat(org.calls("create")).isZero();
  }

  @Test
  void anAnswerIsOneNpsResponseUpsertedOnTheInvitationsKeySoAResubmissionUpdatesIt() {
    contacts(1);
    Instant at = Instant.parse("2025-01-16T09:30:00Z");
    WriteRequest.Response first = new WriteRequest.Response("nps-invitation-41", contactId(1),
        Optional.of(SoapOrg.id("001", 3)), 4, "detractor", Optional.of("Too slow"), "post-purchase", "email", at);
    WriteRequest.Response resubmitted = new WriteRequest.Response("nps-invitation-41", contactId(1),
        Optional.of(SoapOrg.id("001", 3)), 9, "promoter", Optional.empty(), "post-purchase", "email",
        at.plusSeconds(600));

    assertThat(fixture.adapter().keepsResponses()).isTrue();
    RecordResult created = fixture.adapter().write(List.of(first)).get(0);
    RecordResult updated = fixture.adapter().write(List.of(resubmitted)).get(0);

    assertThat(List.of(created, updated)).allSatisfy(result -> assertThat(result.success()).isTrue());
    assertThat(updated.crmRecordId()).isEqualTo(created.crmRecordId());
    assertThat(org.written().get(0)).containsEntry("operation", "upsert").containsEntry("type", "NPS_Response__c")
        .containsEntry("Invitation_Key__c", "nps-invitation-41").containsEntry("Score__c", "4")
        .containsEntry("Category__c", "Detractor").containsEntry("Comment__c", "Too slow")
        .containsEntry("Trigger__c", "post-purchase").containsEntry("Channel__c", "email")
        .containsEntry("Answered_At__c", "2025-01-16T09:30:00Z").containsEntry("Contact__c", contactId(1))
        .containsEntry("Account__c", SoapOrg.id("001", 3)).containsEntry("Follow_Up_Status__c", "Open");
    assertThat(org.liveRecords("NPS_Response__c")).singleElement().satisfies(response -> assertThat(response)
        .containsEntry("Score__c", "9").containsEntry("Category__c", "Promoter")
        .containsEntry("Follow_Up_Status__c", "Closed").doesNotContainKey("Comment__c"));
    assertThat(org.calls("upsert")).isEqualTo(2);
  }

  @Test
  void aRewrittenTaskUpdatesTheOneItsKeyMadeAndAClosedOneIsCompleted() {
    contacts(1);
    WriteRequest.FollowUpTask open = new WriteRequest.FollowUpTask("task:7", contactId(1), Optional.empty(),
        "NPS detractor: Ada scored 2", "NPS 2 (detractor)", LocalDate.of(2025, 1, 18), "high");

    RecordResult first = fixture.adapter().write(List.of(open)).get(0);
    RecordResult again = fixture.adapter().write(List.of(open.withPrior(PriorWrite.UNKNOWN))).get(0);
    RecordResult closed = fixture.adapter().write(List.of(new WriteRequest.FollowUpTask("task:7", contactId(1),
        Optional.empty(), "NPS detractor: Ada scored 2", "NPS 9 (promoter)", LocalDate.of(2025, 1, 18), "high", true,
        PriorWrite.written(first.crmRecordId().orElseThrow())))).get(0);

    assertThat(List.of(first, again, closed)).allSatisfy(result -> assertThat(result.success()).isTrue());
    assertThat(again.crmRecordId()).isEqualTo(first.crmRecordId());
    assertThat(closed.crmRecordId()).isEqualTo(first.crmRecordId());
    assertThat(org.liveRecords("Task")).singleElement().satisfies(task -> assertThat(task)
        .containsEntry("NPS_Key__c", "task:7").containsEntry("Status", "Completed")
        .containsEntry("Description", "NPS 9 (promoter)"));
    assertThat(org.calls("upsert")).isEqualTo(3);
  }

  @Test
  void aKeyHeldByTwoTasksFailsWithSalesforcesCodeAndCreatesNothing() {
    contacts(1);
    org.put("Task", "00T000000000000901", Instant.EPOCH, Map.of("NPS_Key__c", "task:8"));
    org.put("Task", "00T000000000000902", Instant.EPOCH, Map.of("NPS_Key__c", "task:8"));

    RecordResult result = fixture.adapter().write(List.of(new WriteRequest.FollowUpTask("task:8", contactId(1),
        Optional.empty(), "Call", "NPS 1", LocalDate.of(2025, 1, 18), "low"))).get(0);

    assertThat(result.success()).isFalse();
    assertThat(result.errorCode()).contains("DUPLICATE_EXTERNAL_ID");
    assertThat(result.retriable()).isFalse();
    assertThat(org.liveRecords("Task")).hasSize(2);
  }

  @Test
  void eachAnswerLeavesACompletedTaskInTheActivityHistory() {
    contacts(1);

    fixture.adapter().write(List.of(new WriteRequest.TimelineActivity("h1", contactId(1), "NPS answer: 9",
        "Score 9 (promoter): Great", ANSWERED)));

    assertThat(org.written().get(0)).containsEntry("type", "Task").containsEntry("Status", "Completed")
        .containsEntry("operation", "upsert").containsEntry("NPS_Key__c", "h1")
        .containsEntry("ActivityDate", "2025-01-16").containsEntry("WhoId", contactId(1))
        .containsEntry("Description", "Score 9 (promoter): Great");
  }

  @Test
  void anUnsubscribeOptsTheContactOutOfEmail() {
    contacts(1);

    List<RecordResult> results = fixture.adapter().write(List.of(new WriteRequest.EmailOptOut("o1", contactId(1),
        Optional.of("c1@example.com"))));

    assertThat(results).singleElement().satisfies(result -> assertThat(result.success()).isTrue());
    assertThat(org.written().get(0)).containsEntry("type", "Contact").containsEntry("Id", contactId(1))
        .containsEntry("HasOptedOutOfEmail", "true");
  }

  @Test
  void mixedSaveResultsBecomeOneResultPerRequestInOrder() {
    contacts(4);
    org.delete("Contact", contactId(2), Instant.EPOCH);
    org.failRecord(contactId(3), "FIELD_CUSTOM_VALIDATION_EXCEPTION", -1);

    List<RecordResult> results = fixture.adapter().write(List.of(nps("k1", 1, 9, Optional.empty()),
        nps("k2", 2, 9, Optional.empty()), nps("k3", 3, 9, Optional.empty()), nps("k4", 4, 9, Optional.empty())));

    assertThat(results).extracting(RecordResult::key).containsExactly("k1", "k2", "k3", "k4");
    assertThat(results).extracting(RecordResult::success).containsExactly(true, false, false, true);
    assertThat(results.get(1).errorCode()).contains("ENTITY_IS_DELETED");
    assertThat(results.get(1).message()).hasValueSatisfying(message -> assertThat(message).contains("entity is deleted"));
    assertThat(results.get(2).errorCode()).contains("FIELD_CUSTOM_VALIDATION_EXCEPTION");
    assertThat(results).extracting(RecordResult::retriable).containsOnly(false);
  }

  @Test
  void aLockedRowIsSentAgainAloneAndSucceeds() {
    contacts(3);
    org.failRecord(contactId(2), "UNABLE_TO_LOCK_ROW", 1);

    List<RecordResult> results = fixture.adapter().write(List.of(nps("k1", 1, 9, Optional.empty()),
        nps("k2", 2, 9, Optional.empty()), nps("k3", 3, 9, Optional.empty())));

    assertThat(results).allSatisfy(result -> assertThat(result.success()).isTrue());
    assertThat(org.calls("update")).isEqualTo(2);
    assertThat(org.written()).extracting(record -> record.get("Id"))
        .containsExactly(contactId(1), contactId(2), contactId(3), contactId(2));
  }

  @Test
  void aRowThatStaysLockedIsReportedRetriableAfterTwoMoreTries() {
    contacts(2);
    org.failRecord(contactId(1), "UNABLE_TO_LOCK_ROW", -1);

    List<RecordResult> results = fixture.adapter().write(List.of(nps("k1", 1, 9, Optional.empty()),
        nps("k2", 2, 9, Optional.empty())));

    assertThat(results.get(0).success()).isFalse();
    assertThat(results.get(0).retriable()).isTrue();
    assertThat(results.get(0).errorCode()).contains("UNABLE_TO_LOCK_ROW");
    assertThat(results.get(1).success()).isTrue();
    assertThat(org.calls("update")).isEqualTo(3);
  }

  @Test
  void twoHundredAndOneUpdatesAreTwoCalls() {
    contacts(201);

    List<RecordResult> results = writer().write(IntStream.rangeClosed(1, 201)
        .mapToObj(i -> (WriteRequest) nps("k" + i, i, i % 11, Optional.empty())).toList());

    assertThat(results).hasSize(201).allSatisfy(result -> assertThat(result.success()).isTrue());
    assertThat(org.calls("update")).isEqualTo(2);
    assertThat(org.totalCalls()).isEqualTo(2);
  }

  @Test
  void aThousandContactUpdatesAreFiveCalls() {
    contacts(1000);
    var adapter = fixture.adapter();
    List<WriteRequest> requests = IntStream.rangeClosed(1, 1000)
        .mapToObj(i -> (WriteRequest) nps("k" + i, i, i % 11, Optional.empty())).toList();

    List<RecordResult> results = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += adapter.maxWriteBatch()) {
      results.addAll(adapter.write(requests.subList(from, Math.min(requests.size(), from + adapter.maxWriteBatch()))));
    }

    assertThat(results).hasSize(1000).allSatisfy(result -> assertThat(result.success()).isTrue());
    assertThat(org.totalCalls()).isEqualTo(5);
    assertThat(writerCalls(1000)).isEqualTo(5);
  }

  @Test
  void whenALaterCallFailsAsAWholeTheRecordsAlreadyWrittenAreNotSentAgain() {
    contacts(201);
    org.apiUsage(99_999 - 1, 99_999); // the second call goes over the daily limit

    List<RecordResult> results = writer().write(IntStream.rangeClosed(1, 201)
        .mapToObj(i -> (WriteRequest) nps("k" + i, i, 8, Optional.empty())).toList());

    assertThat(results.subList(0, 200)).allSatisfy(result -> assertThat(result.success()).isTrue());
    assertThat(results.get(200).success()).isFalse();
    assertThat(results.get(200).retriable()).isTrue();
    assertThat(results.get(200).errorCode()).contains("NOT_SENT");
  }

  @Test
  void aWholeCallFailureBeforeAnythingWasWrittenIsThrownForTheEngineToRetry() {
    contacts(1);
    org.failNext("update", "UNABLE_TO_LOCK_ROW");

    assertThatThrownBy(() -> fixture.adapter().write(List.of(nps("a", 1, 9, Optional.empty()))))
        .isInstanceOf(CrmException.Retriable.class).hasMessageContaining("UNABLE_TO_LOCK_ROW");
  }

  @Test
  void aMissingNpsFieldNamesItsConfigurationKey() {
    contacts(1);
    org.failNext("update", "INVALID_FIELD", "No such column 'NPS_Score__c' on sobject of type Contact");

    assertThatThrownBy(() -> fixture.adapter().write(List.of(nps("a", 1, 9, Optional.empty()))))
        .isInstanceOf(CrmException.Data.class)
        .hasMessageContaining("writeback.contact-fields.salesforce.score names Contact.NPS_Score__c")
        .hasMessageContaining("install-fields");
  }

  // ---- helpers ----

  private int writerCalls(int count) {
    int before = org.totalCalls();
    writer().write(IntStream.rangeClosed(1, count)
        .mapToObj(i -> (WriteRequest) nps("w" + i, i, 5, Optional.empty())).toList());
    return org.totalCalls() - before;
  }

  private SalesforceWriter writer() {
    return new SalesforceWriter(fixture.session(), fixture.config().writeback(), ZoneOffset.UTC, duration -> { });
  }

  private void contacts(int count) {
    for (int i = 1; i <= count; i++) {
      org.put("Contact", contactId(i), Instant.EPOCH, Map.of("LastName", "Person " + i));
    }
  }

  private static WriteRequest.ContactNps nps(String key, int contact, int score, Optional<String> comment) {
    String category = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
    return new WriteRequest.ContactNps(key, contactId(contact), score, category, ANSWERED, comment);
  }

  private static String contactId(int number) {
    return SoapOrg.id("003", number);
  }
}
