package io.npsconnector.hubspot;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.MonotonicClock;
import io.npsconnector.hubspot.client.RateGovernor;
import io.npsconnector.hubspot.client.Sleeper;
import io.npsconnector.hubspot.client.TokenSource;
import java.time.Duration;
import okhttp3.OkHttpClient;

/**
 * The object graph of one HubSpot connection: its OkHttp client, rate governor, token source, client, reader,
 * writer and adapter, one of each. Only binds; nothing here does I/O. The adapter owns the OkHttp client and
 * releases it when closed.
 */
final class HubSpotModule extends AbstractModule {
  /** The first wait between retries of one call; doubling with jitter, policy waits on top. */
  static final Duration FIRST_RETRY_WAIT = Duration.ofMillis(500);
  /** Attempts per call, the first included. */
  static final int MAX_ATTEMPTS = 5;

  private final ConnectionConfig connection;
  private final HubSpotSettings settings;
  private final AdapterContext context;

  HubSpotModule(ConnectionConfig connection, AdapterContext context) {
    this.connection = connection;
    this.settings = connection.settings(HubSpotSettings.class);
    this.context = context;
  }

  @Provides
  @Singleton
  OkHttpClient http() {
    return HubSpotClient.newHttp();
  }

  @Provides
  @Singleton
  RateGovernor governor() {
    // HubSpot's windows are real seconds: the governor counts them on the time it sleeps on, never on the
    // injected clock, which may be moved (the demo's jumps six months between its first two syncs)
    return new RateGovernor(settings.requestsPerTenSeconds(), settings.searchPerSecond(),
        settings.dailyReservePercent(), new MonotonicClock(), Sleeper.SYSTEM);
  }

  @Provides
  @Singleton
  TokenSource tokens(OkHttpClient http) {
    return HubSpotSignIn.tokens(connection.name(), settings, http, context.clock());
  }

  @Provides
  @Singleton
  HubSpotClient client(OkHttpClient http, TokenSource tokens, RateGovernor governor) {
    return new HubSpotClient(connection.name(), settings.baseUrl(), settings.pathPrefix(), http, tokens, governor,
        FIRST_RETRY_WAIT, MAX_ATTEMPTS);
  }

  @Provides
  @Singleton
  HubSpotReader reader(HubSpotClient client) {
    return new HubSpotReader(client, connection, context.clock());
  }

  @Provides
  @Singleton
  HubSpotWriter writer(HubSpotClient client) {
    return new HubSpotWriter(client, connection, context.writeback());
  }

  @Provides
  @Singleton
  HubSpotFieldInstaller installer(HubSpotClient client) {
    return new HubSpotFieldInstaller(client, context.writeback());
  }

  @Provides
  @Singleton
  HubSpotAdapter adapter(HubSpotClient client, HubSpotReader reader, HubSpotWriter writer,
      HubSpotFieldInstaller installer, TokenSource tokens) {
    return new HubSpotAdapter(client, connection, context, reader, writer, installer, tokens);
  }
}
