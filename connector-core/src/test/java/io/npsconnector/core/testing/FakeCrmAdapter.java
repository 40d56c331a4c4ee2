package io.npsconnector.core.testing;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.TaskState;
import io.npsconnector.core.spi.TaskStates;
import io.npsconnector.core.spi.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * An in-memory CRM behind the {@link CrmAdapter} contract, for engine tests and for commands that need a
 * CRM without a network. It passes {@link CrmAdapterContractTest} like the real adapters.
 *
 * <p><b>Reading.</b> {@link #readChanges} returns the contacts whose {@code modifiedAt} and the events whose
 * {@code occurredAt} lie after the cursor, each ordered by (time, id), at most {@link #pageSize()} of each
 * per page. The cursor encodes the last (time, id) returned for contacts and for events, so a stored cursor
 * resumes exactly, in this instance or in a new one holding the same data. A record given with a time at
 * or before a cursor already handed out is not seen from that cursor on, as in a CRM whose clock went
 * back. Each page costs two API calls (one query per object type).
 *
 * <p><b>Writing.</b> {@link #write} applies requests to a view tests read back ({@link #contactNps},
 * {@link #accountNps}, {@link #tasks}, {@link #activities}, {@link #appliedWrites}). Every task or activity
 * written is a new record with an id of its own, repeats of a request key included, as a CRM's create
 * does: nothing here makes a repeated write harmless. A request for a contact the
 * CRM does not hold, or holds as deleted, fails with {@link #ENTITY_IS_DELETED}; an account is known when
 * a contact given to the fake names it. Field existence is reported by {@link #describeFields} but not
 * enforced on writes.
 *
 * <p><b>Failures.</b> The next reads or writes can be made to throw ({@link #failNextReads},
 * {@link #failNextWrites}), single records to fail ({@link #failRecord}) and the credentials to be refused
 * ({@link #revokeCredentials}). {@link #calls} counts the calls the CRM saw per operation; a batch refused
 * for its size never reaches the CRM and is not counted.
 *
 * <p><b>Tasks read back.</b> {@link #readTasks} answers each task's state, {@value #TASK_READ_BATCH} ids a CRM
 * call: open as written, completed by {@link #completeTask} (a rep in the CRM) or by a write that closes it,
 * reopened by a write that opens it, deleted by {@link #deleteTask}; an unknown id is deleted.
 * {@link #conserveApiBudget} makes {@link #conservingApiBudget()} true.
 *
 * <p><b>Threading.</b> Thread-safe: every method is atomic. {@link #close} only records that it was called;
 * the fake keeps working afterwards, as a CRM outlives the connections to it, so a restarted engine can be
 * handed the same instance.
 */
public final class FakeCrmAdapter implements CrmAdapter {
  /** The connection type {@link FakeCrmProvider} serves. */
  public static final String TYPE = "fake";
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int DEFAULT_MAX_WRITE_BATCH = 200;
  /** The error code of a write to a contact or account the CRM does not hold (or holds as deleted). */
  public static final String ENTITY_IS_DELETED = "ENTITY_IS_DELETED";
  /** The error code of a category outside promoter, passive and detractor (the field is a restricted picklist). */
  public static final String INVALID_PICKLIST_VALUE = "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST";
  /** The object names {@link #describeFields} reports. */
  public static final String CONTACT_OBJECT = "contact";
  public static final String ACCOUNT_OBJECT = "account";
  /** The contact fields: score, category, responded-at, comment. */
  public static final List<String> CONTACT_FIELDS =
      List.of("nps_score", "nps_category", "nps_last_response_date", "nps_last_comment");
  /** The account fields: rolled-up NPS and response count. */
  public static final List<String> ACCOUNT_FIELDS = List.of("nps_account_score", "nps_response_count");
  /** API calls one page costs: one query for contacts, one for events. */
  public static final int CALLS_PER_PAGE = 2;
  /** Task ids per CRM call of {@link #readTasks}, as HubSpot's batch read. */
  public static final int TASK_READ_BATCH = 100;

  private static final Set<String> CATEGORIES = Set.of("promoter", "passive", "detractor");
  private static final String CURSOR_VERSION = "fake1";
  private static final Comparator<Position> ORDER =
      Comparator.comparing(Position::at).thenComparing(Position::id);

  private final String connection;
  private final int pageSize;
  private final int maxWriteBatch;
  private final Clock clock;
  private final boolean touchContactsOnWrite;

  // All state below is guarded by this.
  private final Map<String, Contact> contacts = new HashMap<>();
  private final NavigableMap<Position, Contact> contactsInOrder = new TreeMap<>(ORDER);
  private final Set<String> accounts = new HashSet<>();
  private final Map<String, InteractionEvent> events = new HashMap<>();
  private final NavigableMap<Position, InteractionEvent> eventsInOrder = new TreeMap<>(ORDER);
  private final Map<String, WriteRequest.ContactNps> contactNps = new HashMap<>();
  private final Map<String, WriteRequest.AccountNps> accountNps = new HashMap<>();
  /** Task and timeline records by record id, in the order they were created; each keeps its engine key. */
  private final Map<String, WriteRequest.FollowUpTask> tasks = new LinkedHashMap<>();
  private final Map<String, WriteRequest.TimelineActivity> activities = new LinkedHashMap<>();
  private final List<WriteRequest> appliedWrites = new ArrayList<>();
  private final Map<String, FieldReport.State> fields = new LinkedHashMap<>();
  private final Map<String, RecordFailure> recordFailures = new HashMap<>();
  private final Deque<CrmException> readFailures = new ArrayDeque<>();
  private final Deque<CrmException> writeFailures = new ArrayDeque<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private boolean credentialsRevoked;
  /** Tasks completed (by a rep, or closed by a write): when, and by whom. */
  private final Map<String, TaskState.User> completedBy = new HashMap<>();
  private final Map<String, Instant> completedAt = new HashMap<>();
  private final Set<String> deletedTasks = new HashSet<>();
  private final Deque<CrmException> taskReadFailures = new ArrayDeque<>();
  private boolean conserving;
  private int closeCount;
  private long lastRecordId;

  private FakeCrmAdapter(Builder builder) {
    this.connection = builder.connection;
    this.pageSize = builder.pageSize;
    this.maxWriteBatch = builder.maxWriteBatch;
    this.clock = builder.clock;
    this.touchContactsOnWrite = builder.touchContactsOnWrite;
    FieldReport.State initial = builder.fieldsInstalled ? FieldReport.State.PRESENT : FieldReport.State.MISSING;
    CONTACT_FIELDS.forEach(field -> fields.put(fieldKey(CONTACT_OBJECT, field), initial));
    ACCOUNT_FIELDS.forEach(field -> fields.put(fieldKey(ACCOUNT_OBJECT, field), initial));
  }

  /** An empty CRM with the default settings. */
  public static FakeCrmAdapter create() {
    return builder().build();
  }

  /** Settings for a new fake; every one has a default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The connection name used in exception messages. */
  public String connection() {
    return connection;
  }

  /** The most contacts, and the most events, one page returns. */
  public int pageSize() {
    return pageSize;
  }

  // ---- the CRM's data, as tests set it up ----

  /** Adds or replaces a contact; its {@code modifiedAt} is the CRM's last-modified time. */
  private Map<String, Map<String, String>> segmentLabels = Map.of();
  private int segmentLabelReads;

  /** The labels {@link #segmentLabels()} answers from now on (segment to value to label). */
  public synchronized void segmentLabels(Map<String, Map<String, String>> labels) {
    segmentLabels = Map.copyOf(labels);
  }

  private CrmException labelFailure;

  /** The next {@link #segmentLabels()} throws {@code failure}. */
  public synchronized void failNextLabelRead(CrmException failure) {
    labelFailure = failure;
  }

  @Override
  public synchronized Map<String, Map<String, String>> segmentLabels() {
    segmentLabelReads++;
    if (labelFailure != null) {
      CrmException failure = labelFailure;
      labelFailure = null;
      throw failure;
    }
    return segmentLabels;
  }

  /** How often the engine read the labels. */
  public synchronized int segmentLabelReads() {
    return segmentLabelReads;
  }

  /** A contact's record at {@code https://crm.example/CONNECTION/contacts/ID}, the id URL-encoded. */
  @Override
  public java.util.Optional<java.net.URI> recordUrl(String objectType, String crmId) {
    return "contact".equals(objectType) ? java.util.Optional.of(java.net.URI.create("https://crm.example/" + connection
        + "/contacts/" + java.net.URLEncoder.encode(crmId, java.nio.charset.StandardCharsets.UTF_8)))
        : java.util.Optional.empty();
  }

  public synchronized void putContact(Contact contact) {
    Objects.requireNonNull(contact, "contact");
    Contact previous = contacts.put(contact.crmId(), contact);
    if (previous != null) {
      contactsInOrder.remove(position(previous));
    }
    contactsInOrder.put(position(contact), contact);
    contact.accountId().ifPresent(accounts::add);
  }

  /** {@link #putContact} for each one, in order. */
  public synchronized void putContacts(Collection<Contact> contacts) {
    contacts.forEach(this::putContact);
  }

  /**
   * Changes a contact the CRM holds, as a user editing it at {@code at} would.
   *
   * @param change returns the new contact (same id); its {@code modifiedAt} is replaced by {@code at}
   * @throws IllegalArgumentException when there is no such contact or {@code change} alters the id
   */
  public synchronized Contact updateContact(String contactId, Instant at, UnaryOperator<Contact> change) {
    Objects.requireNonNull(at, "at");
    Contact changed = change.apply(existing(contactId));
    if (!changed.crmId().equals(contactId)) {
      throw new IllegalArgumentException("change must keep the contact id " + contactId + ", got " + changed.crmId());
    }
    Contact stamped = restamped(changed, at, changed.deleted());
    putContact(stamped);
    return stamped;
  }

  /**
   * Deletes a contact at {@code at}: later reads return it once more with {@code deleted} set, and writes
   * to it fail with {@link #ENTITY_IS_DELETED}.
   *
   * @throws IllegalArgumentException when there is no such contact
   */
  public synchronized void deleteContact(String contactId, Instant at) {
    Objects.requireNonNull(at, "at");
    putContact(restamped(existing(contactId), at, true));
  }

  /** The contact as the CRM holds it now (deleted ones included). */
  public synchronized Optional<Contact> contact(String contactId) {
    return Optional.ofNullable(contacts.get(contactId));
  }

  /** Every contact held, in (modifiedAt, id) order. */
  public synchronized List<Contact> contacts() {
    return List.copyOf(contactsInOrder.values());
  }

  /** Adds an event, or replaces the one with the same kind and id; it is read when {@code occurredAt} is after the cursor. */
  public synchronized void addEvent(InteractionEvent event) {
    Objects.requireNonNull(event, "event");
    InteractionEvent previous = events.put(eventKey(event), event);
    if (previous != null) {
      eventsInOrder.remove(position(previous));
    }
    eventsInOrder.put(position(event), event);
  }

  /** {@link #addEvent} for each one, in order. */
  public synchronized void addEvents(Collection<InteractionEvent> events) {
    events.forEach(this::addEvent);
  }

  /** Every event held, in (occurredAt, id) order. */
  public synchronized List<InteractionEvent> events() {
    return List.copyOf(eventsInOrder.values());
  }

  // ---- what was written, as tests read it back ----

  /** The last NPS answer written on the contact. */
  public synchronized Optional<WriteRequest.ContactNps> contactNps(String contactId) {
    return Optional.ofNullable(contactNps.get(contactId));
  }

  /** The last roll-up written on the account. */
  public synchronized Optional<WriteRequest.AccountNps> accountNps(String accountId) {
    return Optional.ofNullable(accountNps.get(accountId));
  }

  /**
   * The follow-up task records, in the order they were created, each as last written. Like a real CRM the fake
   * creates a new record for every write that does not name one: a write updates a record only when its
   * {@link WriteRequest.FollowUpTask#prior() prior write} names the record, or, after an unknown outcome, when
   * a record holding its key is found (as the HubSpot adapter searches {@code nps_key} and Salesforce's upsert
   * matches its external id).
   */
  public synchronized List<WriteRequest.FollowUpTask> tasks() {
    return List.copyOf(tasks.values());
  }

  /** The timeline records, in the order they were created, each as last written; updated as {@link #tasks()} are. */
  public synchronized List<WriteRequest.TimelineActivity> activities() {
    return List.copyOf(activities.values());
  }

  /** Every request that succeeded, in order, repeats included: a request written twice appears twice. */
  public synchronized List<WriteRequest> appliedWrites() {
    return List.copyOf(appliedWrites);
  }

  // ---- failures ----

  /** The next {@code times} calls of {@link #readChanges} throw {@link CrmException.Retriable} (no retry hint). */
  public synchronized void failNextReads(int times) {
    failNextReads(times, retriable("readChanges"));
  }

  /** The next {@code times} calls of {@link #readChanges} throw {@code failure}. */
  public synchronized void failNextReads(int times, CrmException failure) {
    queue(readFailures, times, failure);
  }

  /** The next {@code times} calls of {@link #write} throw {@link CrmException.Retriable} (no retry hint). */
  public synchronized void failNextWrites(int times) {
    failNextWrites(times, retriable("write"));
  }

  /** The next {@code times} calls of {@link #write} throw {@code failure}, before applying anything. */
  public synchronized void failNextWrites(int times, CrmException failure) {
    queue(writeFailures, times, failure);
  }

  /** Every write of the request with this key fails with {@code code} until {@link #clearRecordFailures}. */
  public synchronized void failRecord(String key, String code, boolean retriable) {
    recordFailures.put(Objects.requireNonNull(key, "key"), new RecordFailure(code, retriable, -1));
  }

  /** The next {@code times} writes of the request with this key fail with {@code code}; later ones succeed. */
  public synchronized void failRecord(String key, String code, boolean retriable, int times) {
    requireNonNegative(times);
    recordFailures.put(Objects.requireNonNull(key, "key"), new RecordFailure(code, retriable, times));
  }

  public synchronized void clearRecordFailures() {
    recordFailures.clear();
  }

  /**
   * From now on the CRM refuses the credentials: reads, writes and field calls throw
   * {@link CrmException.Authentication}, and {@link #check} reports the connection unauthenticated.
   */
  public synchronized void revokeCredentials() {
    credentialsRevoked = true;
  }

  public synchronized void restoreCredentials() {
    credentialsRevoked = false;
  }

  /** Sets one field's state, to fake a field an admin broke ({@code NOT_WRITABLE}, {@code INCOMPATIBLE}). */
  public synchronized void setFieldState(String object, String name, FieldReport.State state) {
    String key = fieldKey(object, name);
    if (!fields.containsKey(key)) {
      throw new IllegalArgumentException("no such field: " + key);
    }
    fields.put(key, Objects.requireNonNull(state, "state"));
  }

  // ---- call accounting ----

  /**
   * How many calls of {@code operation} ({@code check}, {@code readChanges}, {@code write},
   * {@code describeFields}, {@code installFields}, {@code close}) the CRM saw, failed ones included.
   */
  public synchronized int calls(String operation) {
    return calls.getOrDefault(operation, 0);
  }

  /** All calls the CRM saw, {@code close} excluded. */
  public synchronized int totalCalls() {
    return calls.entrySet().stream().filter(entry -> !entry.getKey().equals("close"))
        .mapToInt(Map.Entry::getValue).sum();
  }

  public synchronized boolean isClosed() {
    return closeCount > 0;
  }

  // ---- CrmAdapter ----

  @Override
  public synchronized ConnectionCheck check() {
    count("check");
    if (credentialsRevoked) {
      return new ConnectionCheck(false, List.of("the CRM refused the credentials (HTTP 401)"));
    }
    List<String> problems = new ArrayList<>();
    fields.forEach((field, state) -> {
      if (state != FieldReport.State.PRESENT) {
        problems.add("field " + field + " is " + state.name().toLowerCase(Locale.ROOT)
            + (state == FieldReport.State.MISSING ? "; run install-fields" : ""));
      }
    });
    return new ConnectionCheck(true, problems);
  }

  @Override
  public synchronized ChangePage readChanges(SyncCursor cursor) {
    Positions from = Positions.decode(Objects.requireNonNull(cursor, "cursor"));
    count("readChanges");
    refuseIfRevoked("readChanges");
    throwQueued(readFailures);
    List<Contact> contactPage = page(contactsInOrder, from.contacts());
    List<InteractionEvent> eventPage = page(eventsInOrder, from.events());
    boolean hasMore = contactPage.size() > pageSize || eventPage.size() > pageSize;
    contactPage = contactPage.subList(0, Math.min(pageSize, contactPage.size()));
    eventPage = eventPage.subList(0, Math.min(pageSize, eventPage.size()));
    if (contactPage.isEmpty() && eventPage.isEmpty()) {
      return new ChangePage(List.of(), List.of(), cursor, false, CALLS_PER_PAGE);
    }
    Positions next = new Positions(
        contactPage.isEmpty() ? from.contacts() : position(contactPage.get(contactPage.size() - 1)),
        eventPage.isEmpty() ? from.events() : position(eventPage.get(eventPage.size() - 1)));
    return new ChangePage(contactPage, eventPage, next.encode(), hasMore, CALLS_PER_PAGE);
  }

  // ---- tasks read back ----

  /** A rep completes a task in the CRM now. */
  public synchronized void completeTask(String taskId, String userId, String userName) {
    if (!tasks.containsKey(taskId)) {
      throw new IllegalArgumentException("no task " + taskId);
    }
    completedAt.put(taskId, clock.instant());
    completedBy.put(taskId, new TaskState.User(userId, Optional.ofNullable(userName)));
  }

  /** A rep deletes a task in the CRM. */
  public synchronized void deleteTask(String taskId) {
    deletedTasks.add(taskId);
  }

  /** The record id of the task written under an engine key. */
  public synchronized Optional<String> taskId(String key) {
    return tasks.entrySet().stream().filter(entry -> entry.getValue().key().equals(key)).map(Map.Entry::getKey)
        .findFirst();
  }

  public synchronized void failNextTaskReads(int times, CrmException failure) {
    for (int i = 0; i < times; i++) {
      taskReadFailures.add(failure);
    }
  }

  /** The daily API budget runs low (or no longer does). */
  public synchronized void conserveApiBudget(boolean value) {
    conserving = value;
  }

  @Override
  public synchronized boolean conservingApiBudget() {
    return conserving;
  }

  @Override
  public boolean readsTasks() {
    return true;
  }

  @Override
  public synchronized TaskStates readTasks(List<String> crmTaskIds) {
    if (crmTaskIds.size() > maxTaskRead()) {
      throw new IllegalArgumentException(crmTaskIds.size() + " task ids exceed maxTaskRead " + maxTaskRead());
    }
    int calls = (crmTaskIds.size() + TASK_READ_BATCH - 1) / TASK_READ_BATCH;
    for (int i = 0; i < calls; i++) {
      count("readTasks");
    }
    refuseIfRevoked("readTasks");
    throwQueued(taskReadFailures);
    List<TaskState> states = new ArrayList<>();
    for (String id : crmTaskIds) {
      WriteRequest.FollowUpTask task = tasks.get(id);
      if (task == null || deletedTasks.contains(id)) {
        states.add(TaskState.deleted(id));
        continue;
      }
      boolean done = completedAt.containsKey(id);
      states.add(new TaskState(id, done ? TaskState.Status.COMPLETED : TaskState.Status.OPEN,
          Optional.of(done ? "COMPLETED" : "NOT_STARTED"), Optional.ofNullable(completedAt.get(id)),
          Optional.ofNullable(completedBy.get(id)),
          task.ownerId().map(owner -> new TaskState.User(owner, Optional.of("Owner " + owner))),
          Optional.ofNullable(task.dueDate()), Optional.empty()));
    }
    return new TaskStates(states, calls);
  }

  @Override
  public int maxWriteBatch() {
    return maxWriteBatch;
  }

  @Override
  public List<RecordResult> write(List<WriteRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    if (requests.size() > maxWriteBatch) {
      throw new IllegalArgumentException(
          "batch of " + requests.size() + " requests exceeds maxWriteBatch " + maxWriteBatch);
    }
    requests.forEach(request -> Objects.requireNonNull(request, "request"));
    if (requests.isEmpty()) {
      return List.of();
    }
    synchronized (this) {
      count("write");
      refuseIfRevoked("write");
      throwQueued(writeFailures);
      List<RecordResult> results = new ArrayList<>(requests.size());
      for (WriteRequest request : requests) {
        results.add(apply(request));
      }
      return List.copyOf(results);
    }
  }

  @Override
  public synchronized FieldReport describeFields() {
    count("describeFields");
    refuseIfRevoked("describeFields");
    return report(Map.copyOf(fields));
  }

  @Override
  public synchronized FieldReport installFields() {
    count("installFields");
    refuseIfRevoked("installFields");
    Map<String, FieldReport.State> reported = new LinkedHashMap<>(fields);
    fields.replaceAll((field, state) -> {
      if (state == FieldReport.State.MISSING) {
        reported.put(field, FieldReport.State.CREATED);
        return FieldReport.State.PRESENT;
      }
      return state;
    });
    return report(reported);
  }

  @Override
  public synchronized void close() {
    count("close");
    closeCount++;
  }

  @Override
  public String toString() {
    return "FakeCrmAdapter[" + connection + "]";
  }

  // ---- internals ----

  private RecordResult apply(WriteRequest request) {
    RecordFailure failure = recordFailures.get(request.key());
    if (failure != null) {
      if (failure.spend()) {
        recordFailures.remove(request.key());
      }
      return RecordResult.failed(request.key(), failure.code, "injected failure", failure.retriable);
    }
    if (request instanceof WriteRequest.ContactNps nps) {
      Optional<RecordResult> refused = refuseUnlessLive(nps.key(), nps.contactId());
      if (refused.isPresent()) {
        return refused.get();
      }
      if (nps.category() == null || !CATEGORIES.contains(nps.category())) {
        return RecordResult.failed(nps.key(), INVALID_PICKLIST_VALUE,
            "bad value for restricted picklist field: " + nps.category(), false);
      }
      contactNps.put(nps.contactId(), nps);
      if (touchContactsOnWrite) {
        putContact(restamped(contacts.get(nps.contactId()), clock.instant(), false));
      }
      return applied(nps, nps.contactId());
    }
    if (request instanceof WriteRequest.AccountNps nps) {
      if (!accounts.contains(nps.accountId())) {
        return RecordResult.failed(nps.key(), ENTITY_IS_DELETED, "no account " + nps.accountId(), false);
      }
      accountNps.put(nps.accountId(), nps);
      return applied(nps, nps.accountId());
    }
    if (request instanceof WriteRequest.FollowUpTask task) {
      Optional<RecordResult> refused = refuseUnlessLive(task.key(), task.contactId());
      if (refused.isPresent()) {
        return refused.get();
      }
      String id = recordOf(task.prior(), task.key(), tasks, WriteRequest.FollowUpTask::key)
          .orElseGet(() -> "task-" + ++lastRecordId);
      tasks.put(id, task);
      if (task.closed()) { // a write sets the status from the latest answer, as the CRMs' adapters do
        completedAt.putIfAbsent(id, clock.instant());
        completedBy.putIfAbsent(id, new TaskState.User("integration", Optional.empty()));
      } else {
        completedAt.remove(id);
        completedBy.remove(id);
      }
      return applied(task, id);
    }
    if (request instanceof WriteRequest.EmailOptOut optOut) {
      Optional<RecordResult> refused = refuseUnlessLive(optOut.key(), optOut.contactId());
      if (refused.isPresent()) {
        return refused.get();
      }
      Contact contact = contacts.get(optOut.contactId());
      putContact(new Contact(contact.crmId(), contact.email(), contact.firstName(), contact.lastName(),
          contact.phone(), contact.locale(), contact.timeZone(), true, contact.ownerId(), contact.accountId(),
          contact.accountName(), contact.segments(), touchContactsOnWrite ? clock.instant() : contact.modifiedAt(),
          contact.deleted()));
      return applied(optOut, optOut.contactId());
    }
    WriteRequest.TimelineActivity activity = (WriteRequest.TimelineActivity) request;
    Optional<RecordResult> refused = refuseUnlessLive(activity.key(), activity.contactId());
    if (refused.isPresent()) {
      return refused.get();
    }
    String id = recordOf(activity.prior(), activity.key(), activities, WriteRequest.TimelineActivity::key)
        .orElseGet(() -> "activity-" + ++lastRecordId);
    activities.put(id, activity);
    return applied(activity, id);
  }

  /** The record a write updates: the one its prior write names, or after an unknown outcome one holding its key. */
  private static <T> Optional<String> recordOf(PriorWrite prior, String key, Map<String, T> records,
      java.util.function.Function<T, String> keyOf) {
    if (prior.recordId().filter(records::containsKey).isPresent()) {
      return prior.recordId();
    }
    if (prior.outcomeUnknown()) {
      return records.entrySet().stream().filter(entry -> keyOf.apply(entry.getValue()).equals(key))
          .map(Map.Entry::getKey).findFirst();
    }
    return Optional.empty();
  }

  private Optional<RecordResult> refuseUnlessLive(String key, String contactId) {
    Contact contact = contacts.get(contactId);
    if (contact == null) {
      return Optional.of(RecordResult.failed(key, ENTITY_IS_DELETED, "no contact " + contactId, false));
    }
    if (contact.deleted()) {
      return Optional.of(RecordResult.failed(key, ENTITY_IS_DELETED, "contact " + contactId + " is deleted", false));
    }
    return Optional.empty();
  }

  private RecordResult applied(WriteRequest request, String recordId) {
    appliedWrites.add(request);
    return RecordResult.ok(request.key(), recordId);
  }

  private <T> List<T> page(NavigableMap<Position, T> ordered, Position after) {
    Map<Position, T> rest = after == null ? ordered : ordered.tailMap(after, false);
    // one more than a page tells whether another page follows
    return rest.values().stream().limit(pageSize + 1L).toList();
  }

  private FieldReport report(Map<String, FieldReport.State> states) {
    List<FieldReport.Field> report = new ArrayList<>();
    states.forEach((field, state) -> {
      int dot = field.indexOf('.');
      report.add(new FieldReport.Field(field.substring(0, dot), field.substring(dot + 1), state));
    });
    List<String> instructions = new ArrayList<>();
    states.forEach((field, state) -> {
      if (state == FieldReport.State.NOT_WRITABLE || state == FieldReport.State.INCOMPATIBLE) {
        instructions.add("fix field " + field + " by hand: it is " + state.name().toLowerCase(Locale.ROOT));
      }
    });
    return new FieldReport(report, instructions);
  }

  private void count(String operation) {
    calls.merge(operation, 1, Integer::sum);
  }

  private void refuseIfRevoked(String operation) {
    if (credentialsRevoked) {
      throw new CrmException.Authentication(connection, operation, "HTTP 401: credentials refused", null);
    }
  }

  private static void throwQueued(Deque<CrmException> failures) {
    CrmException failure = failures.poll();
    if (failure != null) {
      throw failure;
    }
  }

  private static void queue(Deque<CrmException> failures, int times, CrmException failure) {
    requireNonNegative(times);
    Objects.requireNonNull(failure, "failure");
    for (int i = 0; i < times; i++) {
      failures.add(failure);
    }
  }

  private CrmException retriable(String operation) {
    return new CrmException.Retriable(connection, operation, "HTTP 503: injected failure", Optional.empty(), null);
  }

  private Contact existing(String contactId) {
    Contact contact = contacts.get(Objects.requireNonNull(contactId, "contactId"));
    if (contact == null) {
      throw new IllegalArgumentException("no contact " + contactId);
    }
    return contact;
  }

  private static Contact restamped(Contact contact, Instant modifiedAt, boolean deleted) {
    return new Contact(contact.crmId(), contact.email(), contact.firstName(), contact.lastName(), contact.phone(),
        contact.locale(), contact.timeZone(), contact.emailOptOut(), contact.ownerId(), contact.accountId(),
        contact.accountName(), contact.segments(), modifiedAt, deleted);
  }

  private static void requireNonNegative(int times) {
    if (times < 0) {
      throw new IllegalArgumentException("times < 0: " + times);
    }
  }

  private static String fieldKey(String object, String name) {
    return object + "." + name;
  }

  private static Position position(Contact contact) {
    return new Position(contact.modifiedAt(), contact.crmId());
  }

  private static Position position(InteractionEvent event) {
    return new Position(event.occurredAt(), eventKey(event));
  }

  /** Event ids are unique per kind; NUL sorts first, so the key orders by id, then kind. */
  private static String eventKey(InteractionEvent event) {
    return event.crmId() + '\u0000' + event.kind().name();
  }

  /** A place in one object type's (time, id) order. */
  private record Position(Instant at, String id) {}

  /** The last position returned per object type; null before the first record. */
  private record Positions(Position contacts, Position events) {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    SyncCursor encode() {
      if (contacts == null && events == null) {
        return SyncCursor.START;
      }
      return new SyncCursor(CURSOR_VERSION + ";" + encode(contacts) + ";" + encode(events));
    }

    static Positions decode(SyncCursor cursor) {
      if (cursor.isStart()) {
        return new Positions(null, null);
      }
      String[] parts = cursor.value().split(";", -1);
      if (parts.length != 3 || !parts[0].equals(CURSOR_VERSION)) {
        throw notOurs(cursor, null);
      }
      try {
        return new Positions(decode(parts[1]), decode(parts[2]));
      } catch (DateTimeParseException | IllegalArgumentException e) {
        throw notOurs(cursor, e);
      }
    }

    private static String encode(Position position) {
      return position == null
          ? ""
          : position.at() + "," + ENCODER.encodeToString(position.id().getBytes(StandardCharsets.UTF_8));
    }

    private static Position decode(String part) {
      if (part.isEmpty()) {
        return null;
      }
      int comma = part.indexOf(',');
      if (comma < 0) {
        throw new IllegalArgumentException("no ',' in " + part);
      }
      return new Position(Instant.parse(part.substring(0, comma)),
          new String(DECODER.decode(part.substring(comma + 1)), StandardCharsets.UTF_8));
    }

    private static IllegalArgumentException notOurs(SyncCursor cursor, Exception cause) {
      return new IllegalArgumentException("not a cursor of the fake CRM: '" + cursor.value() + "'", cause);
    }
  }

  /** An injected per-record failure; {@code remaining} is -1 for every write. */
  private static final class RecordFailure {
    private final String code;
    private final boolean retriable;
    private int remaining;

    RecordFailure(String code, boolean retriable, int remaining) {
      this.code = Objects.requireNonNull(code, "code");
      this.retriable = retriable;
      this.remaining = remaining;
    }

    /** Uses the failure once; true when it is used up. */
    boolean spend() {
      if (remaining < 0) {
        return false;
      }
      remaining--;
      return remaining <= 0;
    }
  }

  /** Settings of a {@link FakeCrmAdapter}; bad values are refused at once. */
  public static final class Builder {
    private String connection = TYPE;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private int maxWriteBatch = DEFAULT_MAX_WRITE_BATCH;
    private Clock clock = Clock.systemUTC();
    private boolean fieldsInstalled;
    private boolean touchContactsOnWrite;

    private Builder() {}

    /** The connection name in exception messages; default {@code fake}. */
    public Builder connection(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("connection name is blank");
      }
      connection = name;
      return this;
    }

    /** The most contacts, and the most events, per page; default 100. */
    public Builder pageSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("pageSize < 1: " + size);
      }
      pageSize = size;
      return this;
    }

    /** The largest batch {@link FakeCrmAdapter#write} takes; default 200. */
    public Builder maxWriteBatch(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("maxWriteBatch < 1: " + size);
      }
      maxWriteBatch = size;
      return this;
    }

    /** The CRM's clock, used to stamp contacts touched by writes; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Whether the connector's fields exist from the start; default false (installFields creates them). */
    public Builder fieldsInstalled(boolean installed) {
      fieldsInstalled = installed;
      return this;
    }

    /**
     * Whether writing a contact's NPS sets its last-modified time to the clock's now, so that the next
     * read returns it again, as Salesforce and HubSpot do; default false.
     */
    public Builder touchContactsOnWrite(boolean touch) {
      touchContactsOnWrite = touch;
      return this;
    }

    public FakeCrmAdapter build() {
      return new FakeCrmAdapter(this);
    }
  }
}
