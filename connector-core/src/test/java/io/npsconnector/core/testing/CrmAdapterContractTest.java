package io.npsconnector.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CrmAdapter} shares, whatever CRM it speaks to. Each adapter module extends
 * this class once and implements the hooks that put its CRM (the fake, WireMock stubs, a sandbox) into the
 * state a test describes; it inherits every test.
 *
 * <p><b>Lifecycle.</b> JUnit makes a new instance per test, so each test starts from an empty CRM. Tests
 * call the {@code given...} hooks first and {@link #adapter()} after; a test may call a {@code given...}
 * hook again after reading, to add changes. Closing the adapter and stopping servers is the subclass's
 * business ({@code @AfterEach}).
 *
 * <p><b>Data.</b> All times are whole seconds from {@link #T0} on. The first {@code pageSize() + 1}
 * contacts share one last-modified time, and so do the first {@code pageSize() + 1} events, as after a
 * bulk import, so that a page boundary falls among equal times. Ids come from {@link #contactId},
 * {@link #accountId} and {@link #eventId}; override them when the CRM's ids have a shape of their own.
 */
public abstract class CrmAdapterContractTest {
  /** The earliest time in the test data. */
  protected static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");
  private static final Instant EVENTS_FROM = T0.plus(Duration.ofHours(1));
  private static final Instant LATER = T0.plus(Duration.ofDays(2));
  private static final int MAX_PAGES = 10_000;

  /** The adapter under test, the same instance on every call within one test. */
  protected abstract CrmAdapter adapter();

  /**
   * The most records of one object type a page of {@link #adapter()} returns, as the subclass set it up
   * (an adapter setting, or the page size its stubs answer with). Tests give up to
   * {@code 2 * pageSize() + 1} records of a type, so keep it small (2 to 10).
   */
  protected abstract int pageSize();

  /**
   * The CRM now also holds these contacts, replacing any with the same id; each was last modified at its
   * {@code modifiedAt}. Called again, it adds to what earlier calls gave.
   */
  protected abstract void givenContacts(List<Contact> contacts);

  /**
   * The CRM now also holds these events (won deals, closed cases), each closed at its {@code occurredAt}
   * and linked to its {@code contactIds}, all of which were given to {@link #givenContacts} before.
   */
  protected abstract void givenEvents(List<InteractionEvent> events);

  /**
   * The CRM refuses this one request (a {@link WriteRequest.ContactNps} for a contact it holds) with an
   * error the adapter classifies as retriable, or as permanent, while other records of the same batch
   * succeed.
   *
   * @return the CRM's error code the adapter is expected to report in {@link RecordResult#errorCode()}
   */
  protected abstract String givenWriteFailure(WriteRequest request, boolean retriable);

  /** How many requests the CRM has received so far (WireMock: the requests it served). */
  protected abstract int crmRequestCount();

  // ---- what the CRM holds, read back from the CRM itself (never from the adapter's results) ----

  /** A contact's NPS fields as the CRM holds them, in neutral terms: the category in lower case. */
  public record CrmContactNps(int score, String category, LocalDate respondedOn, Optional<String> comment) {}

  /** An account's roll-up as the CRM holds it. */
  public record CrmAccountNps(OptionalDouble nps, int responses) {}

  /** A follow-up task as the CRM holds it: what a rep sees in the task list. */
  public record CrmTask(String subject, Optional<String> ownerId, LocalDate dueDate) {}

  /** The NPS fields the CRM holds on this contact, empty when none was ever written. */
  protected abstract Optional<CrmContactNps> crmContactNps(String contactId);

  /** The roll-up the CRM holds on this account, empty when none was ever written. */
  protected abstract Optional<CrmAccountNps> crmAccountNps(String accountId);

  /** The open follow-up tasks the CRM holds for this contact, in the order they were created. */
  protected abstract List<CrmTask> crmTasks(String contactId);

  /** The text of each timeline entry (activity, note) the CRM holds for this contact, oldest first. */
  protected abstract List<String> crmTimeline(String contactId);

  /** An owner (user) id the CRM accepts for a task. */
  protected String ownerId() {
    return "owner-0001";
  }

  /** The CRM id of the {@code index}th test contact. */
  protected String contactId(int index) {
    return String.format("contact-%04d", index);
  }

  /** The CRM id of the {@code index}th test account. */
  protected String accountId(int index) {
    return String.format("account-%04d", index);
  }

  /** The CRM id of the {@code index}th test event. */
  protected String eventId(int index) {
    return String.format("event-%04d", index);
  }

  // ---- reading ----

  @Test
  public void readingAnEmptyCrmFromStartReturnsAnEmptyLastPage() {
    ChangePage page = adapter().readChanges(SyncCursor.START);

    assertThat(page.contacts()).isEmpty();
    assertThat(page.events()).isEmpty();
    assertThat(page.hasMore()).isFalse();
    assertThat(page.next()).isEqualTo(SyncCursor.START);
  }

  @Test
  public void firstSyncFromStartReturnsEverythingGivenAcrossPages() {
    assertFirstSyncReturnsEverything(2 * pageSize() + 1, pageSize() + 2);
  }

  @Test
  public void firstSyncGoesOnWhileEventsRemainAfterTheLastContact() {
    assertFirstSyncReturnsEverything(2, 2 * pageSize() + 1);
  }

  private void assertFirstSyncReturnsEverything(int contactCount, int eventCount) {
    List<Contact> contacts = contacts(0, contactCount);
    List<InteractionEvent> events = events(0, eventCount, contacts);
    givenContacts(contacts);
    givenEvents(events);

    List<ChangePage> pages = readToTheEnd(SyncCursor.START);

    assertThat(pages).as("pages").hasSizeGreaterThanOrEqualTo(3);
    for (int i = 0; i < pages.size(); i++) {
      ChangePage page = pages.get(i);
      assertThat(page.hasMore()).as("hasMore of page %d of %d", i + 1, pages.size()).isEqualTo(i < pages.size() - 1);
      assertThat(page.contacts()).as("contacts of page %d", i + 1).hasSizeLessThanOrEqualTo(pageSize());
      assertThat(page.events()).as("events of page %d", i + 1).hasSizeLessThanOrEqualTo(pageSize());
    }
    assertThat(contactsOf(pages)).map(CrmAdapterContractTest::describe)
        .containsExactlyInAnyOrderElementsOf(contacts.stream().map(CrmAdapterContractTest::describe).toList());
    assertThat(eventsOf(pages)).map(CrmAdapterContractTest::describe)
        .containsExactlyInAnyOrderElementsOf(events.stream().map(CrmAdapterContractTest::describe).toList());
  }

  @Test
  public void resumingFromEachPageCursorYieldsEveryRecordExactlyOnce() {
    List<Contact> contacts = contacts(0, 2 * pageSize() + 1);
    List<InteractionEvent> events = events(0, pageSize() + 2, contacts);
    givenContacts(contacts);
    givenEvents(events);

    List<ChangePage> pages = readToTheEnd(SyncCursor.START);

    assertThat(contactIds(pages)).containsExactlyInAnyOrderElementsOf(contacts.stream().map(Contact::crmId).toList());
    assertThat(eventKeys(pages)).containsExactlyInAnyOrderElementsOf(events.stream().map(this::key).toList());
    for (int i = 0; i < pages.size(); i++) {
      // as the engine would after a restart: only the cursor's text survives
      SyncCursor stored = new SyncCursor(pages.get(i).next().value());
      List<ChangePage> rest = pages.subList(i + 1, pages.size());

      List<ChangePage> resumed = readToTheEnd(stored);

      assertThat(contactIds(resumed)).as("contacts after resuming behind page %d", i + 1)
          .containsExactlyInAnyOrderElementsOf(contactIds(rest));
      assertThat(eventKeys(resumed)).as("events after resuming behind page %d", i + 1)
          .containsExactlyInAnyOrderElementsOf(eventKeys(rest));
    }
  }

  @Test
  public void readingAgainWithTheSameCursorReturnsTheSameRecords() {
    List<Contact> contacts = contacts(0, 2 * pageSize() + 1);
    givenContacts(contacts);
    givenEvents(events(0, pageSize() + 2, contacts));
    List<SyncCursor> cursors = new ArrayList<>();
    cursors.add(SyncCursor.START);
    List<ChangePage> pages = readToTheEnd(SyncCursor.START);
    pages.subList(0, pages.size() - 1).forEach(page -> cursors.add(page.next()));

    for (SyncCursor cursor : cursors) {
      ChangePage first = adapter().readChanges(cursor);
      ChangePage again = adapter().readChanges(cursor);

      assertThat(contactIds(List.of(again))).as("contacts read again from '%s'", cursor.value())
          .containsAll(contactIds(List.of(first)));
      assertThat(eventKeys(List.of(again))).as("events read again from '%s'", cursor.value())
          .containsAll(eventKeys(List.of(first)));
    }
  }

  @Test
  public void incrementalReadWithNothingNewReturnsAnEmptyPageAndTheSameCursor() {
    List<Contact> contacts = contacts(0, pageSize() + 2);
    givenContacts(contacts);
    givenEvents(events(0, pageSize() + 2, contacts));
    SyncCursor end = last(readToTheEnd(SyncCursor.START)).next();

    ChangePage page = adapter().readChanges(end);

    assertThat(page.contacts()).isEmpty();
    assertThat(page.events()).isEmpty();
    assertThat(page.next()).isEqualTo(end);
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  public void incrementalReadReturnsOnlyWhatChangedAfterTheCursor() {
    List<Contact> contacts = contacts(0, 3);
    givenContacts(contacts);
    givenEvents(events(0, 2, contacts));
    SyncCursor end = last(readToTheEnd(SyncCursor.START)).next();
    Contact changed = contact(1, LATER).email("changed-1@example.com").build();
    Contact added = contact(3, LATER.plusSeconds(1)).build();
    InteractionEvent event = event(2, LATER, List.of(contactId(3)));
    givenContacts(List.of(changed, added));
    givenEvents(List.of(event));

    List<ChangePage> pages = readToTheEnd(end);

    assertThat(contactsOf(pages)).map(CrmAdapterContractTest::describe)
        .containsExactlyInAnyOrder(describe(changed), describe(added));
    assertThat(eventsOf(pages)).map(CrmAdapterContractTest::describe).containsExactly(describe(event));
  }

  // ---- writing ----

  @Test
  public void maxWriteBatchIsPositive() {
    assertThat(adapter().maxWriteBatch()).isPositive();
  }

  @Test
  public void writeReturnsOneResultPerRequestInOrderKeyedByRequestKey() {
    givenContacts(contacts(0, 3));
    List<WriteRequest> requests = List.of(contactNps("w-3", 2, 9), contactNps("w-1", 0, 3), contactNps("w-2", 1, 7));

    List<RecordResult> results = adapter().write(requests);

    assertThat(results).extracting(RecordResult::key).containsExactly("w-3", "w-1", "w-2");
    assertThat(results).allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
  }

  @Test
  public void writesEachKindOfRequest() {
    givenContacts(contacts(0, 2));
    List<List<WriteRequest>> batches = List.of(
        List.of(contactNps("nps-0", 0, 4)),
        List.of(new WriteRequest.AccountNps("account-0", accountId(0), OptionalDouble.of(-100.0), 1)),
        List.of(new WriteRequest.FollowUpTask("task-0", contactId(0), Optional.empty(), "Call back: NPS 4",
            "Score 4: too slow", LocalDate.of(2024, 3, 4), "High")),
        List.of(new WriteRequest.TimelineActivity("activity-0", contactId(0), "NPS answer: 4", "Score 4: too slow",
            T0.plus(Duration.ofDays(1)))),
        List.of(new WriteRequest.EmailOptOut("opt-out-1", contactId(1), Optional.of("person-1@example.com"))));

    for (List<WriteRequest> batch : batches) {
      List<RecordResult> results = adapter().write(batch);

      assertThat(results).as("results of %s", batch).hasSize(1);
      assertThat(results.get(0).key()).isEqualTo(batch.get(0).key());
      assertThat(results.get(0).success()).as(results.get(0).toString()).isTrue();
    }
  }

  @Test
  public void theCrmHoldsEveryWrittenFieldRollUpTimelineEntryAndTask() {
    givenContacts(contacts(0, 2));
    Instant responded = T0.plus(Duration.ofDays(1));
    LocalDate due = LocalDate.of(2024, 3, 5);

    List<RecordResult> results = adapter().write(List.of(
        new WriteRequest.ContactNps("nps-0", contactId(0), 4, "detractor", responded, Optional.of("Too slow")),
        new WriteRequest.ContactNps("nps-1", contactId(1), 10, "promoter", responded, Optional.empty()),
        new WriteRequest.AccountNps("account-0", accountId(0), OptionalDouble.of(-100.0), 1),
        new WriteRequest.AccountNps("account-1", accountId(1), OptionalDouble.of(100.0), 1),
        new WriteRequest.FollowUpTask("task-0", contactId(0), Optional.of(ownerId()), "Call back: NPS 4",
            "Score 4: too slow", due, "High"),
        new WriteRequest.TimelineActivity("activity-0", contactId(0), "NPS answer 4", "Too slow", responded),
        new WriteRequest.TimelineActivity("activity-1", contactId(1), "NPS answer 10", "No comment",
            responded.plusSeconds(60))));

    assertThat(results).allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
    LocalDate respondedOn = LocalDate.of(2024, 3, 2);
    assertThat(crmContactNps(contactId(0))).contains(
        new CrmContactNps(4, "detractor", respondedOn, Optional.of("Too slow")));
    assertThat(crmContactNps(contactId(1))).contains(
        new CrmContactNps(10, "promoter", respondedOn, Optional.empty()));
    assertThat(crmAccountNps(accountId(0))).contains(new CrmAccountNps(OptionalDouble.of(-100.0), 1));
    assertThat(crmAccountNps(accountId(1))).contains(new CrmAccountNps(OptionalDouble.of(100.0), 1));
    assertThat(crmTasks(contactId(0))).containsExactly(new CrmTask("Call back: NPS 4", Optional.of(ownerId()), due));
    assertThat(crmTasks(contactId(1))).isEmpty();
    assertThat(crmTimeline(contactId(0))).singleElement().satisfies(entry -> assertThat(entry)
        .contains("NPS answer 4").contains("Too slow"));
    assertThat(crmTimeline(contactId(1))).singleElement().satisfies(entry -> assertThat(entry)
        .contains("NPS answer 10"));
  }

  @Test
  public void aNewAnswerReplacesTheFieldsAndAddsOneTimelineEntry() {
    givenContacts(contacts(0, 1));
    Instant first = T0.plus(Duration.ofDays(1));
    Instant second = T0.plus(Duration.ofDays(3));
    adapter().write(List.of(
        new WriteRequest.ContactNps("nps-a", contactId(0), 3, "detractor", first, Optional.of("Slow")),
        new WriteRequest.TimelineActivity("activity-a", contactId(0), "NPS answer 3", "Slow", first)));

    List<RecordResult> results = adapter().write(List.of(
        new WriteRequest.ContactNps("nps-b", contactId(0), 8, "passive", second, Optional.empty()),
        new WriteRequest.TimelineActivity("activity-b", contactId(0), "NPS answer 8", "Better", second)));

    assertThat(results).allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
    assertThat(crmContactNps(contactId(0))).contains(
        new CrmContactNps(8, "passive", LocalDate.of(2024, 3, 4), Optional.empty()));
    assertThat(crmTimeline(contactId(0))).hasSize(2);
    assertThat(crmTimeline(contactId(0)).get(0)).contains("NPS answer 3");
    assertThat(crmTimeline(contactId(0)).get(1)).contains("NPS answer 8");
  }

  @Test
  public void aFailedRecordDoesNotFailTheOtherRecords() {
    givenContacts(contacts(0, 5));
    List<WriteRequest> requests = IntStream.range(0, 5).mapToObj(i -> contactNps("w-" + i, i, 10 - i)).toList();
    String retriableCode = givenWriteFailure(requests.get(1), true);
    String permanentCode = givenWriteFailure(requests.get(3), false);

    List<RecordResult> results = adapter().write(requests);

    assertThat(results).extracting(RecordResult::key).containsExactly("w-0", "w-1", "w-2", "w-3", "w-4");
    assertThat(results).extracting(RecordResult::success).containsExactly(true, false, true, false, true);
    assertThat(results.get(1).errorCode()).contains(retriableCode);
    assertThat(results.get(1).retriable()).isTrue();
    assertThat(results.get(3).errorCode()).contains(permanentCode);
    assertThat(results.get(3).retriable()).isFalse();
  }

  @Test
  public void writesABatchOfExactlyMaxWriteBatch() {
    int max = adapter().maxWriteBatch();
    givenContacts(contacts(0, max));
    List<WriteRequest> requests = IntStream.range(0, max).mapToObj(i -> contactNps("w-" + i, i, i % 11)).toList();

    List<RecordResult> results = adapter().write(requests);

    assertThat(results).extracting(RecordResult::key).containsExactlyElementsOf(
        requests.stream().map(WriteRequest::key).toList());
    assertThat(results).allSatisfy(result -> assertThat(result.success()).as(result.toString()).isTrue());
  }

  @Test
  public void refusesABatchLargerThanMaxWriteBatchBeforeAnyCrmCall() {
    givenContacts(contacts(0, 1));
    int max = adapter().maxWriteBatch();
    List<WriteRequest> requests = IntStream.range(0, max + 1).mapToObj(i -> contactNps("w-" + i, 0, 8)).toList();
    int requestsBefore = crmRequestCount();

    assertThatThrownBy(() -> adapter().write(requests)).isInstanceOf(IllegalArgumentException.class);
    assertThat(crmRequestCount()).as("requests the CRM received").isEqualTo(requestsBefore);
  }

  // ---- lifecycle ----

  @Test
  public void closingTwiceDoesNotThrow() {
    CrmAdapter adapter = adapter();

    assertThatCode(() -> {
      adapter.close();
      adapter.close();
    }).doesNotThrowAnyException();
  }

  // ---- test data ----

  private List<Contact> contacts(int from, int count) {
    return IntStream.range(from, from + count).mapToObj(i -> contact(i, time(T0, i)).build()).toList();
  }

  private Contact.Builder contact(int index, Instant modifiedAt) {
    return Contact.builder(contactId(index), modifiedAt)
        .email("person-" + index + "@example.com")
        .firstName("Person")
        .lastName("Number" + index)
        .account(accountId(index % 2), "Account " + index % 2);
  }

  private List<InteractionEvent> events(int from, int count, List<Contact> contacts) {
    return IntStream.range(from, from + count)
        .mapToObj(i -> event(i, time(EVENTS_FROM, i), List.of(contacts.get(i % contacts.size()).crmId())))
        .toList();
  }

  private InteractionEvent event(int index, Instant occurredAt, List<String> contactIds) {
    return new InteractionEvent(eventId(index), index % 2 == 0 ? EventKind.PURCHASE : EventKind.SUPPORT, occurredAt,
        contactIds, Map.of());
  }

  /** The first pageSize() + 1 records share {@code base}; the others follow a minute apart. */
  private Instant time(Instant base, int index) {
    return base.plus(Duration.ofMinutes(Math.max(0, index - pageSize())));
  }

  private WriteRequest contactNps(String key, int contactIndex, int score) {
    String category = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
    return new WriteRequest.ContactNps(key, contactId(contactIndex), score, category, T0.plus(Duration.ofDays(1)),
        Optional.of("comment " + key));
  }

  // ---- reading helpers ----

  /** Reads page after page until {@code hasMore} is false. */
  private List<ChangePage> readToTheEnd(SyncCursor from) {
    List<ChangePage> pages = new ArrayList<>();
    SyncCursor cursor = from;
    while (pages.size() < MAX_PAGES) {
      ChangePage page = adapter().readChanges(cursor);
      pages.add(page);
      if (!page.hasMore()) {
        return pages;
      }
      cursor = page.next();
    }
    return fail("still hasMore after " + MAX_PAGES + " pages");
  }

  private static ChangePage last(List<ChangePage> pages) {
    return pages.get(pages.size() - 1);
  }

  private static List<Contact> contactsOf(List<ChangePage> pages) {
    return pages.stream().flatMap(page -> page.contacts().stream()).toList();
  }

  private static List<InteractionEvent> eventsOf(List<ChangePage> pages) {
    return pages.stream().flatMap(page -> page.events().stream()).toList();
  }

  private static List<String> contactIds(List<ChangePage> pages) {
    return contactsOf(pages).stream().map(Contact::crmId).toList();
  }

  private List<String> eventKeys(List<ChangePage> pages) {
    return eventsOf(pages).stream().map(this::key).toList();
  }

  private String key(InteractionEvent event) {
    return event.kind().id() + ":" + event.crmId();
  }

  /** What a contact must keep through the adapter: id, e-mail, last-modified time. */
  private static String describe(Contact contact) {
    return contact.crmId() + " " + contact.email().orElse("-") + " " + contact.modifiedAt();
  }

  /** What an event must keep through the adapter: kind, id, time and contacts. */
  private static String describe(InteractionEvent event) {
    return event.kind().id() + ":" + event.crmId() + " " + event.occurredAt() + " "
        + event.contactIds().stream().sorted().collect(Collectors.joining(","));
  }
}
