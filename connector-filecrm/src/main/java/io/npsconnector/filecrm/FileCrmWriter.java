package io.npsconnector.filecrm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the engine's requests into the folder: NPS values and the e-mail opt-out onto {@code contacts/ID.json}
 * (without touching {@code modified-at}: write-back is not a change the next sync must read), the roll-up onto
 * {@code accounts/ID.json}, follow-up tasks and timeline entries as {@code tasks/KEY.json} and
 * {@code activities/KEY.json}, named by the request's key so that writing one twice leaves one file.
 *
 * <p>Per record, a contact that is locked ({@code ID.json.lock} beside it) is refused with {@code LOCKED}
 * (retriable), one marked {@code "archived": true} with {@code ARCHIVED}, and a missing one with
 * {@code NOT_FOUND} (both permanent).
 */
final class FileCrmWriter {
  /** The contact properties NPS values go to unless {@code writeback.contact-fields.json-folder} says otherwise. */
  static final Map<String, String> DEFAULT_CONTACT_FIELDS = ordered("score", "nps_score", "category", "nps_category",
      "responded-at", "nps_responded_at", "comment", "nps_comment");
  /** The account properties of the roll-up unless {@code writeback.account-fields.json-folder} says otherwise. */
  static final Map<String, String> DEFAULT_ACCOUNT_FIELDS = ordered("nps", "nps_account_score", "responses",
      "nps_responses", "ci-low", "nps_account_ci_low", "ci-high", "nps_account_ci_high");

  private final FileCrmFolder folder;
  private final Map<String, String> contactFields;
  private final Map<String, String> accountFields;
  private final String optOutProperty;

  FileCrmWriter(FileCrmFolder folder, WritebackConfig writeback, Map<String, String> fieldMapping) {
    this.folder = folder;
    this.contactFields = writeback.contactFields(FileCrmSettings.TYPE, DEFAULT_CONTACT_FIELDS);
    this.accountFields = writeback.accountFields(FileCrmSettings.TYPE, DEFAULT_ACCOUNT_FIELDS);
    this.optOutProperty = fieldMapping.getOrDefault("email-opt-out", "email-opt-out");
  }

  /** One result per request, in order. */
  List<RecordResult> write(List<WriteRequest> requests) {
    List<RecordResult> results = new ArrayList<>(requests.size());
    for (WriteRequest request : requests) {
      try {
        results.add(RecordResult.ok(request.key(), apply(request)));
      } catch (Refused refused) {
        results.add(RecordResult.failed(request.key(), refused.code, refused.getMessage(), refused.retriable));
      }
    }
    return results;
  }

  /** Applies one request; returns the id of the record written. */
  private String apply(WriteRequest request) {
    if (request instanceof WriteRequest.ContactNps nps) {
      return updateContact(nps.contactId(), contact -> {
        contact.put(contactFields.get("score"), nps.score());
        contact.put(contactFields.get("category"), nps.category());
        contact.put(contactFields.get("responded-at"), nps.respondedAt().toString());
        nps.comment().ifPresentOrElse(comment -> contact.put(contactFields.get("comment"), comment),
            () -> contact.remove(contactFields.get("comment")));
      });
    }
    if (request instanceof WriteRequest.EmailOptOut optOut) {
      return updateContact(optOut.contactId(), contact -> contact.put(optOutProperty, true));
    }
    if (request instanceof WriteRequest.AccountNps nps) {
      ObjectNode account = folder.read(FileCrmFolder.ACCOUNTS, nps.accountId())
          .orElseGet(() -> folder.newRecord(nps.accountId()));
      Map<String, java.util.OptionalDouble> points = Map.of("nps", nps.nps(), "ci-low", nps.ciLow(),
          "ci-high", nps.ciHigh());
      points.forEach((key, value) -> {
        if (value.isPresent()) {
          account.put(accountFields.get(key), Math.round(value.getAsDouble() * 10) / 10.0);
        } else {
          account.remove(accountFields.get(key));
        }
      });
      account.put(accountFields.get("responses"), nps.responses());
      folder.write(FileCrmFolder.ACCOUNTS, nps.accountId(), account);
      return nps.accountId();
    }
    if (request instanceof WriteRequest.FollowUpTask task) {
      requireContact(task.contactId());
      ObjectNode record = folder.newRecord(task.key()).put("contact", task.contactId())
          .put("subject", task.subject()).put("description", task.description())
          .put("due", task.dueDate().toString()).put("priority", task.priority()).put("status", "open");
      task.ownerId().ifPresent(owner -> record.put("owner", owner));
      folder.write(FileCrmFolder.TASKS, task.key(), record);
      return task.key();
    }
    WriteRequest.TimelineActivity activity = (WriteRequest.TimelineActivity) request;
    requireContact(activity.contactId());
    folder.write(FileCrmFolder.ACTIVITIES, activity.key(), folder.newRecord(activity.key())
        .put("contact", activity.contactId()).put("subject", activity.subject()).put("body", activity.body())
        .put("at", activity.at().toString()));
    return activity.key();
  }

  private String updateContact(String id, java.util.function.Consumer<ObjectNode> change) {
    ObjectNode contact = requireContact(id);
    change.accept(contact);
    folder.write(FileCrmFolder.CONTACTS, id, contact);
    return id;
  }

  private ObjectNode requireContact(String id) {
    if (folder.locked(FileCrmFolder.CONTACTS, id)) {
      throw new Refused("LOCKED", "contact " + id + " is locked by another writer", true);
    }
    ObjectNode contact = folder.read(FileCrmFolder.CONTACTS, id)
        .orElseThrow(() -> new Refused("NOT_FOUND", "no contact " + id, false));
    if (contact.path("archived").asBoolean(false)) {
      throw new Refused("ARCHIVED", "contact " + id + " is archived", false);
    }
    return contact;
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** A record the folder refuses; becomes a failed {@link RecordResult}. */
  private static final class Refused extends RuntimeException {
    private final String code;
    private final boolean retriable;

    Refused(String code, String message, boolean retriable) {
      super(message, null, false, false);
      this.code = code;
      this.retriable = retriable;
    }
  }
}
