package io.npsconnector.salesforce;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.support.Batches;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.support.OncePer;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.TaskStates;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.salesforce.client.SalesforceSession;
import io.npsconnector.salesforce.read.SalesforceReader;
import io.npsconnector.salesforce.read.SalesforceTaskReader;
import io.npsconnector.salesforce.write.SalesforceWriter;

/**
 * The Salesforce connection as the engine sees it: reads through {@link SalesforceReader}, writes through
 * {@link SalesforceWriter}, fields and the check through {@link SalesforceFields}, all on one
 * {@link SalesforceSession}.
 *
 * <p>Above the configured share of the org's daily API requests, the periodic sync (work that can wait)
 * pauses and returns an empty page on the same cursor until usage falls below the lower mark, while
 * write-backs of answers go on. After {@code REQUEST_LIMIT_EXCEEDED} no call is made at all for the
 * configured wait; every operation throws a retriable error that says until when.
 */
public final class SalesforceAdapter implements CrmAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(SalesforceAdapter.class);
  /** Salesforce's limit of records per create or update call. */
  public static final int MAX_WRITE_BATCH = SalesforceWriter.MAX_RECORDS_PER_CALL;

  private final SalesforceSession session;
  private final SalesforceReader reader;
  private final SalesforceWriter writer;
  private final SalesforceFields fields;
  private final SalesforceTaskReader tasks;
  private final String connection;
  private final OncePer pauseWarning;
  private final Runnable release;
  private final SalesforceLabels labels;
  private final io.npsconnector.salesforce.read.SalesforceOwners owners;

  /** @param release frees what the adapter owns (its OkHttp client), once, on {@link #close()} */
  SalesforceAdapter(SalesforceSession session, ConnectionConfig connection, AdapterContext context,
      SalesforceWriter.Pause pause, Runnable release) {
    this.session = session;
    this.release = release;
    this.connection = connection.name();
    this.pauseWarning = new OncePer(Duration.ofMinutes(15), context.clock());
    this.reader = new SalesforceReader(session, connection, context.clock());
    this.writer = new SalesforceWriter(session, context.writeback(), connection.timeZone(), pause,
        connection.fieldMapping().getOrDefault("email-opt-out", "HasOptedOutOfEmail"));
    this.fields = new SalesforceFields(session, connection, context.writeback());
    this.labels = new SalesforceLabels(session, connection.segments(),
        connection.settings(SalesforceSettings.class).baseUrl());
    this.tasks = new SalesforceTaskReader(session);
    this.owners = new io.npsconnector.salesforce.read.SalesforceOwners(session, context.clock());
  }

  /** The contact owner's {@code User.Email} (one query per owner, cached for an hour). */
  @Override
  public java.util.Optional<String> ownerEmail(String ownerId) {
    return owners.email(ownerId);
  }

  /** The picklist labels of the fields segments are read from (one describe call per sync). */
  @Override
  public java.util.Map<String, java.util.Map<String, String>> segmentLabels() {
    return labels.labels();
  }

  /** A contact's or an account's record page in Lightning, on the configured or the token's instance. */
  @Override
  public java.util.Optional<java.net.URI> recordUrl(String objectType, String crmId) {
    return labels.recordUrl(objectType, crmId);
  }

  @Override
  public ConnectionCheck check() {
    return fields.check();
  }

  @Override
  public ChangePage readChanges(SyncCursor cursor) {
    if (session.limits().conserving()) {
      if (pauseWarning.due()) {
        LOG.warn("{}: {}; the sync pauses{}", connection, session.limits().blockedUntil()
            .map(until -> "the daily Salesforce API request limit was exceeded, no call until " + until)
            .orElse(session.limits().used() + " of " + session.limits().limit() + " daily Salesforce API requests "
                + "used"), session.limits().blockedUntil().isPresent() ? "" : ", write-backs go on");
      }
      return ChangePage.paused(cursor);
    }
    return reader.read(cursor);
  }

  /** Answers are kept as NPS Response records ({@code NPS_Response__c}, upserted on the invitation's key). */
  @Override
  public boolean keepsResponses() {
    return true;
  }

  @Override
  public int maxWriteBatch() {
    return MAX_WRITE_BATCH;
  }

  @Override
  public List<RecordResult> write(List<WriteRequest> requests) {
    Batches.requireAtMost(connection, requests, MAX_WRITE_BATCH);
    if (requests.isEmpty()) {
      return List.of();
    }
    return writer.write(requests);
  }

  /** Follow-up tasks are read back with SOQL on {@code Task} by id (see {@link SalesforceTaskReader}). */
  @Override
  public boolean readsTasks() {
    return true;
  }

  @Override
  public TaskStates readTasks(List<String> crmTaskIds) {
    Batches.requireAtMostTasks(connection, crmTaskIds, maxTaskRead());
    return tasks.read(crmTaskIds);
  }

  @Override
  public FieldReport describeFields() {
    return fields.describeFields();
  }

  @Override
  public FieldReport installFields() {
    return fields.installFields();
  }

  @Override
  public boolean conservingApiBudget() {
    return session.limits().conserving();
  }

  /** Calls made so far per Partner API operation. */
  public java.util.Map<String, Long> calls() {
    return session.calls();
  }

  @Override
  public void close() {
    // WSC opens one HTTP connection per call; the token requests' OkHttp client is the adapter's own
    release.run();
  }

  @Override
  public String toString() {
    return "Salesforce adapter for " + connection;
  }
}
