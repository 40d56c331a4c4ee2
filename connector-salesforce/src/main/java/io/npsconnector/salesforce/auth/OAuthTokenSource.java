package io.npsconnector.salesforce.auth;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.npsconnector.core.spi.CrmException;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Access tokens from Salesforce's OAuth 2.0 token endpoint ({@code {login-url}/services/oauth2/token}),
 * by the JWT bearer flow or the client-credentials flow. The answer's {@code instance_url} is the org's
 * host, unless the connection's {@code base-url} overrides it (proxies, tests).
 *
 * <p>Nothing here logs or puts into an exception message the token, the assertion or the client secret.
 */
public final class OAuthTokenSource implements TokenSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN_PATH = "/services/oauth2/token";

  private final String connection;
  private final OkHttpClient http;
  private final HttpUrl tokenUrl;
  private final Supplier<Map<String, String>> grant;
  private final Optional<URI> instanceOverride;
  private AccessToken token;

  private OAuthTokenSource(String connection, OkHttpClient http, URI loginUrl,
      Supplier<Map<String, String>> grant, Optional<URI> instanceOverride) {
    this.connection = connection;
    this.http = http;
    this.tokenUrl = HttpUrl.get(loginUrl.toString()).newBuilder().encodedPath(TOKEN_PATH).build();
    this.grant = grant;
    this.instanceOverride = instanceOverride;
  }

  /** The JWT bearer flow: a new signed assertion for each token request. */
  public static OAuthTokenSource jwtBearer(String connection, OkHttpClient http, URI loginUrl, JwtAssertion assertion,
      Clock clock, Optional<URI> instanceOverride) {
    return new OAuthTokenSource(connection, http, loginUrl, () -> Map.of(
        "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "assertion", assertion.sign(clock.instant())), instanceOverride);
  }

  /** The client-credentials flow of a connected app with a run-as user. */
  public static OAuthTokenSource clientCredentials(String connection, OkHttpClient http, URI loginUrl,
      String clientId, String clientSecret, Optional<URI> instanceOverride) {
    return new OAuthTokenSource(connection, http, loginUrl, () -> Map.of(
        "grant_type", "client_credentials",
        "client_id", clientId,
        "client_secret", clientSecret), instanceOverride);
  }

  @Override
  public synchronized AccessToken current() {
    if (token == null) {
      token = request();
    }
    return token;
  }

  @Override
  public synchronized AccessToken renew(AccessToken stale) {
    if (token != null && !token.equals(stale)) {
      return token; // another thread renewed it meanwhile
    }
    token = request();
    return token;
  }

  private AccessToken request() {
    FormBody.Builder form = new FormBody.Builder();
    grant.get().forEach(form::add);
    Request request = new Request.Builder().url(tokenUrl).post(form.build())
        .header("Accept", "application/json").build();
    String operation = "request an access token from " + tokenUrl.scheme() + "://" + tokenUrl.host()
        + (tokenUrl.port() == HttpUrl.defaultPort(tokenUrl.scheme()) ? "" : ":" + tokenUrl.port());
    try (Response response = http.newCall(request).execute()) {
      ResponseBody body = response.body();
      String text = body == null ? "" : body.string();
      JsonNode json = parse(text);
      if (response.code() >= 500 || response.code() == 429) {
        throw new CrmException.Retriable(connection, operation, "HTTP " + response.code() + " from the token endpoint",
            Optional.of(Duration.ofMinutes(1)), null);
      }
      if (!response.isSuccessful()) {
        String error = json.path("error").asText("HTTP " + response.code());
        String description = json.path("error_description").asText("");
        throw new CrmException.Authentication(connection, operation, "Salesforce refused the credentials: " + error
            + (description.isEmpty() ? "" : " (" + description + ")") + hint(error), null);
      }
      String value = json.path("access_token").asText("");
      String instance = json.path("instance_url").asText("");
      if (value.isEmpty() || (instance.isEmpty() && instanceOverride.isEmpty())) {
        throw new CrmException.Retriable(connection, operation,
            "the token endpoint answered without access_token or instance_url", Optional.empty(), null);
      }
      return new AccessToken(value, instanceOverride.orElseGet(() -> URI.create(instance)));
    } catch (IOException e) {
      throw new CrmException.Retriable(connection, operation, "the token endpoint could not be reached: "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), Optional.empty(), e);
    }
  }

  private static JsonNode parse(String text) {
    try {
      return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static String hint(String error) {
    return switch (error) {
      case "invalid_grant" -> "; check the username, that the user is pre-authorized for the connected app "
          + "(or approved it once) and that the certificate matches private-key";
      case "invalid_client_id", "invalid_client" -> "; check client-id (the connected app's consumer key)"
          + " and client-secret";
      case "unsupported_grant_type" -> "; enable the flow (JWT bearer or client credentials) on the connected app";
      default -> "";
    };
  }

  @Override
  public String toString() {
    return "OAuth tokens from " + tokenUrl.host();
  }
}
