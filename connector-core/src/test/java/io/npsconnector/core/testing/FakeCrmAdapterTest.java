package io.npsconnector.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the fake does beyond the shared contract: its test controls and its in-memory view. */
class FakeCrmAdapterTest {
  private static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");

  private final FakeCrmAdapter crm = FakeCrmAdapter.builder().connection("acme").pageSize(2).maxWriteBatch(5).build();

  @Test
  void pagesContactsAndEventsInTimeThenIdOrderAtTwoCallsAPage() {
    crm.putContact(contact("b", T0));
    crm.putContact(contact("a", T0));
    crm.putContact(contact("c", T0.minusSeconds(1)));
    crm.addEvent(event("e1", T0));

    ChangePage first = crm.readChanges(SyncCursor.START);
    ChangePage second = crm.readChanges(first.next());

    assertThat(first.contacts()).extracting(Contact::crmId).containsExactly("c", "a");
    assertThat(first.events()).extracting(InteractionEvent::crmId).containsExactly("e1");
    assertThat(first.hasMore()).isTrue();
    assertThat(first.apiCalls()).isEqualTo(2);
    assertThat(second.contacts()).extracting(Contact::crmId).containsExactly("b");
    assertThat(second.events()).isEmpty();
    assertThat(second.hasMore()).isFalse();
    assertThat(crm.calls("readChanges")).isEqualTo(2);
  }

  @Test
  void aNewFakeWithTheSameDataResumesFromAStoredCursor() {
    List<Contact> contacts = IntStream.range(0, 5).mapToObj(i -> contact("c" + i, T0)).toList();
    crm.putContacts(contacts);
    String stored = crm.readChanges(SyncCursor.START).next().value();
    FakeCrmAdapter restarted = FakeCrmAdapter.builder().pageSize(2).build();
    restarted.putContacts(contacts);

    assertThat(restarted.readChanges(new SyncCursor(stored)).contacts()).extracting(Contact::crmId)
        .containsExactly("c2", "c3");
  }

  @Test
  void returnsAChangedContactAgainAndADeletedOneAsDeleted() {
    crm.putContact(contact("a", T0));
    crm.putContact(contact("b", T0));
    SyncCursor synced = crm.readChanges(SyncCursor.START).next();

    crm.updateContact("a", T0.plusSeconds(60), contact -> Contact.builder("a", contact.modifiedAt())
        .email("new@example.com").build());
    crm.deleteContact("b", T0.plusSeconds(120));
    ChangePage page = crm.readChanges(synced);

    assertThat(page.contacts()).extracting(Contact::crmId, Contact::deleted, Contact::modifiedAt).containsExactly(
        org.assertj.core.groups.Tuple.tuple("a", false, T0.plusSeconds(60)),
        org.assertj.core.groups.Tuple.tuple("b", true, T0.plusSeconds(120)));
    assertThat(page.contacts().get(0).email()).contains("new@example.com");
  }

  @Test
  void refusesACursorItDidNotMake() {
    assertThatThrownBy(() -> crm.readChanges(new SyncCursor("hubspot:123")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hubspot:123");
  }

  @Test
  void appliesWritesToItsView() {
    crm.putContact(Contact.builder("a", T0).account("acc", "Acme").build());
    WriteRequest.ContactNps nps = new WriteRequest.ContactNps("k1", "a", 3, "detractor", T0, Optional.of("slow"));
    WriteRequest.AccountNps account = new WriteRequest.AccountNps("k2", "acc", OptionalDouble.of(-100), 1);
    WriteRequest.FollowUpTask task = new WriteRequest.FollowUpTask("k3", "a", Optional.empty(), "Call", "Score 3",
        LocalDate.of(2024, 3, 4), "High");
    WriteRequest.TimelineActivity activity = new WriteRequest.TimelineActivity("k4", "a", "NPS 3", "slow", T0);

    List<RecordResult> results = crm.write(List.of(nps, account, task, activity));

    assertThat(results).allMatch(RecordResult::success);
    assertThat(crm.contactNps("a")).contains(nps);
    assertThat(crm.accountNps("acc")).contains(account);
    assertThat(crm.tasks()).containsExactly(task);
    assertThat(crm.activities()).containsExactly(activity);
    assertThat(crm.calls("write")).isEqualTo(1);
  }

  @Test
  void createsATaskForEachWriteOfARepeatedKeyAsARealCrmDoes() {
    crm.putContact(contact("a", T0));
    WriteRequest.FollowUpTask task = new WriteRequest.FollowUpTask("k1", "a", Optional.of("owner"), "Call", "Score 2",
        LocalDate.of(2024, 3, 4), "High");

    RecordResult first = crm.write(List.of(task)).get(0);
    RecordResult again = crm.write(List.of(task)).get(0);

    assertThat(first.crmRecordId()).isPresent();
    assertThat(again.crmRecordId()).isPresent().isNotEqualTo(first.crmRecordId());
    assertThat(crm.tasks()).containsExactly(task, task);
    assertThat(crm.appliedWrites()).containsExactly(task, task);
  }

  @Test
  void failsWritesToUnknownOrDeletedContactsPermanently() {
    crm.putContact(contact("gone", T0));
    crm.deleteContact("gone", T0.plusSeconds(1));

    List<RecordResult> results = crm.write(List.of(nps("k1", "gone"), nps("k2", "never")));

    assertThat(results).allSatisfy(result -> {
      assertThat(result.success()).isFalse();
      assertThat(result.errorCode()).contains(FakeCrmAdapter.ENTITY_IS_DELETED);
      assertThat(result.retriable()).isFalse();
    });
  }

  @Test
  void refusesACategoryOutsideThePicklist() {
    crm.putContact(contact("a", T0));

    RecordResult result = crm.write(List.of(
        new WriteRequest.ContactNps("k1", "a", 9, "fan", T0, Optional.empty()))).get(0);

    assertThat(result.errorCode()).contains(FakeCrmAdapter.INVALID_PICKLIST_VALUE);
    assertThat(crm.contactNps("a")).isEmpty();
  }

  @Test
  void refusesAnOversizedBatchWithoutCountingACall() {
    List<WriteRequest> six = IntStream.range(0, 6).mapToObj(i -> (WriteRequest) nps("k" + i, "a")).toList();

    assertThatThrownBy(() -> crm.write(six)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6");
    assertThat(crm.calls("write")).isZero();
  }

  @Test
  void failsTheNextWritesRetriablyThenSucceeds() {
    crm.putContact(contact("a", T0));
    crm.failNextWrites(2);

    assertThatThrownBy(() -> crm.write(List.of(nps("k1", "a")))).isInstanceOf(CrmException.Retriable.class)
        .hasMessageContaining("acme");
    assertThatThrownBy(() -> crm.write(List.of(nps("k1", "a")))).isInstanceOf(CrmException.Retriable.class);
    assertThat(crm.write(List.of(nps("k1", "a")))).allMatch(RecordResult::success);
    assertThat(crm.calls("write")).isEqualTo(3);
    assertThat(crm.appliedWrites()).hasSize(1);
  }

  @Test
  void throwsTheFailureItIsGivenOnReads() {
    CrmException.Retriable limited = new CrmException.Retriable("acme", "readChanges", "HTTP 429",
        Optional.of(Duration.ofSeconds(10)), null);
    crm.failNextReads(1, limited);

    assertThatThrownBy(() -> crm.readChanges(SyncCursor.START)).isSameAs(limited);
    assertThat(crm.readChanges(SyncCursor.START).hasMore()).isFalse();
  }

  @Test
  void failsARecordTheGivenNumberOfTimes() {
    crm.putContact(contact("a", T0));
    crm.failRecord("k1", "UNABLE_TO_LOCK_ROW", true, 1);

    RecordResult failed = crm.write(List.of(nps("k1", "a"))).get(0);
    RecordResult retried = crm.write(List.of(nps("k1", "a"))).get(0);

    assertThat(failed.errorCode()).contains("UNABLE_TO_LOCK_ROW");
    assertThat(failed.retriable()).isTrue();
    assertThat(retried.success()).isTrue();
  }

  @Test
  void refusesEverythingOnceCredentialsAreRevoked() {
    crm.putContact(contact("a", T0));
    crm.revokeCredentials();

    assertThat(crm.check().authenticated()).isFalse();
    assertThatThrownBy(() -> crm.readChanges(SyncCursor.START)).isInstanceOf(CrmException.Authentication.class);
    assertThatThrownBy(() -> crm.write(List.of(nps("k1", "a")))).isInstanceOf(CrmException.Authentication.class);
    assertThatThrownBy(crm::describeFields).isInstanceOf(CrmException.Authentication.class);

    crm.restoreCredentials();
    assertThat(crm.readChanges(SyncCursor.START).contacts()).hasSize(1);
  }

  @Test
  void installsMissingFieldsOnce() {
    assertThat(crm.check().ok()).isFalse();
    assertThat(crm.describeFields().complete()).isFalse();

    FieldReport installed = crm.installFields();
    FieldReport again = crm.installFields();

    assertThat(installed.fields()).hasSize(6).allMatch(field -> field.state() == FieldReport.State.CREATED);
    assertThat(installed.fields()).extracting(FieldReport.Field::object).contains("contact", "account");
    assertThat(again.fields()).allMatch(field -> field.state() == FieldReport.State.PRESENT);
    assertThat(crm.check().ok()).isTrue();
    assertThat(crm.calls("installFields")).isEqualTo(2);
  }

  @Test
  void reportsAFieldItCannotFix() {
    FakeCrmAdapter installed = FakeCrmAdapter.builder().fieldsInstalled(true).build();
    installed.setFieldState("contact", "nps_score", FieldReport.State.NOT_WRITABLE);

    FieldReport report = installed.installFields();

    assertThat(report.complete()).isFalse();
    assertThat(report.instructions()).singleElement().asString().contains("contact.nps_score");
    assertThat(installed.check().problems()).hasSize(1);
  }

  @Test
  void touchesAContactItWritesWhenAskedTo() {
    Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
    FakeCrmAdapter touching = FakeCrmAdapter.builder().clock(clock).touchContactsOnWrite(true).build();
    touching.putContact(contact("a", T0));
    SyncCursor synced = touching.readChanges(SyncCursor.START).next();

    touching.write(List.of(nps("k1", "a")));

    assertThat(touching.readChanges(synced).contacts()).extracting(Contact::modifiedAt)
        .containsExactly(T0.plusSeconds(3600));
  }

  @Test
  void keepsWorkingAfterClose() {
    crm.close();
    crm.close();

    assertThat(crm.isClosed()).isTrue();
    assertThat(crm.calls("close")).isEqualTo(2);
    assertThat(crm.readChanges(SyncCursor.START).contacts()).isEmpty();
  }

  @Test
  void refusesBadSettings() {
    assertThatThrownBy(() -> FakeCrmAdapter.builder().pageSize(0)).hasMessageContaining("0");
    assertThatThrownBy(() -> FakeCrmAdapter.builder().maxWriteBatch(-1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> crm.failNextWrites(-2)).hasMessageContaining("-2");
  }

  @Test
  void providerServesTypeFakeWithOneAdapterPerConnection() {
    FakeCrmProvider provider = new FakeCrmProvider(builder -> builder.pageSize(7));
    FakeCrmAdapter prepared = provider.adapter("one");
    AdapterContext context = new AdapterContext(Clock.systemUTC(),
        new WritebackConfig(Map.of(), Map.of(), Duration.ofDays(365), true, Map.of()));

    FakeCrmAdapter created = provider.create(connection("one"), context);
    FakeCrmAdapter other = provider.create(connection("two"), context);

    assertThat(provider.type()).isEqualTo("fake");
    assertThat(created).isSameAs(prepared);
    assertThat(other).isNotSameAs(created);
    assertThat(other.connection()).isEqualTo("two");
    assertThat(other.pageSize()).isEqualTo(7);
  }

  private static ConnectionConfig connection(String name) {
    return new ConnectionConfig(name, FakeCrmAdapter.TYPE, true, Duration.ofMinutes(5), Map.of(), Map.of(),
        ZoneId.of("UTC"), Locale.ENGLISH, FakeCrmProvider.SETTINGS);
  }

  private static Contact contact(String id, Instant modifiedAt) {
    return Contact.builder(id, modifiedAt).email(id + "@example.com").build();
  }

  private static InteractionEvent event(String id, Instant occurredAt) {
    return new InteractionEvent(id, EventKind.PURCHASE, occurredAt, List.of("a"), Map.of());
  }

  private static WriteRequest.ContactNps nps(String key, String contactId) {
    return new WriteRequest.ContactNps(key, contactId, 10, "promoter", T0, Optional.empty());
  }
}
