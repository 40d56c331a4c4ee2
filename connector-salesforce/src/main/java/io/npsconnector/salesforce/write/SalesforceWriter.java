package io.npsconnector.salesforce.write;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sforce.soap.partner.SaveResult;
import com.sforce.soap.partner.UpsertResult;
import com.sforce.soap.partner.sobject.SObject;

import io.npsconnector.salesforce.SalesforceSettings;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.salesforce.client.SalesforceSession;

/**
 * Write-back to Salesforce: contact NPS fields and account roll-ups through {@code update}, follow-up tasks
 * and activity-history entries through {@code upsert} of {@code Task} records on the external id
 * {@value #TASK_KEY_FIELD} (the engine's key), in calls of at most 200 records per object: the first write
 * of a key creates its task, every later one (a resubmitted answer, a retry after a timeout or a crash)
 * updates it, so one answer never leaves two. Each {@code SaveResult} or {@code UpsertResult} becomes the
 * result of its request; records refused with {@code UNABLE_TO_LOCK_ROW} are sent again, and reported
 * retriable if the lock persists. Dates go out as {@code yyyy-MM-dd}; cleared values through
 * {@code fieldsToNull}.
 */
public final class SalesforceWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SalesforceWriter.class);
  /** Salesforce's limit of records per create or update call. */
  public static final int MAX_RECORDS_PER_CALL = 200;
  static final String LOCKED = "UNABLE_TO_LOCK_ROW";
  /** Long text areas hold at most 131,072 characters; the shipped comment field holds 32,768. */
  static final int MAX_LONG_TEXT = 32_768;
  /** {@code Task.Description} is a standard long text area of 32,000 characters. */
  static final int MAX_TASK_DESCRIPTION = 32_000;
  static final int MAX_SUBJECT = 255;
  static final int LOCK_RETRIES = 2;
  /** The unique external id on Task (an Activity field) that holds the engine's key; shipped as DX source. */
  public static final String TASK_KEY_FIELD = "NPS_Key__c";
  /** The object that keeps one record per answer; shipped as DX source. */
  public static final String RESPONSE_OBJECT = "NPS_Response__c";
  /** Its unique external id: the invitation's key. */
  public static final String RESPONSE_KEY_FIELD = "Invitation_Key__c";

  /** The wait before the n-th retry of locked rows (Resilience4j's interval function): 1 s, 2 s, 3 s. */
  private static final IntervalFunction LOCK_BACKOFF =
      IntervalFunction.of(Duration.ofSeconds(1), previous -> previous + Duration.ofSeconds(1).toMillis());

  /** Waits between lock retries; replaced by a no-op in tests. */
  @FunctionalInterface
  public interface Pause {
    void sleep(Duration duration);

    Pause SYSTEM = duration -> {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting to retry a locked row", e);
      }
    };
  }

  private final SalesforceSession session;
  private final Map<String, String> contactFields;
  private final Map<String, String> accountFields;
  private final ZoneId zone;
  private final Pause pause;
  private final String optOutField;

  public SalesforceWriter(SalesforceSession session, WritebackConfig writeback, ZoneId zone, Pause pause) {
    this(session, writeback, zone, pause, "HasOptedOutOfEmail");
  }

  /** @param optOutField the Contact field of the e-mail opt-out (the connection's {@code fields.email-opt-out}) */
  public SalesforceWriter(SalesforceSession session, WritebackConfig writeback, ZoneId zone, Pause pause,
      String optOutField) {
    this.optOutField = optOutField;
    this.session = session;
    this.contactFields = writeback.contactFields(SalesforceSettings.TYPE,
        SalesforceSettings.DEFAULT_CONTACT_FIELDS);
    this.accountFields = writeback.accountFields(SalesforceSettings.TYPE,
        SalesforceSettings.DEFAULT_ACCOUNT_FIELDS);
    this.zone = zone;
    this.pause = pause;
  }

  /** One record to send, with the request it came from. */
  private record Out(WriteRequest request, SObject record) {}

  /** Writes the requests, any number, and returns one result per request in their order. */
  public List<RecordResult> write(List<WriteRequest> requests) {
    Map<String, List<Out>> updates = new LinkedHashMap<>();
    Map<String, List<Out>> upserts = new LinkedHashMap<>();
    for (WriteRequest request : requests) {
      if (request instanceof WriteRequest.ContactNps nps) {
        updates.computeIfAbsent("Contact", k -> new ArrayList<>()).add(new Out(request, contact(nps)));
      } else if (request instanceof WriteRequest.AccountNps account) {
        updates.computeIfAbsent("Account", k -> new ArrayList<>()).add(new Out(request, account(account)));
      } else if (request instanceof WriteRequest.FollowUpTask task) {
        upserts.computeIfAbsent("Task", k -> new ArrayList<>()).add(new Out(request, followUp(task)));
      } else if (request instanceof WriteRequest.EmailOptOut optOut) {
        updates.computeIfAbsent("Contact", k -> new ArrayList<>()).add(new Out(request, optOut(optOut)));
      } else if (request instanceof WriteRequest.TimelineActivity activity) {
        upserts.computeIfAbsent("Task", k -> new ArrayList<>()).add(new Out(request, activity(activity)));
      } else if (request instanceof WriteRequest.Response response) {
        upserts.computeIfAbsent(RESPONSE_OBJECT, k -> new ArrayList<>()).add(new Out(request, response(response)));
      }
    }
    Map<String, RecordResult> results = new LinkedHashMap<>();
    boolean[] anyCallDone = {false};
    try {
      updates.forEach((type, outs) -> send(type, outs, false, results, anyCallDone));
      upserts.forEach((type, outs) -> send(type, outs, true, results, anyCallDone));
    } catch (CrmException.Retriable e) {
      if (!anyCallDone[0]) {
        throw e; // nothing was written: the whole call may be tried again
      }
      // some calls went through: those have their results; the rest waits
      LOG.warn("{}: write-back stopped part way: {}", session.connection(), e.getMessage());
      for (WriteRequest request : requests) {
        results.putIfAbsent(request.key(), RecordResult.failed(request.key(), "NOT_SENT",
            "not sent: " + e.getMessage(), true));
      }
    }
    return requests.stream().map(request -> results.get(request.key())).toList();
  }

  /** A {@code SaveResult} or an {@code UpsertResult}: the same three things. */
  private record Saved(boolean success, String id, com.sforce.soap.partner.Error[] errors) {
    static Saved of(SaveResult result) {
      return new Saved(result.isSuccess(), result.getId(), result.getErrors());
    }

    static Saved of(UpsertResult result) {
      return new Saved(result.isSuccess(), result.getId(), result.getErrors());
    }
  }

  /**
   * @param upsert upsert on the type's key ({@value #TASK_KEY_FIELD} for tasks, {@value #RESPONSE_KEY_FIELD} for
   *     responses), or update by id
   */
  private void send(String type, List<Out> outs, boolean upsert, Map<String, RecordResult> results,
      boolean[] anyCallDone) {
    for (int from = 0; from < outs.size(); from += MAX_RECORDS_PER_CALL) {
      List<Out> pending = outs.subList(from, Math.min(outs.size(), from + MAX_RECORDS_PER_CALL));
      for (int attempt = 0; !pending.isEmpty(); attempt++) {
        if (attempt > 0) {
          pause.sleep(Duration.ofMillis(LOCK_BACKOFF.apply(attempt)));
        }
        SObject[] records = pending.stream().map(Out::record).toArray(SObject[]::new);
        String operation = (upsert ? "upsert " : "update ") + records.length + " " + type + " record"
            + (records.length == 1 ? "" : "s") + (upsert ? " on " + keyField(type) : "");
        Saved[] saved;
        try {
          if (upsert) {
            UpsertResult[] answer = session.call("upsert", operation,
                partner -> partner.upsert(keyField(type), records));
            saved = Arrays.stream(answer).map(Saved::of).toArray(Saved[]::new);
          } else {
            SaveResult[] answer = session.call("update", operation, partner -> partner.update(records));
            saved = Arrays.stream(answer).map(Saved::of).toArray(Saved[]::new);
          }
        } catch (CrmException.Data e) {
          throw namingTheConfiguration(type, e);
        }
        anyCallDone[0] = true;
        if (saved.length != records.length) {
          throw new CrmException.Data(session.connection(), operation, "RESULT_COUNT", "Salesforce answered with "
              + saved.length + " results for " + records.length + " records", null);
        }
        List<Out> locked = new ArrayList<>();
        for (int i = 0; i < saved.length; i++) {
          Out out = pending.get(i);
          String key = out.request().key();
          Saved result = saved[i];
          if (result.success()) {
            results.put(key, RecordResult.ok(key, result.id()));
            continue;
          }
          com.sforce.soap.partner.Error[] errors = result.errors() == null
              ? new com.sforce.soap.partner.Error[0] : result.errors();
          String code = errors.length == 0 || errors[0].getStatusCode() == null ? "UNKNOWN"
              : errors[0].getStatusCode().name();
          String message = Arrays.stream(errors).map(SalesforceWriter::describe).collect(Collectors.joining("; "));
          boolean lock = LOCKED.equals(code);
          if (lock && attempt < LOCK_RETRIES) {
            locked.add(out);
          }
          results.put(key, RecordResult.failed(key, code, message, lock));
        }
        pending = locked;
      }
    }
  }

  private static String describe(com.sforce.soap.partner.Error error) {
    String fields = error.getFields() == null || error.getFields().length == 0 ? ""
        : " (" + String.join(", ", error.getFields()) + ")";
    return (error.getStatusCode() == null ? "" : error.getStatusCode().name() + ": ") + error.getMessage() + fields;
  }

  private SObject contact(WriteRequest.ContactNps nps) {
    Optional<String> comment = nps.comment().map(String::strip).filter(text -> !text.isEmpty());
    SObject contact = updateOf("Contact", nps.contactId(),
        comment.isPresent() ? List.of() : List.of(contactFields.get("comment")));
    contact.setField(contactFields.get("score"), Integer.toString(nps.score()));
    contact.setField(contactFields.get("category"), categoryLabel(nps.category()));
    contact.setField(contactFields.get("responded-at"), date(nps.respondedAt().atZone(zone).toLocalDate()));
    comment.ifPresent(text -> contact.setField(contactFields.get("comment"), truncate(text, MAX_LONG_TEXT)));
    return contact;
  }

  /**
   * An update of one record. WSC writes an SObject's children in the order they were set, and the Partner
   * WSDL's sObject is a sequence (type, fieldsToNull, Id, fields): the fields to clear go in before the Id,
   * or Salesforce refuses the whole call.
   */
  private static SObject updateOf(String type, String id, List<String> fieldsToNull) {
    SObject record = new SObject(type);
    if (!fieldsToNull.isEmpty()) {
      record.setFieldsToNull(fieldsToNull.toArray(String[]::new));
    }
    record.setId(id);
    return record;
  }

  private SObject optOut(WriteRequest.EmailOptOut optOut) {
    SObject contact = updateOf("Contact", optOut.contactId(), List.of());
    contact.setField(optOutField, "true");
    return contact;
  }

  private SObject account(WriteRequest.AccountNps nps) {
    Map<String, java.util.OptionalDouble> points = new LinkedHashMap<>();
    points.put(accountFields.get("nps"), nps.nps());
    points.put(accountFields.get("ci-low"), nps.ciLow());
    points.put(accountFields.get("ci-high"), nps.ciHigh());
    // fields without a value (no answers in the window) are cleared
    SObject account = updateOf("Account", nps.accountId(), points.entrySet().stream()
        .filter(entry -> entry.getValue().isEmpty()).map(Map.Entry::getKey).toList());
    account.setField(accountFields.get("responses"), Integer.toString(nps.responses()));
    points.forEach((field, value) -> value.ifPresent(number -> account.setField(field,
        String.format(Locale.ROOT, "%.1f", number))));
    return account;
  }

  private SObject followUp(WriteRequest.FollowUpTask task) {
    SObject record = new SObject("Task");
    record.setField("WhoId", task.contactId());
    task.ownerId().ifPresent(owner -> record.setField("OwnerId", owner));
    record.setField("Subject", truncate(task.subject(), MAX_SUBJECT));
    record.setField("Description", truncate(task.description(), MAX_TASK_DESCRIPTION));
    record.setField("ActivityDate", date(task.dueDate()));
    record.setField("Priority", priority(task.priority()));
    // the task follows the latest answer: open while it calls for a follow-up, completed once it no longer does
    record.setField("Status", task.closed() ? "Completed" : "Not Started");
    record.setField(TASK_KEY_FIELD, task.key());
    return record;
  }

  private static String keyField(String type) {
    return type.equals(RESPONSE_OBJECT) ? RESPONSE_KEY_FIELD : TASK_KEY_FIELD;
  }

  /** One answer as an NPS Response record; a detractor's follow-up is open, anyone else's closed. */
  private SObject response(WriteRequest.Response response) {
    SObject record = new SObject(RESPONSE_OBJECT);
    Optional<String> comment = response.comment().map(String::strip).filter(text -> !text.isEmpty());
    if (comment.isEmpty()) {
      record.setFieldsToNull(new String[] {"Comment__c"});
    }
    record.setField(RESPONSE_KEY_FIELD, response.key());
    record.setField("Score__c", Integer.toString(response.score()));
    record.setField("Category__c", categoryLabel(response.category()));
    comment.ifPresent(text -> record.setField("Comment__c", truncate(text, MAX_LONG_TEXT)));
    record.setField("Trigger__c", truncate(response.trigger(), 63)); // the shipped field lengths
    record.setField("Channel__c", truncate(response.channel(), 16));
    record.setField("Answered_At__c", response.answeredAt().toString());
    record.setField("Contact__c", response.contactId());
    response.accountId().ifPresent(account -> record.setField("Account__c", account));
    record.setField("Follow_Up_Status__c", "detractor".equalsIgnoreCase(response.category()) ? "Open" : "Closed");
    return record;
  }

  private SObject activity(WriteRequest.TimelineActivity activity) {
    SObject record = new SObject("Task");
    record.setField("WhoId", activity.contactId());
    record.setField("Subject", truncate(activity.subject(), MAX_SUBJECT));
    record.setField("Description", truncate(activity.body(), MAX_TASK_DESCRIPTION));
    record.setField("ActivityDate", date(activity.at().atZone(zone).toLocalDate()));
    record.setField("Priority", "Normal");
    record.setField("Status", "Completed");
    record.setField(TASK_KEY_FIELD, activity.key());
    return record;
  }

  /** Date fields take {@code yyyy-MM-dd} strings; a java.util.Date would go out as a dateTime. */
  static String date(LocalDate date) {
    return date.toString();
  }

  /** The picklist values of the shipped category field: Promoter, Passive, Detractor. */
  static String categoryLabel(String category) {
    String lower = category.toLowerCase(Locale.ROOT);
    return lower.isEmpty() ? lower : Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }

  /** Salesforce's standard Task priorities: High, Normal, Low. */
  static String priority(String priority) {
    return switch (priority.toLowerCase(Locale.ROOT)) {
      case "high" -> "High";
      case "low" -> "Low";
      default -> "Normal";
    };
  }

  private static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end);
  }

  /** A field refused as a whole ({@code INVALID_FIELD}) is one the configuration named: say which key. */
  private CrmException namingTheConfiguration(String type, CrmException.Data e) {
    if (type.equals("Task") && "INVALID_FIELD".equals(e.vendorCode())) {
      return new CrmException.Data(session.connection(), e.operation(), e.vendorCode(), "Task." + TASK_KEY_FIELD
          + " (a unique external id holding the engine's key, so that no answer makes two tasks) is missing or not "
          + "an external id; deploy the connector's fields (install-fields says how). " + e.getMessage(), e);
    }
    Map<String, String> fields = switch (type) {
      case "Contact" -> contactFields;
      case "Account" -> accountFields;
      default -> Map.of();
    };
    String section = type.equals("Contact") ? "contact-fields" : "account-fields";
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (e.getMessage().contains("'" + field.getValue() + "'") || e.getMessage().contains(" " + field.getValue())) {
        return new CrmException.Data(session.connection(), e.operation(), e.vendorCode(), "writeback." + section
            + ".salesforce." + field.getKey() + " names " + type + "." + field.getValue() + ", which Salesforce "
            + "refused; deploy the connector's fields (install-fields) or fix the configuration. " + e.getMessage(),
            e);
      }
    }
    return e;
  }
}
