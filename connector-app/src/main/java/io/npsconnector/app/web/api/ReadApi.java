package io.npsconnector.app.web.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.npsconnector.app.web.RateLimiter;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.stats.NpsTally;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.ResponseHistoryRepository;
import io.npsconnector.core.store.ResponseHistoryRepository.Response;
import io.npsconnector.core.store.ResponseHistoryRepository.Scope;

/**
 * The read API for CRM cards and other systems: a contact's or an account's NPS history (paged, newest
 * first) and roll-up with n and its 95 % interval, by CRM id, per connection, under {@value #BASE}. Every
 * request is authenticated ({@link ApiAuthenticator}) for the one connection in its path and every query
 * is bound to that connection. Requests are limited per caller and failed sign-ins per address (429 with
 * {@code Retry-After}). {@code GET /api/v1/openapi.yaml} describes it all.
 */
public final class ReadApi {
  private static final Logger LOG = LoggerFactory.getLogger(ReadApi.class);
  static final String BASE = "/api/v1";
  static final String OPENAPI = BASE + "/openapi.yaml";
  static final String CONTACT_ROUTE = BASE + "/connections/{connection}/contacts/{id}/nps";
  static final String ACCOUNT_ROUTE = BASE + "/connections/{connection}/accounts/{id}/nps";
  /** Requests per minute per caller (a token or a connection's signed card). */
  static final int REQUESTS_PER_MINUTE = 600;
  /** Refused sign-ins per minute per address before it must wait. */
  static final int FAILURES_PER_MINUTE = 20;
  private static final Pattern CRM_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final NpsConfig config;
  private final ResponseHistoryRepository responses;
  private final Map<String, CrmAdapter> adapters;
  private final ApiAuthenticator authenticator;
  private final RateLimiter perCaller;
  private final RateLimiter failures;
  private final Clock clock;
  private final byte[] openApi;

  public ReadApi(NpsConfig config, Database database, Map<String, CrmAdapter> adapters, Clock clock) {
    this(config, database, adapters, clock, REQUESTS_PER_MINUTE, FAILURES_PER_MINUTE);
  }

  ReadApi(NpsConfig config, Database database, Map<String, CrmAdapter> adapters, Clock clock, int perMinute,
      int failuresPerMinute) {
    this.config = config;
    this.responses = new ResponseHistoryRepository(database.jdbi());
    this.adapters = Map.copyOf(adapters);
    this.authenticator = new ApiAuthenticator(config.server().apiTokens(), adapters);
    this.perCaller = new RateLimiter(perMinute, Duration.ofMinutes(1), clock);
    this.failures = new RateLimiter(failuresPerMinute, Duration.ofMinutes(1), clock);
    this.clock = clock;
    this.openApi = resource("openapi.yaml");
  }

  /** Adds the routes to {@code app}. */
  public void register(Javalin app) {
    app.get(OPENAPI, ctx -> ctx.contentType("application/yaml; charset=utf-8").result(openApi));
    app.get(CONTACT_ROUTE, ctx -> serve(ctx, Scope.CONTACT));
    app.get(ACCOUNT_ROUTE, ctx -> serve(ctx, Scope.ACCOUNT));
  }

  private void serve(Context ctx, Scope scope) throws JsonProcessingException {
    String connection = ctx.pathParam("connection");
    Map<String, String> headers = new LinkedHashMap<>(ctx.headerMap());
    ApiCaller caller = authenticator.authenticate(connection, ctx.method().name(), calledUri(ctx), headers,
        ctx.bodyAsBytes());
    if (!caller.ok()) {
      if (!failures.allow(ctx.ip())) {
        tooMany(ctx);
        return;
      }
      LOG.info("read API: refused {} {} ({}): {}", ctx.method(), ctx.path(), caller.status(),
          caller.refusal().orElse(""));
      if (caller.status() == 401) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"npsconnector\"");
      }
      json(ctx, caller.status(), NpsSummaryJson.error(caller.refusal().orElse("refused")));
      return;
    }
    if (!perCaller.allow(caller.name())) {
      tooMany(ctx);
      return;
    }
    if (!adapters.containsKey(connection)) {
      json(ctx, 404, NpsSummaryJson.error("no enabled connection is named '" + connection + "'"));
      return;
    }
    String crmId = ctx.pathParam("id");
    if (!CRM_ID.matcher(crmId).matches()) {
      json(ctx, 400, NpsSummaryJson.error("the CRM id must be 1 to 255 letters, digits or _ . : -"));
      return;
    }
    PageRequest.Result parsed = PageRequest.parse(ctx.queryParam("page"), ctx.queryParam("size"));
    if (parsed.page().isEmpty()) {
      json(ctx, 400, NpsSummaryJson.error(parsed.error().orElseThrow()));
      return;
    }
    PageRequest page = parsed.page().get();
    Instant since = scope == Scope.ACCOUNT
        ? clock.instant().minus(config.writeback().accountRollupWindow())
        : Instant.EPOCH;
    NpsTally tally = responses.tally(connection, scope, crmId, since);
    int total = responses.count(connection, scope, crmId);
    List<Response> history = responses.page(connection, scope, crmId, page.offset(), page.size());
    Optional<Response> latest = page.number() == 0 ? history.stream().findFirst()
        : responses.page(connection, scope, crmId, 0, 1).stream().findFirst();
    json(ctx, 200, NpsSummaryJson.summary(connection, scope == Scope.CONTACT ? "contact" : "account", crmId, tally,
        since, latest, history, page, total, ctx.path()));
  }

  /**
   * The URI the caller called, as the CRM signed it: the configured public URL's origin and path prefix
   * (a proxy in front may strip the prefix), then the path and query as received.
   */
  private String calledUri(Context ctx) {
    URI publicUrl = config.server().publicUrl();
    String prefix = publicUrl.getRawPath() == null ? "" : publicUrl.getRawPath().replaceAll("/+$", "");
    String path = ctx.path().startsWith(prefix + "/") ? ctx.path() : prefix + ctx.path();
    return publicUrl.getScheme() + "://" + publicUrl.getRawAuthority() + path
        + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
  }

  private static void tooMany(Context ctx) throws JsonProcessingException {
    ctx.header("Retry-After", "60");
    json(ctx, 429, NpsSummaryJson.error("too many requests; try again in a minute"));
  }

  private static void json(Context ctx, int status, Map<String, Object> body) throws JsonProcessingException {
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
  }

  private static byte[] resource(String name) {
    try (InputStream in = ReadApi.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
