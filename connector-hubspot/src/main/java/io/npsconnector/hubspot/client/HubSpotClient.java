package io.npsconnector.hubspot.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls HubSpot's API for one connection: base URL and path prefix from the configuration, the bearer
 * token from a {@link TokenSource}, every request through the {@link RateGovernor}. 429 (by policy),
 * 423, 477, 502-504, 521, 523, 524 and I/O errors are retried with exponential backoff and jitter
 * (Resilience4j); a 401 gets one retry with a fresh token; other 4xx are never retried. Failures
 * throw {@link HubSpotApiException} with HubSpot's correlation id. No token is ever logged.
 *
 * <p>Thread-safe. Each connection has its own OkHttp client ({@link #newHttp()}, made by the connection's
 * Guice module); {@link #close()} releases its threads and pooled connections.
 */
public final class HubSpotClient {
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotClient.class);
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.hubapi.com");
  public static final String CORRELATION_ID = "X-HubSpot-Correlation-Id";
  static final Set<Integer> RETRIED = Set.of(423, 429, 477, 502, 503, 504, 521, 523, 524);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final String connection;
  private final HttpUrl base;
  private final OkHttpClient http;
  private final TokenSource tokens;
  private final RateGovernor governor;
  private final RetryConfig retryConfig;
  private final ObjectMapper json;

  /**
   * @param pathPrefix put before every path; empty for none
   * @param firstRetryWait the first backoff between retries (doubling, with jitter); policy waits come
   *     from the governor on top
   * @param maxAttempts attempts per call, the first included
   */
  public HubSpotClient(String connection, URI baseUrl, String pathPrefix, OkHttpClient http, TokenSource tokens,
      RateGovernor governor, Duration firstRetryWait, int maxAttempts) {
    this.connection = connection;
    HttpUrl parsed = HttpUrl.get(baseUrl.toString());
    HttpUrl.Builder builder = parsed.newBuilder();
    for (String segment : pathPrefix.split("/")) {
      if (!segment.isEmpty()) {
        builder.addPathSegment(segment);
      }
    }
    this.base = builder.build();
    this.http = http;
    this.tokens = tokens;
    this.governor = governor;
    this.json = objectMapper();
    this.retryConfig = RetryConfig.<HubSpotResponse>custom()
        .maxAttempts(maxAttempts)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
            firstRetryWait.isZero() ? Duration.ofMillis(1) : firstRetryWait, 2.0, 0.5, Duration.ofMinutes(1)))
        .retryOnException(e -> e instanceof HubSpotApiException failure && failure.retriable()
            && !failure.policyName().filter("DAILY"::equals).isPresent())
        .failAfterMaxAttempts(false)
        .build();
  }

  /** A new OkHttp client as HubSpot connections use it: one per connection, released by {@link #close()}. */
  public static OkHttpClient newHttp() {
    return new OkHttpClient.Builder()
        .connectTimeout(10, TimeUnit.SECONDS)
        .readTimeout(30, TimeUnit.SECONDS)
        .writeTimeout(30, TimeUnit.SECONDS)
        .callTimeout(90, TimeUnit.SECONDS)
        // our own retries go through the rate governor and count every attempt; OkHttp's silent one would not
        .retryOnConnectionFailure(false)
        .build();
  }

  /** The OkHttp client this connection calls HubSpot with. */
  public OkHttpClient http() {
    return http;
  }

  /** Releases the OkHttp client's threads and pooled connections; calls made afterwards fail. Twice is fine. */
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Jackson as the adapter uses it: unknown fields are ignored (HubSpot adds fields over time). */
  public static ObjectMapper objectMapper() {
    return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  public ObjectMapper json() {
    return json;
  }

  public RateGovernor governor() {
    return governor;
  }

  public String connection() {
    return connection;
  }

  /** The URL of {@code path} under the base URL and prefix, for callers that build their own requests. */
  public HttpUrl url(String path, Map<String, String> query) {
    HttpUrl.Builder url = base.newBuilder();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        url.addPathSegment(segment);
      }
    }
    query.forEach(url::addQueryParameter);
    return url.build();
  }

  public HubSpotResponse get(String operation, String path, Map<String, String> query, Budget budget) {
    return execute(operation, "GET", url(path, query), null, budget);
  }

  public HubSpotResponse post(String operation, String path, Object body, Budget budget) {
    return execute(operation, "POST", url(path, Map.of()), serialize(operation, body), budget);
  }

  /** A POST with query parameters, such as {@code ?channel=EMAIL}. */
  public HubSpotResponse post(String operation, String path, Map<String, String> query, Object body, Budget budget) {
    return execute(operation, "POST", url(path, query), serialize(operation, body), budget);
  }

  public HubSpotResponse patch(String operation, String path, Object body, Budget budget) {
    return execute(operation, "PATCH", url(path, Map.of()), serialize(operation, body), budget);
  }

  private byte[] serialize(String operation, Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(operation + ": cannot write the request body as JSON", e);
    }
  }

  private HubSpotResponse execute(String operation, String method, HttpUrl url, byte[] body, Budget budget) {
    Retry retry = Retry.of(connection + ": " + operation, retryConfig);
    // a retry that succeeds is no news; the engine warns once when the attempts run out (not per retry)
    retry.getEventPublisher().onRetry(event -> LOG.debug("{}: {} failed, try {} in {} ms: {}", connection, operation,
        event.getNumberOfRetryAttempts() + 1, event.getWaitInterval().toMillis(),
        event.getLastThrowable() == null ? "" : event.getLastThrowable().getMessage()));
    return Retry.decorateSupplier(retry, () -> attempt(operation, method, url, body, budget)).get();
  }

  /** One attempt, with at most one renewal of the token after a 401. */
  private HubSpotResponse attempt(String operation, String method, HttpUrl url, byte[] body, Budget budget) {
    String token = tokens.token();
    Outcome outcome = call(operation, method, url, body, budget, token);
    if (outcome.status() == 401 && tokens.invalidate(token)) {
      LOG.info("{}: {}: HubSpot refused the access token; renewing it and trying once more", connection, operation);
      outcome = call(operation, method, url, body, budget, tokens.token());
    }
    return judge(operation, outcome);
  }

  private Outcome call(String operation, String method, HttpUrl url, byte[] body, Budget budget, String token) {
    RateGovernor.Permit permit;
    try {
      permit = governor.acquire(budget);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubSpotApiException(operation, 0, "interrupted while waiting for the rate limit", null,
          Optional.empty(), false, Optional.empty(), e);
    }
    Request request = new Request.Builder().url(url)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json")
        .method(method, body == null ? null : RequestBody.create(body, JSON))
        .build();
    long started = System.nanoTime();
    try (Response response = execute(request, permit)) {
      ResponseBody responseBody = response.body();
      // parsed straight from the bytes: no String copy of a 200-record page before Jackson reads it
      byte[] bytes = responseBody == null ? new byte[0] : responseBody.bytes();
      Optional<String> correlationId = Optional.ofNullable(response.header(CORRELATION_ID));
      LOG.debug("{}: {} {} -> {} in {} ms{}", connection, method, url.encodedPath(), response.code(),
          (System.nanoTime() - started) / 1_000_000, correlationId.map(id -> " [" + id + "]").orElse(""));
      observe(response, budget, permit);
      JsonNode node = parseLenient(json, bytes);
      Optional<Duration> retryAfter = retryAfter(response.header("Retry-After"));
      return new Outcome(response.code(), node, correlationId, retryAfter, budget, null);
    } catch (IOException e) {
      return new Outcome(0, MissingNode.getInstance(), Optional.empty(), Optional.empty(), budget, e);
    }
  }

  /** Sends one request; once its answer's head (or a failure) is back, HubSpot has counted it. */
  private Response execute(Request request, RateGovernor.Permit permit) throws IOException {
    try {
      return http.newCall(request).execute();
    } finally {
      permit.done();
    }
  }

  /**
   * An answer as JSON, or a missing node when it is not JSON (a proxy's HTML error page): the status
   * decides then, and the parser's message, which quotes the text it choked on, goes nowhere.
   */
  static JsonNode parseLenient(ObjectMapper json, String text) {
    if (text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }


  /** {@link #parseLenient(ObjectMapper, String)} of an answer's bytes (UTF-8, as HubSpot sends JSON). */
  static JsonNode parseLenient(ObjectMapper json, byte[] bytes) {
    try {
      JsonNode node = json.readTree(bytes);
      return node == null ? MissingNode.getInstance() : node;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private void observe(Response response, Budget budget, RateGovernor.Permit permit) {
    governor.observeDaily(number(response.header("X-HubSpot-RateLimit-Daily")),
        number(response.header("X-HubSpot-RateLimit-Daily-Remaining")));
    OptionalLong remaining = number(response.header("X-HubSpot-RateLimit-Remaining"));
    OptionalLong interval = number(response.header("X-HubSpot-RateLimit-Interval-Milliseconds"));
    if (budget == Budget.STANDARD && remaining.isPresent() && remaining.getAsLong() <= 0 && interval.isPresent()) {
      governor.exhausted(budget, Duration.ofMillis(interval.getAsLong()), permit);
    }
  }

  private static OptionalLong number(String header) {
    if (header == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** {@code Retry-After} in seconds; HTTP dates and nonsense are ignored (the policy waits instead). */
  static Optional<Duration> retryAfter(String header) {
    OptionalLong seconds = number(header);
    return seconds.isPresent() && seconds.getAsLong() >= 0
        ? Optional.of(Duration.ofSeconds(Math.min(seconds.getAsLong(), 3600)))
        : Optional.empty();
  }

  /** What one HTTP exchange gave, before it is judged. */
  private record Outcome(int status, JsonNode body, Optional<String> correlationId, Optional<Duration> retryAfter,
      Budget budget, IOException failure) {}



  private HubSpotResponse judge(String operation, Outcome outcome) {
    if (outcome.failure() != null) {
      throw new HubSpotApiException(operation, 0, outcome.failure().getClass().getSimpleName() + ": "
          + outcome.failure().getMessage(), null, Optional.empty(), true, Optional.empty(), outcome.failure());
    }
    int status = outcome.status();
    if (status >= 200 && status < 300) {
      return new HubSpotResponse(status, outcome.body(), outcome.correlationId());
    }
    boolean retriable = RETRIED.contains(status);
    if (status == 429) {
      Optional<String> policy = Optional.ofNullable(outcome.body().path("policyName").textValue());
      governor.rateLimited(outcome.budget(), policy, outcome.retryAfter());
    } else if (status == 423 || status == 477) {
      governor.locked(outcome.budget(), outcome.retryAfter());
    }
    String message = status == 401 ? "the access token was refused" : "";
    throw new HubSpotApiException(operation, status, message, outcome.body(), outcome.correlationId(), retriable,
        outcome.retryAfter(), null);
  }
}
