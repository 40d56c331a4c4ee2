package io.npsconnector.core.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One JSON POST to an incoming webhook, its answer mapped to the outcome: 2xx sent; 408, 429, 5xx, timeouts and
 * broken connections retriable (with the {@code Retry-After} the receiver gave, in seconds or as an HTTP date); any
 * other answer permanent. The URL is a secret: messages name the destination and the host only.
 */
final class WebhookPost {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_REASON = 200;

  private final String what;
  private final URI url;
  private final HttpClient http;
  private final Clock clock;

  WebhookPost(String what, URI url, HttpClient http, Clock clock) {
    this.what = what;
    this.url = url;
    this.http = http;
    this.clock = clock;
  }

  /** The client every webhook destination shares: HTTP/1.1, no redirects (a moved webhook is a configuration error). */
  static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  void post(String json) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
        .header("Content-Type", "application/json; charset=utf-8").header("User-Agent", "npsconnector")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    String where = what + " webhook (" + url.getHost() + ")";
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new AlertException(where + " timed out after " + TIMEOUT.toSeconds() + " s", true, Optional.empty(), e);
    } catch (IOException e) {
      throw new AlertException(where + " could not be reached: " + e.getClass().getSimpleName(), true,
          Optional.empty(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlertException(where + ": interrupted", true, Optional.empty(), e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    boolean retriable = status >= 500 || status == 408 || status == 429;
    String reason = reason(response.body());
    throw new AlertException(where + " answered HTTP " + status + (reason.isEmpty() ? "" : " " + reason)
        + (retriable ? "" : " (permanent)"), retriable, retryAfter(response), null);
  }

  /** The receiver's explanation (Slack answers {@code invalid_payload}, {@code channel_is_archived}), one line. */
  private static String reason(String body) {
    String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "…" : line;
  }

  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(String::strip).flatMap(value -> {
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
      } catch (NumberFormatException e) {
        try {
          Duration until = Duration.between(clock.instant(),
              ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
          return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (DateTimeParseException unparsable) {
          return Optional.empty();
        }
      }
    });
  }
}
