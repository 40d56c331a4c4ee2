package io.npsconnector.hubspot;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.Batches;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.OncePer;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SignedRequestVerifier;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.TokenSource;
import io.npsconnector.hubspot.webhook.HubSpotRequestSignature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public final class HubSpotAdapter implements CrmAdapter, SignedRequestVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotAdapter.class);
  /** HubSpot's batch limit for updates and creates. */
  public static final int MAX_WRITE_BATCH = 100;

  private final HubSpotClient client;
  private final HubSpotReader reader;
  private final HubSpotWriter writer;
  private final HubSpotFieldInstaller installer;
  private final HubSpotCheck check;
  private final String connection;
  private final OncePer pauseWarning;
  private final HubSpotRequestSignature signature;

  HubSpotAdapter(HubSpotClient client, TokenSource tokens, ConnectionConfig connection, AdapterContext context) {
    this(client, tokens, connection, context, HubSpotReader.PAGE);
  }

  /** @param pageSize records per search page (smaller in tests) */
  HubSpotAdapter(HubSpotClient client, TokenSource tokens, ConnectionConfig connection, AdapterContext context,
      int pageSize) {
    this.client = client;
    this.connection = connection.name();
    this.pauseWarning = new OncePer(Duration.ofMinutes(15), context.clock());
    this.reader = new HubSpotReader(client, connection, context.clock(), pageSize);
    this.writer = new HubSpotWriter(client, connection, context.writeback());
    this.installer = new HubSpotFieldInstaller(client, context.writeback());
    this.check = new HubSpotCheck(client, connection, tokens, installer, context.writeback());
    this.signature = HubSpotRequestSignature.of(connection.hubspot(), context.clock());
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

  @Override
  public List<RecordResult> write(List<WriteRequest> requests) {
    Batches.requireAtMost(connection, requests, MAX_WRITE_BATCH);
    if (requests.isEmpty()) {
      return List.of();
    }
    return writer.write(requests);
  }

  @Override
  public FieldReport describeFields() {
    return installer.describeFields();
  }

  @Override
  public FieldReport installFields() {
    return installer.installFields();
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

  @Override
  public void close() {
    // the OkHttp client is shared by every connection and lives as long as the process
  }

  @Override
  public String toString() {
    return "HubSpot adapter for " + connection;
  }
}
