package io.npsconnector.salesforce;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.salesforce.auth.TokenSource;
import io.npsconnector.salesforce.client.ApiLimits;
import io.npsconnector.salesforce.client.SalesforceSession;
import io.npsconnector.salesforce.write.SalesforceWriter;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The object graph of one Salesforce connection: the OkHttp client its tokens are requested with, the token
 * source, the API-limit tracker, the session and the adapter, one of each. Only binds; nothing here does I/O.
 * The adapter owns the OkHttp client and releases it when closed.
 */
final class SalesforceModule extends AbstractModule {
  private final ConnectionConfig connection;
  private final SalesforceSettings settings;
  private final AdapterContext context;
  private final SalesforceWriter.Pause pause;

  SalesforceModule(ConnectionConfig connection, AdapterContext context, SalesforceWriter.Pause pause) {
    this.connection = connection;
    this.settings = connection.settings(SalesforceSettings.class);
    this.context = context;
    this.pause = pause;
  }

  @Provides
  @Singleton
  OkHttpClient http() {
    return new OkHttpClient.Builder().connectTimeout(10, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS)
        .callTimeout(1, TimeUnit.MINUTES).build();
  }

  @Provides
  @Singleton
  TokenSource tokens(OkHttpClient http) {
    return SalesforceSignIn.tokens(connection.name(), settings, http, context.clock());
  }

  @Provides
  @Singleton
  ApiLimits limits() {
    return new ApiLimits(connection.name(), settings.pauseAtPercent(), settings.resumeBelowPercent(),
        settings.limitExceededWait(), context.clock());
  }

  @Provides
  @Singleton
  SalesforceSession session(TokenSource tokens, ApiLimits limits) {
    return new SalesforceSession(connection.name(), tokens, new SalesforceSession.Settings(settings.apiVersion(),
        settings.queryPageSize(), settings.connectTimeout(), settings.readTimeout()), limits);
  }

  @Provides
  @Singleton
  SalesforceAdapter adapter(SalesforceSession session, OkHttpClient http) {
    return new SalesforceAdapter(session, connection, context, pause, () -> {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    });
  }
}
