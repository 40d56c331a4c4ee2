package io.npsconnector.app.service;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.delivery.webhook.WebhookChannel;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.EngineSettings;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.Database;
import io.npsconnector.app.web.SurveyServer;

/**
 * The production service: the store, one adapter per enabled connection, the configured channels, the
 * engine with its scheduler, and one HTTP server for the survey pages, {@code /health} and
 * {@code /metrics}. {@link #close()} shuts down gracefully: the server stops taking requests, running
 * sends and write-backs finish, the scheduler releases its claims, then the store closes.
 */
public final class Service implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);
  /** Requests per minute per client address on the survey and unsubscribe pages. */
  static final int SURVEY_REQUESTS_PER_MINUTE = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How to start: where to listen, and the engine's timing. */
  public record Options(String host, int port, Clock clock, EngineSettings settings, boolean scheduler,
      io.npsconnector.core.engine.SyncProgress progress) {
    /** With the scheduler running and no progress display. */
    public Options(String host, int port, Clock clock, EngineSettings settings) {
      this(host, port, clock, settings, true, io.npsconnector.core.engine.SyncProgress.NONE);
    }

    /** Long syncs and backfills report to {@code display}. */
    public Options withProgress(io.npsconnector.core.engine.SyncProgress display) {
      return new Options(host, port, clock, settings, scheduler, display);
    }

    /** The configured port on every interface, the system clock, the engine's defaults. */
    public static Options of(NpsConfig config) {
      return new Options("0.0.0.0", config.server().port(), Clock.systemUTC(), EngineSettings.defaults());
    }

    public Options withPort(String newHost, int newPort) {
      return new Options(newHost, newPort, clock, settings, scheduler, progress);
    }

    /** Without the scheduler: the caller drives syncs, sends and write-backs (the demo). */
    public Options withoutScheduler() {
      return new Options(host, port, clock, settings, false, progress);
    }
  }

  private final Database database;
  private final Map<String, CrmAdapter> adapters;
  private final Engine engine;
  private final SurveyServer server;
  private final Metrics metrics;
  private final java.util.concurrent.ExecutorService webhookWork = java.util.concurrent.Executors
      .newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "npsconnector-webhooks");
        thread.setDaemon(true);
        return thread;
      });
  private int port;
  private boolean closed;

  private Service(NpsConfig config, Options options, AdapterFactory factory) {
    Database opened = Database.open(config.store());
    Map<String, CrmAdapter> made = new LinkedHashMap<>();
    try {
      for (ConnectionConfig connection : config.connections()) {
        if (connection.enabled()) {
          made.put(connection.name(), factory.open(config, connection, options.clock()));
        }
      }
      SurveyLinks links = new SurveyLinks(config.server().publicUrl(),
          new SurveyTokens(config.server().tokenSecret().reveal(), options.clock()));
      Engine.Builder builder = Engine.builder(config, opened).clock(options.clock()).settings(options.settings())
          .progress(options.progress());
      made.forEach(builder::adapter);
      channels(config, links, options.clock()).forEach(builder::channel);
      this.engine = builder.build();
      this.metrics = new Metrics(opened, made);
      Health health = new Health(opened, made, options.clock());
      io.npsconnector.app.web.Dashboard dashboard = new io.npsconnector.app.web.Dashboard(config,
          new io.npsconnector.core.store.ReportRepository(opened.jdbi()), links.tokens(), options.clock());
      this.server = new SurveyServer(engine, config, links, options.clock(), SURVEY_REQUESTS_PER_MINUTE)
          .routes(dashboard::register)
          .routes(WebhookRoutes.of(config, made, webhookWork,
              (name, events) -> engine.ingest(name, List.of(), events))::register)
          .routes(app -> {
            app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
            app.get("/health", ctx -> {
              Map<String, Health.Status> components = health.readiness();
              boolean up = Health.allUp(components);
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("status", up ? "UP" : "DOWN");
              Map<String, Object> checks = new LinkedHashMap<>();
              components.forEach((name, status) -> checks.put(name, Map.of("status", status.up() ? "UP" : "DOWN",
                  "detail", status.detail())));
              body.put("checks", checks);
              ctx.status(up ? 200 : 503).contentType("application/json").result(JSON.writeValueAsString(body));
            });
            app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()));
          });
    } catch (RuntimeException e) {
      made.values().forEach(CrmAdapter::close);
      opened.close();
      throw e;
    }
    this.database = opened;
    this.adapters = made;
    try {
      if (options.scheduler()) {
        engine.start();
      }
      this.port = server.start(options.host(), options.port());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("npsconnector serving on {}:{} with {} connection(s): {}", options.host(), port, adapters.size(),
        String.join(", ", adapters.keySet()));
  }

  /** Makes an adapter for a connection (the build's providers, or a test's). */
  @FunctionalInterface
  public interface AdapterFactory {
    CrmAdapter open(NpsConfig config, ConnectionConfig connection, Clock clock);
  }

  /** Starts everything; fails, having closed what it opened, when any part cannot start. */
  public static Service start(NpsConfig config, Options options, AdapterFactory factory) {
    return new Service(config, options, factory);
  }

  static List<Channel> channels(NpsConfig config, SurveyLinks links, Clock clock) {
    List<Channel> channels = new java.util.ArrayList<>();
    if (config.email().isPresent()) {
      channels.add(EmailChannel.create(config, links, clock));
    }
    config.webhook().ifPresent(webhook -> channels.add(new WebhookChannel(webhook, config.company(), links, clock)));
    return channels;
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
    server.close();
    webhookWork.shutdown();
    try {
      webhookWork.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    engine.stop();
    adapters.values().forEach(CrmAdapter::close);
    metrics.close();
    database.close();
    LOG.info("npsconnector stopped");
  }
}
