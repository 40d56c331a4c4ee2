package io.npsconnector.hubspot.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.npsconnector.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Access tokens from an OAuth refresh token ({@code POST /oauth/v1/token}, form-encoded,
 * {@code grant_type=refresh_token}). A token is renewed {@link #REFRESH_AHEAD} before it expires, or at
 * once after HubSpot refused it. When HubSpot hands out a new refresh token, it is used from then on.
 * Thread-safe; one refresh at a time.
 */
public final class OAuthTokenSource implements TokenSource {
  /** Renew this long before the access token expires (they live 30 minutes). */
  public static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
  static final String OPERATION = "refresh the OAuth access token";

  private final OkHttpClient http;
  private final HttpUrl tokenUrl;
  private final String clientId;
  private final Secret clientSecret;
  private final Clock clock;
  private final ObjectMapper json;
  private String refreshToken;
  private String accessToken;
  private Instant expiresAt = Instant.MIN;

  public OAuthTokenSource(OkHttpClient http, HttpUrl tokenUrl, String clientId, Secret clientSecret,
      Secret refreshToken, Clock clock, ObjectMapper json) {
    this.http = http;
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.refreshToken = refreshToken.reveal();
    this.clock = clock;
    this.json = json;
  }

  /** {@code /oauth/v1/token} under {@code base} (its path kept) and {@code pathPrefix}, as every API path is. */
  public static HttpUrl tokenUrl(URI base, String pathPrefix) {
    HttpUrl.Builder url = HttpUrl.get(base.toString()).newBuilder();
    for (String segment : (pathPrefix + "/oauth/v1/token").split("/")) {
      if (!segment.isEmpty()) {
        url.addPathSegment(segment);
      }
    }
    return url.build();
  }

  @Override
  public synchronized String token() {
    if (accessToken == null || !clock.instant().isBefore(expiresAt.minus(REFRESH_AHEAD))) {
      refresh();
    }
    return accessToken;
  }

  @Override
  public synchronized boolean invalidate(String rejected) {
    if (rejected.equals(accessToken)) {
      accessToken = null;
    }
    return true;
  }

  private void refresh() {
    Request request = new Request.Builder().url(tokenUrl)
        .post(new FormBody.Builder()
            .add("grant_type", "refresh_token")
            .add("client_id", clientId)
            .add("client_secret", clientSecret.reveal())
            .add("refresh_token", refreshToken)
            .build())
        .build();
    try (Response response = http.newCall(request).execute()) {
      ResponseBody body = response.body();
      String text = body == null ? "" : body.string();
      JsonNode node = HubSpotClient.parseLenient(json, text);
      Optional<String> correlationId = Optional.ofNullable(response.header(HubSpotClient.CORRELATION_ID));
      if (!response.isSuccessful()) {
        boolean retriable = response.code() >= 500 || response.code() == 429;
        throw new HubSpotApiException(OPERATION, response.code(), retriable ? "" : "HubSpot refused the refresh token",
            withoutTokens(node), correlationId, retriable, Optional.empty(), null);
      }
      String token = node.path("access_token").asText("");
      if (token.isEmpty()) {
        throw new HubSpotApiException(OPERATION, response.code(), "the answer has no access_token", null,
            correlationId, false, Optional.empty(), null);
      }
      accessToken = token;
      expiresAt = clock.instant().plusSeconds(node.path("expires_in").asLong(1800));
      String newRefresh = node.path("refresh_token").asText("");
      if (!newRefresh.isEmpty()) {
        refreshToken = newRefresh;
      }
    } catch (IOException e) {
      throw new HubSpotApiException(OPERATION, 0, e.getClass().getSimpleName() + ": " + e.getMessage(), null,
          Optional.empty(), true, Optional.empty(), e);
    }
  }

  /** An error body never carries tokens into an exception, but be sure. */
  private static JsonNode withoutTokens(JsonNode node) {
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode copy = node.deepCopy();
      copy.remove(java.util.List.of("access_token", "refresh_token", "id_token"));
      return copy;
    }
    return node;
  }

  @Override
  public String toString() {
    return "OAuth refresh token for client " + clientId;
  }
}
