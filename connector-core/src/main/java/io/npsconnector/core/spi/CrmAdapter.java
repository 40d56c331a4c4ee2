package io.npsconnector.core.spi;

import java.util.List;

/**
 * One configured CRM connection, as the engine sees it.
 *
 * <p><b>Threading.</b> The engine calls one adapter from one thread at a time per operation kind
 * (reads are not concurrent with other reads; writes are not concurrent with other writes), but a
 * read and a write may run at the same time. Implementations keep no per-call state in fields.
 *
 * <p><b>Persistence.</b> Adapters persist nothing: they return cursors and per-record results, and the
 * engine stores them. A cursor handed back to {@link #readChanges} must resume exactly where the page
 * that returned it ended, across process restarts.
 *
 * <p><b>Idempotency.</b> Reading with the same cursor twice returns the same changes or a superset
 * (the engine de-duplicates). Writing the same request twice leaves the CRM as writing it once. Tasks
 * and timeline entries are written by the engine's {@link WriteRequest#key()}, which stays the same for
 * every write about one answer: the first write creates the record and stores the key on it, every later
 * one (a resubmitted answer, a retry) updates that record. Where the CRM cannot create-or-update by the key
 * in one call, the adapter looks the record up by the key before creating it whenever the request's
 * {@link PriorWrite#mayExist()}.
 *
 * <p><b>Errors.</b> Whole-call failures throw {@link CrmException}: {@link CrmException.Retriable} (rate
 * limits, timeouts, 5xx; with the CRM's retry hint), {@link CrmException.Authentication} (permanent:
 * the engine stops the connection), {@link CrmException.Data} (a permanent error the engine records).
 * Per-record failures in a write are results, not exceptions. No message ever contains a token.
 *
 * @since 0.1
 */
public interface CrmAdapter extends AutoCloseable {
  /** Signs in and checks access and fields; changes nothing. */
  ConnectionCheck check();

  /**
   * Reads the next page of contacts changed and events that happened after {@code cursor}.
   *
   * @param cursor {@link SyncCursor#START} for the first sync
   */
  ChangePage readChanges(SyncCursor cursor);

  /** The most requests {@link #write} takes in one call (the CRM's batch limit). */
  int maxWriteBatch();

  /**
   * How many {@link #write} calls the engine may have in flight at once on this connection (1 to 8): an adapter
   * that answers more than 1 must take concurrent calls, each with other records, and keep them under the CRM's
   * limits itself. Calls wait for the CRM's answer most of their time; a second one in flight uses that wait.
   *
   * @since 0.4
   */
  default int maxConcurrentWrites() {
    return 1;
  }

  /**
   * Writes a batch of at most {@link #maxWriteBatch()} requests.
   *
   * @return one result per request, in the order of {@code requests}
   */
  List<RecordResult> write(List<WriteRequest> requests);

  /** The fields the connector needs on each object, and whether each exists and is writable. */
  FieldReport describeFields();

  /** Creates the missing fields where the CRM's API allows it, or says how to; twice changes nothing. */
  FieldReport installFields();

  /**
   * True when the CRM keeps one record per answer: the engine then also writes a {@link WriteRequest.Response}
   * for every answer, and again for every resubmission under the same key. Adapters that answer false never
   * receive one.
   *
   * @since 0.2
   */
  default boolean keepsResponses() {
    return false;
  }

  /**
   * True while the CRM's API budget runs low (a daily limit nearly used up): the engine then puts off
   * work that can wait, such as planning relationship surveys. Answers from what the adapter already
   * knows, without a call.
   */
  default boolean conservingApiBudget() {
    return false;
  }

  /**
   * The address of a record in the CRM's own user interface, for links in alerts and pages; empty when the adapter
   * cannot tell (it answers from what it already knows, without a call).
   *
   * @param objectType {@code contact} or {@code account}
   * @param crmId the record's id in this connection
   * @since 0.3
   */
  default java.util.Optional<java.net.URI> recordUrl(String objectType, String crmId) {
    return java.util.Optional.empty();
  }

  /**
   * The CRM's labels of the values of each configured segment, where the CRM defines them (a picklist, an
   * enumeration property): segment name to stored value to the label people see in the CRM. Segments read
   * from free-text fields are absent. The engine calls this once per sync and keeps the answer, so it may
   * call the CRM.
   *
   * @throws CrmException when the CRM refuses or cannot be reached
   * @since 0.3
   */
  default java.util.Map<String, java.util.Map<String, String>> segmentLabels() {
    return java.util.Map.of();
  }

  /**
   * True when the adapter reads follow-up tasks back ({@link #readTasks}); the engine then reads the state of
   * every task it wrote that is still open on each sync.
   *
   * @since 0.3
   */
  default boolean readsTasks() {
    return false;
  }

  /**
   * The most task ids {@link #readTasks} takes in one call; the adapter itself splits them into as many CRM
   * calls as its limits need ({@link TaskStates#apiCalls()} says how many).
   *
   * @since 0.3
   */
  default int maxTaskRead() {
    return 1_000;
  }

  /**
   * Reads the current state of follow-up tasks the engine wrote, by the record ids the CRM named for them.
   *
   * <p><b>Contract.</b> Reads only, changes nothing, so it is safe to repeat. Returns one {@link TaskState} per id,
   * in the order of {@code crmTaskIds}; an id the CRM has no live record for (a rep deleted the task) comes back
   * as {@link TaskState.Status#DELETED}, not as an error. Batched to the CRM's own limits (HubSpot: 100 ids a
   * batch read; Salesforce: a SOQL {@code IN} list within the statement's length limit). Whole-call failures throw
   * {@link CrmException} as every other operation does (retriable, authentication, data); the engine keeps the
   * states it had. Called from the sync's thread, never concurrently with {@link #readChanges}.
   *
   * @param crmTaskIds at most {@link #maxTaskRead()} distinct ids
   * @throws UnsupportedOperationException when {@link #readsTasks()} is false
   * @since 0.3
   */
  default TaskStates readTasks(List<String> crmTaskIds) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not read tasks back");
  }

  /**
   * The e-mail address of the CRM user with this id (a contact's owner), for alerts to the owner; empty when the
   * CRM has no such user or no address for it. May call the CRM (adapters cache the answer).
   *
   * @throws CrmException when the CRM could not be asked
   * @since 0.3
   */
  default java.util.Optional<String> ownerEmail(String ownerId) {
    return java.util.Optional.empty();
  }

  /** Releases connections; never throws. */
  @Override
  void close();
}
