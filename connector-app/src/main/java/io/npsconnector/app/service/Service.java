package io.npsconnector.app.service;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Module;

import io.npsconnector.app.web.Dashboard;
import io.npsconnector.app.web.api.ReadApi;
import io.npsconnector.app.web.SurveyServer;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.Database;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The production service: the store, one adapter per enabled connection, the configured channels, the
 * engine with its scheduler, and one HTTP server for the survey pages, {@code /health} and
 * {@code /metrics}, all from the {@link Composition}'s modules. {@link #close()} shuts down gracefully, in the
 * reverse order of start: the server stops taking requests, running webhook work finishes, the scheduler lets
 * running sends and write-backs finish and releases its claims, then the adapters and the store close.
 */
@Singleton
public final class Service implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);
  /** Requests per minute per client address on the survey and unsubscribe pages. */
  static final int SURVEY_REQUESTS_PER_MINUTE = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Where to listen, whether the scheduler runs, and how many survey requests a client may make per minute.
   */
  public record Options(String host, int port, boolean scheduler, int surveyRequestsPerMinute) {
    public Options {
      java.util.Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be from 0 (any free port) to 65535, got " + port);
      }
      if (surveyRequestsPerMinute < 1) {
        throw new IllegalArgumentException("surveyRequestsPerMinute must be at least 1, got " + surveyRequestsPerMinute);
      }
    }

    /** The configured port on every interface, with the scheduler. */
    public static Options of(NpsConfig config) {
      return new Options("0.0.0.0", config.server().port(), true, SURVEY_REQUESTS_PER_MINUTE);
    }

    public Options withPort(String newHost, int newPort) {
      return new Options(newHost, newPort, scheduler, surveyRequestsPerMinute);
    }

    /** Without the scheduler: the caller drives syncs, sends and write-backs (the demo, tests). */
    public Options withoutScheduler() {
      return new Options(host, port, false, surveyRequestsPerMinute);
    }

    public Options withSurveyRequestsPerMinute(int perMinute) {
      return new Options(host, port, scheduler, perMinute);
    }
  }

  private final NpsConfig config;
  private final Options options;
  private final Clock clock;
  private final Lifecycle lifecycle;
  private final Database database;
  private final Map<String, CrmAdapter> adapters;
  private final Engine engine;
  private final Metrics metrics;
  private final Health health;
  private final Dashboard dashboard;
  private final ReadApi readApi;
  private final SurveyServer server;
  private final java.util.concurrent.ExecutorService webhookWork = java.util.concurrent.Executors
      .newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "npsconnector-webhooks");
        thread.setDaemon(true);
        return thread;
      });
  private int port;
  private boolean closed;

  @Inject
  Service(NpsConfig config, Options options, Clock clock, Lifecycle lifecycle, Database database,
      Map<String, CrmAdapter> adapters, Engine engine, Metrics metrics, Health health, Dashboard dashboard,
      ReadApi readApi, SurveyServer server) {
    this.readApi = readApi;
    this.config = config;
    this.options = options;
    this.clock = clock;
    this.lifecycle = lifecycle;
    this.database = database;
    this.adapters = adapters;
    this.engine = engine;
    this.metrics = metrics;
    this.health = health;
    this.dashboard = dashboard;
    this.server = server;
  }

  /** Starts the product for {@code config}, parts replaced by {@code overrides}; see {@link #start(Composition)}. */
  public static Service start(NpsConfig config, Module... overrides) {
    return start(Composition.of(config, overrides));
  }

  /**
   * Opens the store and the adapters, starts the scheduler (unless the options say not to), then the HTTP
   * server. When any step fails, everything opened so far is closed, newest first, and the failure thrown:
   * nothing is left open or bound.
   */
  public static Service start(Composition composition) {
    try {
      Service service = composition.get(Service.class);
      service.start();
      return service;
    } catch (RuntimeException | Error e) {
      try {
        composition.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void start() {
    if (options.scheduler()) {
      lifecycle.start("scheduler", engine::start, engine::stop);
    }
    lifecycle.own("webhook work", this::finishWebhookWork);
    server.routes(dashboard::register)
        .routes(WebhookRoutes.of(config, adapters, webhookWork,
            (name, events) -> engine.ingest(name, List.of(), events))::register)
        .routes(readApi::register)
        .routes(this::operations);
    lifecycle.start("HTTP server", () -> port = server.start(options.host(), options.port()), server::close);
    LOG.info("npsconnector serving on {}:{} with {} connection(s): {}", options.host(), port, adapters.size(),
        String.join(", ", adapters.keySet()));
  }

  /**
   * {@code /health/live} (the process answers), {@code /health/ready} (the store answers: 200 or 503, no CRM
   * asked), {@code /health} (the same HTTP status, and a body with each CRM's own check, the connections' states and
   * who holds which scheduled work; see {@link Health#report()}) and {@code /metrics}.
   */
  private void operations(io.javalin.Javalin app) {
    app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
    app.get("/health/ready", ctx -> {
      Health.Status store = health.store();
      ctx.status(store.up() ? 200 : 503).contentType("application/json").result(JSON.writeValueAsString(
          Map.of("status", store.up() ? "UP" : "DOWN", "detail", store.detail())));
    });
    app.get("/health", ctx -> {
      Health.Report report = health.report();
      ctx.status(report.ready() ? 200 : 503).contentType("application/json")
          .result(JSON.writeValueAsString(report.body()));
    });
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(metrics.scrape()));
  }

  /** Webhook deliveries already accepted are turned into events before the scheduler and the store stop. */
  private void finishWebhookWork() {
    webhookWork.shutdown();
    try {
      webhookWork.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return port;
  }

  public Engine engine() {
    return engine;
  }

  /** The store the service runs on (reports, the demo's summary). */
  public Database database() {
    return database;
  }

  /** Stops taking requests, lets running work finish, releases claims, closes the store. Twice is fine. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("npsconnector stopping: no new requests; running work finishes");
    lifecycle.close();
    LOG.info("npsconnector stopped");
  }
}
