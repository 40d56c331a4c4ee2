package io.npsconnector.salesforce;

import io.npsconnector.config.ConfigProblem;
import io.npsconnector.config.ConfigurationException;
import io.npsconnector.config.Secret;
import io.npsconnector.salesforce.auth.AccessToken;
import io.npsconnector.salesforce.auth.JwtAssertion;
import io.npsconnector.salesforce.auth.OAuthTokenSource;
import io.npsconnector.salesforce.auth.TokenSource;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import okhttp3.OkHttpClient;

/** The token source of a connection's auth mode: a static token, a JWT bearer flow, or client credentials. */
final class SalesforceSignIn {
  private SalesforceSignIn() {}

  /** @throws ConfigurationException when the settings cannot sign in (naming the key, never showing a secret) */
  static TokenSource tokens(String connection, SalesforceSettings settings, OkHttpClient http, Clock clock) {
    String auth = settings.credentials().auth();
    URI login = settings.loginUrl().orElse(SalesforceSettings.DEFAULT_LOGIN_URL);
    return switch (auth) {
      case "static-token" -> TokenSource.fixed(new AccessToken(secret(connection, settings, "token").reveal(),
          settings.baseUrl().orElseThrow(() -> problem(connection, "base-url", "is required for auth: static-token "
              + "(the org's instance URL, such as https://example.my.salesforce.com)"))));
      case "jwt" -> {
        JwtAssertion assertion;
        try {
          assertion = new JwtAssertion(value(connection, settings, "client-id"),
              value(connection, settings, "username"), SalesforceProvider.audience(login),
              secret(connection, settings, "private-key").reveal());
        } catch (IllegalArgumentException e) {
          throw problem(connection, "credentials.private-key", e.getMessage());
        }
        yield OAuthTokenSource.jwtBearer(connection, http, login, assertion, clock, settings.baseUrl());
      }
      case "client-credentials" -> OAuthTokenSource.clientCredentials(connection, http, login,
          value(connection, settings, "client-id"), secret(connection, settings, "client-secret").reveal(),
          settings.baseUrl());
      default -> throw problem(connection, "auth", "Salesforce connections sign in with jwt, client-credentials or "
          + "static-token, got '" + auth + "'");
    };
  }

  private static String value(String connection, SalesforceSettings settings, String key) {
    return settings.credentials().value(key).orElseThrow(() -> problem(connection, "credentials." + key,
        "is required for auth: " + settings.credentials().auth()));
  }

  private static Secret secret(String connection, SalesforceSettings settings, String key) {
    return settings.credentials().secret(key).orElseThrow(() -> problem(connection, "credentials." + key,
        "is required for auth: " + settings.credentials().auth()));
  }

  private static ConfigurationException problem(String connection, String key, String message) {
    return new ConfigurationException(List.of(new ConfigProblem("connection '" + connection + "'", 0,
        "connections." + connection + "." + key, message)));
  }
}
