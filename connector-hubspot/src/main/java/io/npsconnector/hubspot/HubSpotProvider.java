package io.npsconnector.hubspot;

import io.npsconnector.config.ConfigProblem;
import io.npsconnector.config.ConfigurationException;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.CrmType;
import io.npsconnector.config.HubSpotSettings;
import io.npsconnector.config.Secret;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.OAuthTokenSource;
import io.npsconnector.hubspot.client.RateGovernor;
import io.npsconnector.hubspot.client.Sleeper;
import io.npsconnector.hubspot.client.TokenSource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Makes HubSpot adapters ({@code type: hubspot}). Found through {@link java.util.ServiceLoader}. Does no
 * I/O: the first call on the adapter signs in.
 */
public final class HubSpotProvider implements CrmProvider {
  /** The first wait between retries of one call; doubling with jitter, policy waits on top. */
  static final Duration FIRST_RETRY_WAIT = Duration.ofMillis(500);
  /** Attempts per call, the first included. */
  static final int MAX_ATTEMPTS = 5;

  @Override
  public String type() {
    return CrmType.HUBSPOT.id();
  }

  @Override
  public CrmAdapter create(ConnectionConfig connection, AdapterContext context) {
    if (connection.type() != CrmType.HUBSPOT) {
      throw new IllegalArgumentException("connection '" + connection.name() + "' is a " + connection.type().id()
          + " connection, not hubspot");
    }
    URI base = connection.baseUrl().orElse(HubSpotClient.DEFAULT_BASE_URL);
    HubSpotSettings settings = connection.hubspot();
    TokenSource tokens = tokens(connection, base, context);
    RateGovernor governor = new RateGovernor(settings.requestsPerTenSeconds(), settings.searchPerSecond(),
        settings.dailyReservePercent(), context.clock(), Sleeper.SYSTEM);
    HubSpotClient client = new HubSpotClient(connection.name(), base, settings.pathPrefix(),
        HubSpotClient.sharedHttp(), tokens, governor, FIRST_RETRY_WAIT, MAX_ATTEMPTS);
    return new HubSpotAdapter(client, tokens, connection, context);
  }

  private static TokenSource tokens(ConnectionConfig connection, URI base, AdapterContext context) {
    String auth = connection.credentials().auth();
    return switch (auth) {
      case "private-app" -> TokenSource.fixed(secret(connection, "token").reveal());
      case "oauth" -> {
        // a login-url names the token endpoint's own host; otherwise the token goes through the API's path prefix
        HttpUrl tokenUrl = connection.loginUrl().map(login -> OAuthTokenSource.tokenUrl(login, ""))
            .orElseGet(() -> OAuthTokenSource.tokenUrl(base, connection.hubspot().pathPrefix()));
        String clientId = connection.credentials().value("client-id")
            .orElseThrow(() -> problem(connection, "credentials.client-id", "is required for auth: oauth"));
        yield new OAuthTokenSource(HubSpotClient.sharedHttp(), tokenUrl, clientId,
            secret(connection, "client-secret"), secret(connection, "refresh-token"), context.clock(),
            HubSpotClient.objectMapper());
      }
      default -> throw problem(connection, "auth", "HubSpot connections sign in with private-app or oauth, got '"
          + auth + "'");
    };
  }

  private static Secret secret(ConnectionConfig connection, String key) {
    return connection.credentials().secret(key)
        .orElseThrow(() -> problem(connection, "credentials." + key, "is required for auth: "
            + connection.credentials().auth()));
  }

  private static ConfigurationException problem(ConnectionConfig connection, String key, String message) {
    return new ConfigurationException(List.of(new ConfigProblem("connection '" + connection.name() + "'", 0,
        "connections." + connection.name() + "." + key, message)));
  }
}
