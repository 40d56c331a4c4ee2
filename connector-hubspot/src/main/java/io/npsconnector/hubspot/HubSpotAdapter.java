package io.npsconnector.hubspot;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.support.Batches;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.EventSink;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.InboundHandler;
import io.npsconnector.core.spi.InboundResponse;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SignedRequestVerifier;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.TaskStates;
import io.npsconnector.core.spi.WebhookReceiver;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.spi.support.OncePer;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.TokenSource;
import io.npsconnector.hubspot.webhook.HubSpotRequestSignature;
import io.npsconnector.hubspot.webhook.HubSpotWebhookHandler;
import io.npsconnector.hubspot.webhook.WebhookResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HubSpot connection as the engine sees it: reads through {@link HubSpotReader}, writes through
 * {@link HubSpotWriter}, fields through {@link HubSpotFieldInstaller}, the check through
 * {@link HubSpotCheck}, all on one {@link HubSpotClient} and its rate governor.
 *
 * <p>Near the daily API limit, reading (periodic sync: work that can wait) pauses and returns an
 * empty page on the same cursor, while writes of answers (the reason the connector exists) go on.
 * The pause is lifted when HubSpot reports budget again, or an hour after it last said anything.
 *
 * <p>HubSpot's webhook deliveries come in through {@link #webhooks}: signed (v3) deal and ticket stage changes
 * become events at once. {@link #close()} releases the connection's OkHttp client.
 */
public final class HubSpotAdapter implements CrmAdapter, WebhookReceiver, SignedRequestVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotAdapter.class);
  /** HubSpot's batch limit for updates and creates. */
  public static final int MAX_WRITE_BATCH = 100;

  private final HubSpotClient client;
  private final HubSpotReader reader;
  private final HubSpotWriter writer;
  private final HubSpotFieldInstaller installer;
  private final HubSpotCheck check;
  private final String connection;
  private final HubSpotSettings settings;
  private final Clock clock;
  private final OncePer pauseWarning;
  private final HubSpotRequestSignature signature;
  private final HubSpotLabels labels;
  private final HubSpotTaskReader tasks;
  private final HubSpotOwners owners;

  HubSpotAdapter(HubSpotClient client, TokenSource tokens, ConnectionConfig connection, AdapterContext context) {
    this(client, tokens, connection, context, HubSpotReader.PAGE);
  }

  /** @param pageSize records per search page (smaller in tests) */
  HubSpotAdapter(HubSpotClient client, TokenSource tokens, ConnectionConfig connection, AdapterContext context,
      int pageSize) {
    this(client, connection, context, new HubSpotReader(client, connection, context.clock(), pageSize),
        new HubSpotWriter(client, connection, context.writeback()),
        new HubSpotFieldInstaller(client, context.writeback()), tokens);
  }

  /** The parts as the connection's {@link HubSpotModule} made them. */
  HubSpotAdapter(HubSpotClient client, ConnectionConfig connection, AdapterContext context, HubSpotReader reader,
      HubSpotWriter writer, HubSpotFieldInstaller installer, TokenSource tokens) {
    this.client = client;
    this.connection = connection.name();
    this.settings = connection.settings(HubSpotSettings.class);
    this.clock = context.clock();
    this.pauseWarning = new OncePer(Duration.ofMinutes(15), context.clock());
    this.reader = reader;
    this.writer = writer;
    this.installer = installer;
    this.check = new HubSpotCheck(client, connection, tokens, installer, context.writeback());
    this.signature = HubSpotRequestSignature.of(settings, context.clock());
    this.labels = new HubSpotLabels(client, connection.segments());
    this.tasks = new HubSpotTaskReader(client, connection.timeZone());
    this.owners = new HubSpotOwners(client, context.clock());
  }

  /** The owner's e-mail from HubSpot's owners API (cached for an hour); empty for an owner HubSpot does not know. */
  @Override
  public Optional<String> ownerEmail(String ownerId) {
    return owners.email(ownerId);
  }

  /** A request HubSpot signed for this connection's app: the NPS card calling the read API. */
  @Override
  public Optional<String> refusal(String method, String uri, Map<String, String> headers, byte[] body) {
    return signature.refusal(method, uri, headers, body);
  }

  @Override
  public ConnectionCheck check() {
    return check.check();
  }

  @Override
  public ChangePage readChanges(SyncCursor cursor) {
    if (client.governor().nearDailyLimit()) {
      if (pauseWarning.due()) {
        LOG.warn("{}: less than the reserve of HubSpot's daily API limit is left ({} calls); the sync pauses, "
            + "write-backs go on", connection, client.governor().dailyRemaining());
      }
      return ChangePage.paused(cursor);
    }
    return reader.read(cursor);
  }

  @Override
  public int maxWriteBatch() {
    return MAX_WRITE_BATCH;
  }

  /**
   * Two: a batch write waits for HubSpot most of its time, and one call after another leaves the 10-second budget
   * partly unused; the rate governor keeps both calls under the limits, and the writer holds no state of a call.
   */
  @Override
  public int maxConcurrentWrites() {
    return 2;
  }

  @Override
  public List<RecordResult> write(List<WriteRequest> requests) {
    Batches.requireAtMost(connection, requests, MAX_WRITE_BATCH);
    if (requests.isEmpty()) {
      return List.of();
    }
    return writer.write(requests);
  }

  /** Follow-up tasks are read back with batch reads of {@value HubSpotTaskReader#MAX_BATCH}. */
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
    return installer.describeFields();
  }

  @Override
  public FieldReport installFields() {
    return installer.installFields();
  }

  /** The option labels of the enumeration properties segments are read from (one call; the account once). */
  @Override
  public Map<String, Map<String, String>> segmentLabels() {
    return labels.labels();
  }

  /**
   * A contact's record page in HubSpot ({@code https://app.hubspot.com/contacts/PORTAL/record/0-1/ID}), once
   * a sync has read the account's details.
   */
  @Override
  public Optional<java.net.URI> recordUrl(String objectType, String crmId) {
    return "contact".equals(objectType) ? labels.contactUrl(crmId) : Optional.empty();
  }

  /** True when sync and relationship planning should wait for the daily budget. */
  public boolean nearDailyLimit() {
    return client.governor().nearDailyLimit();
  }

  @Override
  public boolean conservingApiBudget() {
    return nearDailyLimit();
  }

  /**
   * The sink for this connection's webhook handler: stage changes become events at once, handed to
   * {@code events} on {@code executor}.
   */
  public io.npsconnector.hubspot.webhook.StageChangeSink stageChangeSink(java.util.concurrent.Executor executor,
      java.util.function.Consumer<List<io.npsconnector.core.model.InteractionEvent>> events) {
    return new HubSpotStageChangeSink(connection, reader, executor, events);
  }

  /** The connection's rate governor (for the service's status and tests). */
  public io.npsconnector.hubspot.client.RateGovernor governor() {
    return client.governor();
  }

  /**
   * The handler of this connection's webhook deliveries ({@code POST /webhooks/hubspot/NAME}): checked with
   * the {@code webhook-secret} (signature v3; without one every delivery is refused with 401), stage changes
   * read on {@code work} and handed to {@code events}.
   */
  @Override
  public InboundHandler webhooks(Executor work, EventSink events) {
    HubSpotWebhookHandler handler = HubSpotWebhookHandler.of(connection, settings.webhookSecret(),
        stageChangeSink(work, events::accept), clock);
    return request -> {
      WebhookResponse response = handler.handle(request);
      return new InboundResponse(response.status(), "text/plain; charset=utf-8", response.body());
    };
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "HubSpot adapter for " + connection;
  }
}
