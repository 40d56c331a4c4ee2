package io.npsconnector.hubspot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.hubspot.client.Budget;
import io.npsconnector.hubspot.client.HubSpotApiException;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.HubSpotResponse;
import io.npsconnector.hubspot.dto.SubscriptionBatchResponse;
import io.npsconnector.hubspot.dto.SubscriptionStatus;
import io.npsconnector.hubspot.dto.WriteAssociation;
import io.npsconnector.hubspot.dto.WriteBatchResponse;
import io.npsconnector.hubspot.dto.WriteError;
import io.npsconnector.hubspot.dto.WriteInput;
import io.npsconnector.hubspot.dto.WriteRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes NPS results to HubSpot: contact and company properties with {@code batch/update}, follow-up tasks
 * and timeline notes with {@code batch/create} the first time and {@code batch/update} after, e-mail
 * opt-outs with the Communication Preferences v4
 * {@code batch/unsubscribe-all} ({@code channel=EMAIL}; HubSpot keeps {@code hs_email_optout} read-only),
 * at most {@value #MAX_BATCH} records a call, so that a batch of one kind costs one call when nothing is
 * wrong.
 *
 * <p>HubSpot keeps opt-outs by address: an {@link WriteRequest.EmailOptOut} without one fails with
 * {@value #NO_EMAIL} before sending; addresses are sent once each (compared without case) and the
 * answer's statuses and errors are mapped back to every request with that address. An address the answer
 * names nowhere fails with {@value #NO_RESULT}, retriable.
 *
 * <p>Values HubSpot would refuse (an enumeration value with spaces, an NPS outside -100..100) are caught
 * before sending and come back as {@value #INVALID_VALUE} results. HubSpot refuses a whole batch with 400
 * {@code VALIDATION_ERROR} for one bad value, so such a batch is split in halves, recursively, until the
 * bad records stand alone: the others are written and the bad ones fail with HubSpot's category. An
 * error about a property itself (it does not exist, it is read-only) fails the batch at once, as no
 * record could succeed. A 207 answer becomes one result per record: its errors name records by id
 * ({@code context.ids}) or by {@code objectWriteTraceId}, which carries the request key.
 *
 * <p>Errors: 401 and 403 throw {@link CrmException.Authentication}. Other failures of a call throw
 * ({@link CrmException.Retriable} or {@link CrmException.Data}) while nothing of the batch is written;
 * once a part is written, the rest come back as failed results instead (retriable where the failure
 * was), so that tasks and notes already created are not created again by a retry of the whole batch.
 *
 * <p>Idempotency: every task and note carries the engine's key in the {@value #KEY_PROPERTY} property
 * (installed on tasks and notes by {@link HubSpotFieldInstaller}); HubSpot has no upsert for them. A request
 * whose key was written before goes to {@code batch/update}: by the record id the engine kept, or, when an
 * earlier attempt's outcome is unknown ({@link PriorWrite#outcomeUnknown()}), by the id a CRM search on
 * {@value #KEY_PROPERTY} finds (one search per batch of such requests, before anything is written; only a
 * key nobody finds is created). New writes reach HubSpot's search index after a short lag, so the engine
 * retries an unknown outcome no sooner than its backoff allows.
 *
 * <p>Thread-safe; no per-call state is kept in fields.
 */
public final class HubSpotWriter {
  /** HubSpot's limit for batch update and create. */
  public static final int MAX_BATCH = 100;
  /**
   * HubSpot's {@code hs_task_type} for a plain task (its enum options are TODO, CALL, EMAIL, ...): the value is
   * HubSpot's word, not a note about unfinished work.
   */
  static final String TASK_TYPE_TO_DO = "TODO";
  /** The code of a result refused before sending. */
  public static final String INVALID_VALUE = "INVALID_VALUE";
  /** The code of an e-mail opt-out without an address: HubSpot keeps opt-outs by address. */
  public static final String NO_EMAIL = "NO_EMAIL";
  /** The code of an opt-out whose address HubSpot's answer names neither among results nor errors. */
  public static final String NO_RESULT = "NO_RESULT";
  /** Opts addresses out of every e-mail subscription ({@code ?channel=EMAIL}). */
  static final String UNSUBSCRIBE_ALL = "/communication-preferences/v4/statuses/batch/unsubscribe-all";
  static final String OPT_OUT_OPERATION = "opt contacts out of e-mail";
  static final Set<String> CATEGORIES = Set.of("promoter", "passive", "detractor");
  /** The task and note property holding the engine's key, by which a rewrite finds its record. */
  public static final String KEY_PROPERTY = "nps_key";
  static final int TASK_TO_CONTACT = 204;
  static final int NOTE_TO_CONTACT = 202;
  /** A task is due at this time of its due date, in the connection's time zone. */
  static final LocalTime TASK_DUE_TIME = LocalTime.of(9, 0);
  /** HubSpot refuses longer text values; a longer comment is cut rather than lose the score with it. */
  static final int MAX_TEXT = 65_536;
  /** Errors about a property rather than a value: every record of the batch has them. */
  static final Set<String> PROPERTY_ERRORS = Set.of("PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE");
  /** Per-record error categories worth trying again. */
  static final Set<String> RETRIABLE_CATEGORIES =
      Set.of("RATE_LIMITS", "RATE_LIMIT", "LOCKED", "TIMEOUT", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE");
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final HubSpotClient client;
  private final ZoneId timeZone;
  private final Map<String, String> contactFields;
  private final Map<String, String> accountFields;
  private final AtomicLong calls = new AtomicLong();

  public HubSpotWriter(HubSpotClient client, ConnectionConfig connection, WritebackConfig writeback) {
    this.client = Objects.requireNonNull(client, "client");
    this.timeZone = connection.timeZone();
    this.contactFields = fields(writeback.contactFields(HubSpotSettings.TYPE, HubSpotSettings.DEFAULT_CONTACT_FIELDS),
        WritebackConfig.CONTACT_KEYS, "contact-fields");
    this.accountFields = fields(writeback.accountFields(HubSpotSettings.TYPE, HubSpotSettings.DEFAULT_ACCOUNT_FIELDS),
        WritebackConfig.ACCOUNT_KEYS, "account-fields");
  }

  private static Map<String, String> fields(Map<String, String> fields, List<String> keys, String section) {
    for (String key : keys) {
      if (fields.get(key) == null || fields.get(key).isBlank()) {
        throw new IllegalArgumentException("writeback." + section + ".hubspot." + key + " names no property");
      }
    }
    return fields;
  }

  /** HubSpot calls made so far (a call retried inside the client counts once). */
  public long apiCalls() {
    return calls.get();
  }

  /**
   * Writes up to {@value #MAX_BATCH} requests, normally all of one kind; each kind goes in its own calls.
   *
   * @return one result per request, in order
   * @throws IllegalArgumentException for more than {@value #MAX_BATCH} requests, or a kind of request this
   *     writer does not know, before any call
   */
  public List<RecordResult> write(List<WriteRequest> requests) {
    if (requests.size() > MAX_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_BATCH + " requests per write, got " + requests.size());
    }
    RecordResult[] results = new RecordResult[requests.size()];
    Map<Target, List<Item>> byTarget = new EnumMap<>(Target.class);
    Map<String, Subscriber> optOuts = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      WriteRequest request = Objects.requireNonNull(requests.get(i), "request");
      if (request instanceof WriteRequest.EmailOptOut optOut) {
        Objects.requireNonNull(optOut.key(), "request key");
        Optional<String> address = address(optOut);
        if (address.isEmpty()) {
          results[i] = RecordResult.failed(optOut.key(), NO_EMAIL,
              "the contact has no e-mail address, and HubSpot keeps e-mail opt-outs by address", false);
        } else {
          optOuts.computeIfAbsent(lower(address.get()), id -> new Subscriber(address.get(), new ArrayList<>()))
              .requests().add(new OptOutItem(i, optOut.key(), optOut.contactId()));
        }
        continue;
      }
      Target target = Target.of(request);
      Prepared prepared = prepare(request);
      if (prepared.problem() != null) {
        results[i] = RecordResult.failed(request.key(), INVALID_VALUE, prepared.problem(), false);
      } else {
        byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(new Item(i, request.key(), prepared.input()));
      }
    }
    for (Target created : List.of(Target.TASKS, Target.NOTES)) {
      List<Item> items = byTarget.remove(created);
      if (items != null) {
        place(created, items, requests, byTarget);
      }
    }
    Call call = new Call(results);
    byTarget.forEach((target, items) -> {
      for (List<Item> round : target.create ? List.of(items) : rounds(items)) {
        send(target, round, call);
      }
    });
    if (!optOuts.isEmpty()) {
      unsubscribe(List.copyOf(optOuts.values()), call);
    }
    return List.of(results);
  }

  /** A request kind this writer does not know (a newer SPI than the adapter): refused before any call. */
  private static IllegalArgumentException unsupported(WriteRequest request) {
    return new IllegalArgumentException("the HubSpot writer cannot write a " + request.getClass().getName()
        + " (request " + request.key() + ")");
  }

  // ---- sending ----

  /** Where one kind of request goes. */
  private enum Target {
    CONTACTS("contacts", false, "update contacts' NPS properties"),
    COMPANIES("companies", false, "update companies' NPS properties"),
    TASK_UPDATES("tasks", false, "update follow-up tasks"),
    NOTE_UPDATES("notes", false, "update timeline notes"),
    TASKS("tasks", true, "create follow-up tasks"),
    NOTES("notes", true, "create timeline notes");

    final String objectType;
    final String path;
    final boolean create;
    final String operation;

    Target(String objectType, boolean create, String operation) {
      this.objectType = objectType;
      this.path = "/crm/v3/objects/" + objectType + (create ? "/batch/create" : "/batch/update");
      this.create = create;
      this.operation = operation;
    }

    /** Where records of a created kind go once they exist. */
    Target updates() {
      return this == TASKS ? TASK_UPDATES : NOTE_UPDATES;
    }

    static Target of(WriteRequest request) {
      if (request instanceof WriteRequest.ContactNps) {
        return CONTACTS;
      }
      if (request instanceof WriteRequest.AccountNps) {
        return COMPANIES;
      }
      if (request instanceof WriteRequest.FollowUpTask) {
        return TASKS;
      }
      if (request instanceof WriteRequest.TimelineActivity) {
        return NOTES;
      }
      throw unsupported(request);
    }
  }

  /** A request's place in the caller's list and in the results. */
  private interface Slot {
    int index();

    String key();
  }

  /** A request ready to send, at its position in the caller's list. */
  private record Item(int index, String key, WriteInput input) implements Slot {}

  /** An e-mail opt-out, at its position in the caller's list. */
  private record OptOutItem(int index, String key, String contactId) implements Slot {}

  /** One address to opt out, as first given, and every request for it. */
  private record Subscriber(String address, List<OptOutItem> requests) {}

  /** The state of one {@link #write} call. */
  private static final class Call {
    final RecordResult[] results;
    boolean wrote;
    HubSpotApiException stopped;

    Call(RecordResult[] results) {
      this.results = results;
    }
  }

  /**
   * Splits tasks or notes into updates of records that exist and creates of the rest: a key the engine saw
   * written updates its record; a key whose earlier write has an unknown outcome is looked for first.
   */
  private void place(Target created, List<Item> items, List<WriteRequest> requests, Map<Target, List<Item>> byTarget) {
    List<String> unknown = items.stream().filter(item -> prior(requests.get(item.index())).recordId().isEmpty()
        && prior(requests.get(item.index())).outcomeUnknown()).map(Item::key).toList();
    Map<String, String> found = unknown.isEmpty() ? Map.of() : findByKey(created.objectType, unknown);
    for (Item item : items) {
      Optional<String> id = prior(requests.get(item.index())).recordId().or(() -> Optional.ofNullable(found.get(item.key())));
      if (id.isPresent()) {
        byTarget.computeIfAbsent(created.updates(), t -> new ArrayList<>()).add(new Item(item.index(), item.key(),
            WriteInput.update(id.get(), item.key(), item.input().properties())));
      } else {
        byTarget.computeIfAbsent(created, t -> new ArrayList<>()).add(item);
      }
    }
  }

  private static PriorWrite prior(WriteRequest request) {
    if (request instanceof WriteRequest.FollowUpTask task) {
      return task.prior();
    }
    return request instanceof WriteRequest.TimelineActivity activity ? activity.prior() : PriorWrite.NONE;
  }

  /**
   * The records of one type holding these keys, by key: one CRM search ({@code IN}, at most {@value #MAX_BATCH}
   * values). A key held by several records (made by hand) maps to the oldest.
   */
  private Map<String, String> findByKey(String objectType, List<String> keys) {
    String operation = "find " + objectType + " by " + KEY_PROPERTY;
    Map<String, Object> body = Map.of(
        "filterGroups", List.of(Map.of("filters", List.of(Map.of("propertyName", KEY_PROPERTY, "operator", "IN",
            "values", keys)))),
        "sorts", List.of(Map.of("propertyName", "hs_object_id", "direction", "ASCENDING")),
        "properties", List.of(KEY_PROPERTY),
        "limit", MAX_BATCH);
    HubSpotResponse response;
    try {
      calls.incrementAndGet();
      response = client.post(operation, "/crm/v3/objects/" + objectType + "/search", body, Budget.SEARCH);
    } catch (HubSpotApiException e) {
      throw HubSpotErrors.crmException(client.connection(), e); // nothing of the batch is written yet
    }
    Map<String, String> found = new HashMap<>();
    JsonNode answer = response.body();
    if (answer != null) {
      for (JsonNode record : answer.path("results")) {
        String key = record.path("properties").path(KEY_PROPERTY).asText("");
        String id = record.path("id").asText("");
        if (!key.isEmpty() && !id.isEmpty()) {
          found.putIfAbsent(key, id);
        }
      }
    }
    return found;
  }

  /**
   * HubSpot refuses a batch that names one record twice: the second update of a record goes in a second
   * call, after the first, so that the later request wins.
   */
  private static List<List<Item>> rounds(List<Item> items) {
    List<List<Item>> rounds = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Item item : items) {
      int round = seen.merge(item.input().id(), 1, Integer::sum) - 1;
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(item);
    }
    return rounds;
  }

  private void send(Target target, List<Item> items, Call call) {
    if (call.stopped != null) {
      fail(call, items, call.stopped, true);
      return;
    }
    HubSpotResponse response;
    try {
      calls.incrementAndGet();
      response = client.post(target.operation, target.path,
          Map.of("inputs", items.stream().map(Item::input).toList()), Budget.STANDARD);
    } catch (HubSpotApiException e) {
      refused(items, all -> all, call, e, part -> send(target, part, call));
      return;
    }
    call.wrote = true;
    record(target, items, response, call);
  }

  /**
   * The whole call failed.
   *
   * @param units what the call sent (records, or addresses); a refused value splits them in halves
   * @param slots the requests behind some units
   * @param resend sends some units again
   */
  private <T> void refused(List<T> units, Function<List<T>, List<? extends Slot>> slots, Call call,
      HubSpotApiException e, Consumer<List<T>> resend) {
    if (e.status() == 401 || e.status() == 403) {
      throw HubSpotErrors.crmException(client.connection(), e);
    }
    boolean validation = e.status() == 400 && e.category().filter("VALIDATION_ERROR"::equals).isPresent();
    Optional<String> propertyError = validation ? Validation.of(e).propertyError() : Optional.empty();
    List<? extends Slot> items = slots.apply(units);
    if (validation && propertyError.isEmpty()) {
      if (units.size() == 1) {
        fail(call, items, e, false);
        return;
      }
      int half = units.size() / 2;
      resend.accept(units.subList(0, half));
      resend.accept(units.subList(half, units.size()));
      return;
    }
    if (!call.wrote) {
      throw propertyError.<CrmException>map(code -> new CrmException.Data(client.connection(), e.operation(), code,
              Validation.of(e).message() + " (every record of the batch has it: install the NPS properties or "
              + "correct writeback's hubspot fields)", e))
          .orElseGet(() -> HubSpotErrors.crmException(client.connection(), e));
    }
    if (e.retriable()) {
      call.stopped = e;
    }
    fail(call, items, e, e.retriable());
  }

  private void fail(Call call, List<? extends Slot> items, HubSpotApiException e, boolean retriable) {
    String code = e.category().orElse(e.status() == 0 ? "IO_ERROR" : "HTTP_" + e.status());
    String message = Validation.of(e).message();
    for (Slot item : items) {
      call.results[item.index()] = RecordResult.failed(item.key(), code, message, retriable);
    }
  }

  /** One result per item from a 200, 201 or 207 answer. */
  private void record(Target target, List<Item> items, HubSpotResponse response, Call call) {
    WriteBatchResponse answer = read(target, response.body());
    Map<String, Item> byKey = new HashMap<>();
    Map<String, Item> byId = new HashMap<>();
    for (Item item : items) {
      byKey.put(item.key(), item);
      if (item.input().id() != null) {
        byId.put(item.input().id(), item);
      }
    }
    Map<Integer, WriteError> failures = new HashMap<>();
    List<WriteError> unattributed = new ArrayList<>();
    for (WriteError error : answer.errors()) {
      List<Item> named = new ArrayList<>();
      error.context("objectWriteTraceId").stream().map(byKey::get).filter(Objects::nonNull).forEach(named::add);
      error.context("ids").stream().map(byId::get).filter(Objects::nonNull).forEach(named::add);
      if (named.isEmpty()) {
        unattributed.add(error);
      }
      named.forEach(item -> failures.putIfAbsent(item.index(), error));
    }
    Map<String, String> createdIds = new HashMap<>();
    Set<String> returnedIds = new HashSet<>();
    for (WriteRecord written : answer.results()) {
      returnedIds.add(written.id());
      if (written.objectWriteTraceId() != null) {
        createdIds.put(written.objectWriteTraceId(), written.id());
      }
    }
    if (target.create && createdIds.isEmpty() && items.size() == 1 && answer.results().size() == 1) {
      createdIds.put(items.get(0).key(), answer.results().get(0).id());
    }
    for (Item item : items) {
      WriteError error = failures.get(item.index());
      Optional<String> recordId = Optional.ofNullable(target.create ? createdIds.get(item.key()) : item.input().id());
      boolean answered = target.create ? recordId.isPresent() : returnedIds.contains(item.input().id());
      if (error == null && !answered && !unattributed.isEmpty()) {
        error = unattributed.get(0);
      }
      call.results[item.index()] = error == null
          ? RecordResult.ok(item.key(), recordId.orElse(null))
          : failed(item.key(), error);
    }
  }

  private WriteBatchResponse read(Target target, JsonNode body) {
    return read(target.operation, body, WriteBatchResponse.class, new WriteBatchResponse(null, List.of(), 0, List.of()));
  }

  private <T> T read(String operation, JsonNode body, Class<T> type, T empty) {
    if (body == null || !body.isObject()) {
      return empty;
    }
    try {
      return client.json().treeToValue(body, type);
    } catch (JsonProcessingException e) {
      throw new CrmException.Data(client.connection(), operation, "UNREADABLE_ANSWER",
          "HubSpot's answer does not have the shape of a batch answer: " + e.getOriginalMessage(), e);
    }
  }

  // ---- e-mail opt-outs ----

  /** Opts the addresses out of all e-mail in one call; the results go to every request of each address. */
  private void unsubscribe(List<Subscriber> subscribers, Call call) {
    List<OptOutItem> items = requestsOf(subscribers);
    if (call.stopped != null) {
      fail(call, items, call.stopped, true);
      return;
    }
    HubSpotResponse response;
    try {
      calls.incrementAndGet();
      response = client.post(OPT_OUT_OPERATION, UNSUBSCRIBE_ALL, Map.of("channel", "EMAIL"),
          Map.of("inputs", subscribers.stream().map(Subscriber::address).toList()), Budget.STANDARD);
    } catch (HubSpotApiException e) {
      refused(subscribers, HubSpotWriter::requestsOf, call, e, part -> unsubscribe(part, call));
      return;
    }
    call.wrote = true;
    recordOptOuts(subscribers, response, call);
  }

  private static List<OptOutItem> requestsOf(List<Subscriber> subscribers) {
    return subscribers.stream().flatMap(subscriber -> subscriber.requests().stream()).toList();
  }

  /** One result per request from a 200 or 207 answer: by address, an error before a status. */
  private void recordOptOuts(List<Subscriber> subscribers, HubSpotResponse response, Call call) {
    SubscriptionBatchResponse answer = read(OPT_OUT_OPERATION, response.body(), SubscriptionBatchResponse.class,
        new SubscriptionBatchResponse(null, List.of(), List.of()));
    Set<String> answered = new HashSet<>();
    for (SubscriptionStatus status : answer.results()) {
      if (status != null && status.subscriberIdString() != null) {
        answered.add(lower(status.subscriberIdString().strip()));
      }
    }
    Map<String, WriteError> failures = new HashMap<>();
    int unattributed = 0;
    for (WriteError error : answer.errors()) {
      boolean named = false;
      for (Subscriber subscriber : subscribers) {
        if (names(error, subscriber.address())) {
          failures.putIfAbsent(lower(subscriber.address()), error);
          named = true;
        }
      }
      unattributed += named ? 0 : 1;
    }
    String noResult = "HubSpot's answer names the address neither among its results nor among its errors"
        + (unattributed == 0 ? "" : " (" + unattributed + " error" + (unattributed == 1 ? "" : "s")
            + " of the answer named no address)");
    for (Subscriber subscriber : subscribers) {
      String address = lower(subscriber.address());
      WriteError error = failures.get(address);
      for (OptOutItem item : subscriber.requests()) {
        call.results[item.index()] = error != null
            ? failed(item.key(), error)
            : answered.contains(address)
                ? RecordResult.ok(item.key(), item.contactId().isBlank() ? null : item.contactId())
                : RecordResult.failed(item.key(), NO_RESULT, noResult, true);
      }
    }
  }

  /** True when an error's context (as {@code subscriberIdString} does) or its message names the address. */
  static boolean names(WriteError error, String address) {
    if (error.context() != null) {
      for (JsonNode values : error.context()) {
        for (JsonNode value : values.isArray() ? values : List.of(values)) {
          if (value.isValueNode() && value.asText().strip().equalsIgnoreCase(address)) {
            return true;
          }
        }
      }
    }
    return error.message() != null && mentions(error.message(), address);
  }

  /** True when {@code text} holds the address as a whole (not inside a longer address), in any case. */
  static boolean mentions(String text, String address) {
    String haystack = lower(text);
    String needle = lower(address);
    for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
      int end = at + needle.length();
      if ((at == 0 || !addressChar(haystack.charAt(at - 1)))
          && (end == haystack.length() || !addressChar(haystack.charAt(end)) || haystack.charAt(end) == '.'
              && (end + 1 == haystack.length() || !addressChar(haystack.charAt(end + 1))))) {
        return true;
      }
    }
    return false;
  }

  private static boolean addressChar(char c) {
    return Character.isLetterOrDigit(c) || "._%+-@".indexOf(c) >= 0;
  }

  /** The request's address, stripped; empty when it has none. */
  private static Optional<String> address(WriteRequest.EmailOptOut optOut) {
    return optOut.email() == null ? Optional.empty()
        : optOut.email().map(String::strip).filter(address -> !address.isEmpty());
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  private static RecordResult failed(String key, WriteError error) {
    String category = error.category() == null || error.category().isBlank() ? "UNKNOWN_ERROR" : error.category();
    StringBuilder message = new StringBuilder(error.message() == null ? category : error.message());
    for (WriteError.Detail detail : error.errors()) {
      if (detail.message() != null && !message.toString().contains(detail.message())) {
        message.append("; ").append(detail.in() == null ? "" : detail.in() + ": ").append(detail.message());
      }
    }
    return RecordResult.failed(key, category, message.toString(), RETRIABLE_CATEGORIES.contains(category));
  }

  /**
   * What a 400 {@code VALIDATION_ERROR} says. HubSpot lists the refused values as JSON inside its message
   * ({@code Property values were not valid: [{"error":"INVALID_OPTION","name":"...","message":"..."}]}).
   */
  private record Validation(List<JsonNode> details, String message) {
    static Validation of(HubSpotApiException e) {
      String text = e.body().path("message").asText("");
      List<JsonNode> details = new ArrayList<>();
      int start = text.indexOf('[');
      if (start >= 0) {
        try {
          HubSpotClient.objectMapper().readTree(text.substring(start)).forEach(details::add);
        } catch (JsonProcessingException ignored) {
          // not the list HubSpot usually sends: the codes in "errors" below still count
        }
      }
      e.body().path("errors").forEach(details::add);
      // one line per distinct refusal: a batch of 100 records missing one property says so once
      java.util.Set<String> parts = new java.util.LinkedHashSet<>();
      for (JsonNode detail : details) {
        String code = detail.path("error").asText(detail.path("code").asText(""));
        String name = detail.path("name").asText(detail.path("in").asText(""));
        String what = detail.path("message").asText("");
        if (!what.isEmpty()) {
          parts.add((code.isEmpty() ? "" : code + " ") + (name.isEmpty() ? "" : name + ": ") + what);
        }
      }
      return new Validation(details, parts.isEmpty() ? HubSpotErrors.withoutOperation(e) : String.join("; ", parts));
    }

    Optional<String> propertyError() {
      return details.stream()
          .map(detail -> detail.path("error").asText(detail.path("code").asText("")))
          .filter(PROPERTY_ERRORS::contains)
          .findFirst();
    }
  }

  // ---- values ----

  /** A request as HubSpot input, or why it cannot be sent. */
  private record Prepared(WriteInput input, String problem) {
    static Prepared invalid(String problem) {
      return new Prepared(null, problem);
    }
  }

  private Prepared prepare(WriteRequest request) {
    Objects.requireNonNull(request.key(), "request key");
    if (request instanceof WriteRequest.ContactNps nps) {
      return contact(nps);
    }
    if (request instanceof WriteRequest.AccountNps account) {
      return account(account);
    }
    if (request instanceof WriteRequest.FollowUpTask task) {
      return task(task);
    }
    if (request instanceof WriteRequest.TimelineActivity activity) {
      return note(activity);
    }
    throw unsupported(request);
  }

  private Prepared contact(WriteRequest.ContactNps nps) {
    String category = contactFields.get("category");
    String respondedAt = contactFields.get("responded-at");
    if (nps.contactId().isBlank()) {
      return Prepared.invalid("contact id is blank");
    }
    if (nps.category() == null || !CATEGORIES.contains(nps.category())) {
      return Prepared.invalid(category + ": must be exactly promoter, passive or detractor, got "
          + (nps.category() == null ? "none" : "'" + nps.category() + "'"));
    }
    if (nps.respondedAt() == null) {
      return Prepared.invalid(respondedAt + ": the response time is missing");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(contactFields.get("score"), Integer.toString(nps.score()));
    properties.put(category, nps.category());
    // a date property holds midnight UTC: send the UTC date of the answer
    properties.put(respondedAt, LocalDate.ofInstant(nps.respondedAt(), ZoneOffset.UTC).toString());
    String comment = nps.comment() == null ? "" : nps.comment().filter(text -> !text.isBlank()).orElse("");
    properties.put(contactFields.get("comment"), cut(comment, MAX_TEXT));
    return new Prepared(WriteInput.update(nps.contactId(), nps.key(), properties), null);
  }

  private Prepared account(WriteRequest.AccountNps account) {
    if (account.accountId().isBlank()) {
      return Prepared.invalid("company id is blank");
    }
    if (account.responses() < 0) {
      return Prepared.invalid(accountFields.get("responses") + ": a response count is not negative, got "
          + account.responses());
    }
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(accountFields.get("nps"), "");
    properties.put(accountFields.get("responses"), Integer.toString(account.responses()));
    for (String key : List.of("nps", "ci-low", "ci-high")) {
      OptionalDouble value = key.equals("nps") ? account.nps() : key.equals("ci-low") ? account.ciLow()
          : account.ciHigh();
      if (value.isPresent() && !points(value.getAsDouble())) {
        return Prepared.invalid(accountFields.get(key) + ": an NPS is between -100 and 100, got "
            + value.getAsDouble());
      }
      // an empty value clears the property (no answers in the window)
      properties.put(accountFields.get(key), value.isPresent() ? BigDecimal.valueOf(value.getAsDouble())
          .setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() : "");
    }
    return new Prepared(WriteInput.update(account.accountId(), account.key(), properties), null);
  }

  private static boolean points(double value) {
    return Double.isFinite(value) && value >= -100 && value <= 100;
  }

  private Prepared task(WriteRequest.FollowUpTask task) {
    if (task.contactId().isBlank()) {
      return Prepared.invalid("contact id is blank");
    }
    if (task.dueDate() == null) {
      return Prepared.invalid("hs_timestamp: the task has no due date");
    }
    if (task.subject() == null || task.subject().isBlank()) {
      return Prepared.invalid("hs_task_subject: the task has no subject");
    }
    Optional<String> priority = priority(task.priority());
    if (priority.isEmpty()) {
      return Prepared.invalid("hs_task_priority: must be high, normal or low, got '" + task.priority() + "'");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("hs_timestamp", TIMESTAMP.format(task.dueDate().atTime(TASK_DUE_TIME).atZone(timeZone)));
    properties.put("hs_task_subject", task.subject());
    properties.put("hs_task_body", HubSpotRichText.of(task.description() == null ? "" : task.description()));
    // the task follows the latest answer: open while it calls for a follow-up, completed once it no longer does
    properties.put("hs_task_status", task.closed() ? "COMPLETED" : "NOT_STARTED");
    properties.put("hs_task_priority", priority.get());
    properties.put("hs_task_type", TASK_TYPE_TO_DO);
    if (task.ownerId() != null) {
      task.ownerId().filter(owner -> !owner.isBlank()).ifPresent(owner -> properties.put("hubspot_owner_id", owner));
    }
    properties.put(KEY_PROPERTY, task.key());
    return new Prepared(WriteInput.create(task.key(), properties,
        List.of(WriteAssociation.hubSpotDefined(task.contactId(), TASK_TO_CONTACT))), null);
  }

  private Prepared note(WriteRequest.TimelineActivity activity) {
    if (activity.contactId().isBlank()) {
      return Prepared.invalid("contact id is blank");
    }
    if (activity.at() == null) {
      return Prepared.invalid("hs_timestamp: the activity has no time");
    }
    String subject = activity.subject() == null ? "" : activity.subject();
    String body = activity.body() == null ? "" : activity.body();
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("hs_timestamp", TIMESTAMP.format(activity.at()));
    properties.put("hs_note_body", HubSpotRichText.note(subject, body));
    properties.put(KEY_PROPERTY, activity.key());
    return new Prepared(WriteInput.create(activity.key(), properties,
        List.of(WriteAssociation.hubSpotDefined(activity.contactId(), NOTE_TO_CONTACT))), null);
  }

  /** The engine's priority (high, normal, low; any case) as HubSpot's HIGH, MEDIUM or LOW. */
  static Optional<String> priority(String priority) {
    if (priority == null) {
      return Optional.of("MEDIUM");
    }
    return switch (priority.toLowerCase(Locale.ROOT)) {
      case "high" -> Optional.of("HIGH");
      case "normal", "medium" -> Optional.of("MEDIUM");
      case "low" -> Optional.of("LOW");
      default -> Optional.empty();
    };
  }

  /** At most {@code max} characters, never half a surrogate pair. */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end);
  }
}
