package io.npsconnector.hubspot;

import io.npsconnector.config.Secret;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.OAuthTokenSource;
import io.npsconnector.hubspot.client.TokenSource;
import java.time.Clock;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/** The token source of a connection's auth mode: a private app's fixed token, or OAuth refresh. */
final class HubSpotSignIn {
  private HubSpotSignIn() {}

  /** @throws IllegalArgumentException when the settings lack what their auth mode needs (naming the key) */
  static TokenSource tokens(String connection, HubSpotSettings settings, OkHttpClient http, Clock clock) {
    String auth = settings.credentials().auth();
    return switch (auth) {
      case HubSpotSettings.PRIVATE_APP -> TokenSource.fixed(secret(connection, settings, "token").reveal());
      case HubSpotSettings.OAUTH -> {
        // a login-url names the token endpoint's own host; otherwise the token goes through the API's path prefix
        HttpUrl tokenUrl = settings.loginUrl().map(login -> OAuthTokenSource.tokenUrl(login, ""))
            .orElseGet(() -> OAuthTokenSource.tokenUrl(settings.baseUrl(), settings.pathPrefix()));
        String clientId = settings.credentials().value("client-id").orElseThrow(() -> missing(connection, auth,
            "client-id"));
        yield new OAuthTokenSource(http, tokenUrl, clientId, secret(connection, settings, "client-secret"),
            secret(connection, settings, "refresh-token"), clock, HubSpotClient.objectMapper());
      }
      default -> throw new IllegalArgumentException("connection '" + connection + "': HubSpot connections sign in "
          + "with private-app or oauth, got '" + auth + "'");
    };
  }

  private static Secret secret(String connection, HubSpotSettings settings, String key) {
    return settings.credentials().secret(key).orElseThrow(() -> missing(connection, settings.credentials().auth(),
        key));
  }

  private static IllegalArgumentException missing(String connection, String auth, String key) {
    return new IllegalArgumentException("connection '" + connection + "': credentials." + key
        + " is required for auth: " + auth);
  }
}
