package io.npsconnector.salesforce;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.npsconnector.config.ConfigProblem;
import io.npsconnector.config.ConfigurationException;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.CrmType;
import io.npsconnector.config.Secret;
import io.npsconnector.config.SalesforceSettings;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;
import io.npsconnector.salesforce.auth.AccessToken;
import io.npsconnector.salesforce.auth.JwtAssertion;
import io.npsconnector.salesforce.auth.OAuthTokenSource;
import io.npsconnector.salesforce.auth.TokenSource;
import io.npsconnector.salesforce.client.ApiLimits;
import io.npsconnector.salesforce.client.SalesforceSession;
import io.npsconnector.salesforce.write.SalesforceWriter;
import okhttp3.OkHttpClient;

/**
 * Makes Salesforce adapters ({@code type: salesforce}). Found through {@link java.util.ServiceLoader}. Does no
 * I/O: the first call on the adapter requests a token.
 */
public final class SalesforceProvider implements CrmProvider {
  /** The Partner API version used when the connection names none. */
  public static final String DEFAULT_API_VERSION = "65.0";
  public static final URI DEFAULT_LOGIN_URL = URI.create("https://login.salesforce.com");
  private static final OkHttpClient HTTP = new OkHttpClient.Builder()
      .connectTimeout(10, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS).build();

  @Override
  public String type() {
    return CrmType.SALESFORCE.id();
  }

  @Override
  public io.npsconnector.core.spi.EventAttributes eventAttributes() {
    return io.npsconnector.salesforce.read.SalesforceReader.EVENT_ATTRIBUTES;
  }

  @Override
  public CrmAdapter create(ConnectionConfig connection, AdapterContext context) {
    return create(connection, context, SalesforceWriter.Pause.SYSTEM);
  }

  /** @param pause waits between retries of locked rows (none in tests) */
  static SalesforceAdapter create(ConnectionConfig connection, AdapterContext context, SalesforceWriter.Pause pause) {
    if (connection.type() != CrmType.SALESFORCE) {
      throw new IllegalArgumentException("connection '" + connection.name() + "' is a " + connection.type().id()
          + " connection, not salesforce");
    }
    SalesforceSettings settings = connection.salesforce();
    TokenSource tokens = tokens(connection, context);
    ApiLimits limits = new ApiLimits(connection.name(), settings.pauseAtPercent(), settings.resumeBelowPercent(),
        settings.limitExceededWait(), context.clock());
    SalesforceSession session = new SalesforceSession(connection.name(), tokens, new SalesforceSession.Settings(
        connection.apiVersion().orElse(DEFAULT_API_VERSION), settings.queryPageSize(), settings.connectTimeout(),
        settings.readTimeout()), limits);
    return new SalesforceAdapter(session, connection, context, pause);
  }

  private static TokenSource tokens(ConnectionConfig connection, AdapterContext context) {
    String auth = connection.credentials().auth();
    URI login = connection.loginUrl().orElse(DEFAULT_LOGIN_URL);
    OkHttpClient http = HTTP.newBuilder().callTimeout(Duration.ofMinutes(1)).build();
    return switch (auth) {
      case "static-token" -> TokenSource.fixed(new AccessToken(secret(connection, "token").reveal(),
          connection.baseUrl().orElseThrow(() -> problem(connection, "base-url", "is required for auth: static-token "
              + "(the org's instance URL, such as https://example.my.salesforce.com)"))));
      case "jwt" -> {
        JwtAssertion assertion;
        try {
          assertion = new JwtAssertion(value(connection, "client-id"), value(connection, "username"),
              audience(login), secret(connection, "private-key").reveal());
        } catch (IllegalArgumentException e) {
          throw problem(connection, "credentials.private-key", e.getMessage());
        }
        yield OAuthTokenSource.jwtBearer(connection.name(), http, login, assertion, context.clock(),
            connection.baseUrl());
      }
      case "client-credentials" -> OAuthTokenSource.clientCredentials(connection.name(), http, login,
          value(connection, "client-id"), secret(connection, "client-secret").reveal(), connection.baseUrl());
      default -> throw problem(connection, "auth", "Salesforce connections sign in with jwt, client-credentials or "
          + "static-token, got '" + auth + "'");
    };
  }

  /** The JWT audience: login.salesforce.com, test.salesforce.com, or the My Domain login host given. */
  static String audience(URI login) {
    String text = login.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  private static String value(ConnectionConfig connection, String key) {
    return connection.credentials().value(key).orElseThrow(() -> problem(connection, "credentials." + key,
        "is required for auth: " + connection.credentials().auth()));
  }

  private static Secret secret(ConnectionConfig connection, String key) {
    return connection.credentials().secret(key).orElseThrow(() -> problem(connection, "credentials." + key,
        "is required for auth: " + connection.credentials().auth()));
  }

  private static ConfigurationException problem(ConnectionConfig connection, String key, String message) {
    return new ConfigurationException(List.of(new ConfigProblem("connection '" + connection.name() + "'", 0,
        "connections." + connection.name() + "." + key, message)));
  }

}
