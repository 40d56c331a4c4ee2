package io.npsconnector.app.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import io.npsconnector.config.Durations;
import io.npsconnector.core.engine.ConnectionStatus;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.SchedulerClaims;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.store.Database;

/**
 * Readiness and the state of each CRM, kept apart. Readiness is "can serve": the store answers a query; the survey
 * pages, the dashboard and the webhooks need nothing else. Each CRM connection is its own check, never part of
 * readiness: the engine's state of it (stopped on refused credentials, waiting for the CRM's retry hint) as the last
 * sync or write-back left it, and a live check of the CRM (sign-in and fields) at most {@link #CRM_CHECK_FRESH_FOR}
 * old. A live check runs on its own thread, one per connection at a time, when the last is older than that; a
 * caller waits for it at most {@link #CRM_CHECK_WAIT}, then gets the last result with a note. A stopped connection is
 * not checked live: the engine makes no CRM call for it until its credentials change or it is resumed.
 */
final class Health implements AutoCloseable {
  static final Duration CRM_CHECK_FRESH_FOR = Duration.ofSeconds(30);
  static final Duration CRM_CHECK_WAIT = Duration.ofSeconds(2);

  /** One component's state. */
  record Status(boolean up, String detail) {}

  /**
   * A CRM connection's state now.
   *
   * @param up false while the CRM cannot be reached, refuses the credentials, or the engine stopped the connection
   * @param detail what is wrong, or "ready"
   * @param checkedAt when the CRM last answered a live check (empty when it has not, or was not asked)
   * @param engine the engine's state of the connection
   */
  record Crm(String connection, boolean up, String detail, Optional<Instant> checkedAt, ConnectionStatus engine) {}

  /** A live check's result, when it came ({@code at} for people, {@code tick} to measure its age). */
  private record Checked(Status status, Instant at, long tick) {}

  private final Database database;
  private final Map<String, CrmAdapter> adapters;
  private final Engine engine;
  private final Clock clock;
  private final LongSupplier ticker;
  private final Map<String, Checked> checked = new HashMap<>();
  private final Map<String, CompletableFuture<Status>> running = new HashMap<>();
  private final ExecutorService checks = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "npsconnector-crm-check");
    thread.setDaemon(true);
    return thread;
  });

  Health(Database database, Map<String, CrmAdapter> adapters, Engine engine, Clock clock) {
    this(database, adapters, engine, clock, System::nanoTime);
  }

  /**
   * @param ticker nanoseconds of elapsed time: a check's age is real time (the CRM's API budget is spent in it),
   *     whatever the clock says
   */
  Health(Database database, Map<String, CrmAdapter> adapters, Engine engine, Clock clock, LongSupplier ticker) {
    this.database = database;
    this.adapters = adapters;
    this.engine = engine;
    this.clock = clock;
    this.ticker = ticker;
  }

  /** Whether the service can serve: the store answers a query. */
  Status store() {
    try {
      int one = database.jdbi().withHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
      return new Status(one == 1, "answers queries");
    } catch (RuntimeException e) {
      return new Status(false, "cannot query the store: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Every enabled connection's state, in configuration order. Stale live checks start together, and the caller
   * waits at most {@link #CRM_CHECK_WAIT} for all of them.
   */
  List<Crm> crms() {
    List<ConnectionStatus> statuses = engine.connectionStatuses().stream()
        .filter(status -> adapters.containsKey(status.connection())).toList();
    List<CompletableFuture<Status>> started = new ArrayList<>();
    for (ConnectionStatus status : statuses) {
      if (status.state() != ConnectionStatus.State.STOPPED) {
        refreshIfStale(status.connection(), adapters.get(status.connection())).ifPresent(started::add);
      }
    }
    long deadline = System.nanoTime() + CRM_CHECK_WAIT.toNanos();
    for (CompletableFuture<Status> check : started) {
      try {
        check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // the last result stands until the check answers
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return statuses.stream().map(this::crm).toList();
  }

  private Crm crm(ConnectionStatus status) {
    String name = status.connection();
    if (status.state() == ConnectionStatus.State.STOPPED) {
      return new Crm(name, false, "stopped since " + status.since().map(Instant::toString).orElse("?")
          + ": the CRM refused the credentials (" + status.operation().orElse("") + "): "
          + status.message().orElse(""), Optional.empty(), status);
    }
    Optional<Checked> live;
    synchronized (this) {
      live = Optional.ofNullable(checked.get(name));
    }
    boolean up = live.map(check -> check.status().up()).orElse(false);
    String detail = live.map(check -> check.status().detail())
        .orElse("no answer from the CRM within " + CRM_CHECK_WAIT.toSeconds() + " s; the check goes on");
    if (status.state() == ConnectionStatus.State.WAITING) {
      detail = "the CRM asked to wait until " + status.since().map(Instant::toString).orElse("?") + " ("
          + status.operation().orElse("") + "); " + detail;
    }
    return new Crm(name, up, detail, live.map(Checked::at), status);
  }

  /** The live check of {@code name} running now, started when the last one is older than the freshness limit. */
  private synchronized Optional<CompletableFuture<Status>> refreshIfStale(String name, CrmAdapter adapter) {
    Checked last = checked.get(name);
    if (last != null && ticker.getAsLong() - last.tick() < CRM_CHECK_FRESH_FOR.toNanos()) {
      return Optional.empty();
    }
    CompletableFuture<Status> check = running.get(name);
    if (check == null) {
      check = CompletableFuture.supplyAsync(() -> {
        Status status = null;
        try { // recorded before the future completes, so that a caller that waited sees it
          status = check(adapter);
          return status;
        } finally {
          finished(name, status);
        }
      }, checks);
      running.put(name, check);
    }
    return Optional.of(check);
  }

  private synchronized void finished(String name, Status status) {
    running.remove(name);
    if (status != null) {
      checked.put(name, new Checked(status, clock.instant(), ticker.getAsLong()));
    }
  }

  private static Status check(CrmAdapter adapter) {
    try {
      ConnectionCheck check = adapter.check();
      return !check.authenticated() ? new Status(false, "cannot sign in: " + String.join("; ", check.problems()))
          : new Status(true, check.problems().isEmpty() ? "ready" : check.problems().size() + " problem(s): "
              + String.join("; ", check.problems()));
    } catch (CrmException e) {
      return new Status(false, e.getMessage());
    } catch (RuntimeException e) {
      return new Status(false, "check failed: " + e.getClass().getSimpleName());
    }
  }

  /**
   * The {@code /health} answer: {@code ready} (the HTTP status: 200, or 503 when the store cannot be queried), and
   * the body: {@code status} UP, DEGRADED (ready, but a CRM cannot be reached, refuses the credentials, or its
   * connection is stopped or waiting; {@code reasons} says which and why) or DOWN; {@code checks} (the store and
   * each {@code crm:NAME}); {@code connections} (the engine's state of each); {@code scheduler} (who holds which
   * work).
   */
  Report report() {
    Status store = store();
    List<Crm> crms = List.of();
    Optional<SchedulerClaims> claims = Optional.empty();
    if (store.up()) {
      try { // the engine's states and the claims live in the store, which may fail in between
        crms = crms();
        claims = Optional.of(engine.schedulerClaims());
      } catch (RuntimeException e) {
        store = new Status(false, "cannot query the store: " + e.getClass().getSimpleName());
      }
    }
    List<String> reasons = new ArrayList<>();
    Map<String, Object> checks = new LinkedHashMap<>();
    checks.put("store", Map.of("status", store.up() ? "UP" : "DOWN", "detail", store.detail()));
    Map<String, Object> connections = new LinkedHashMap<>();
    for (Crm crm : crms) {
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("status", crm.up() ? "UP" : "DOWN");
      check.put("detail", crm.detail());
      crm.checkedAt().ifPresent(at -> check.put("checked-at", at.toString()));
      checks.put("crm:" + crm.connection(), check);
      if (!crm.up() || crm.engine().state() != ConnectionStatus.State.ACTIVE) {
        reasons.add(crm.connection() + ": " + crm.detail());
      }
      connections.put(crm.connection(), engineState(crm.engine()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", !store.up() ? "DOWN" : reasons.isEmpty() ? "UP" : "DEGRADED");
    if (!reasons.isEmpty()) {
      body.put("reasons", reasons);
    }
    body.put("checks", checks);
    body.put("connections", connections);
    claims.ifPresent(held -> body.put("scheduler", scheduler(held)));
    return new Report(store.up(), body);
  }

  /** The {@code /health} answer: the HTTP status and the JSON body. */
  record Report(boolean ready, Map<String, Object> body) {}

  private static Map<String, Object> engineState(ConnectionStatus status) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("state", status.state().name());
    status.since().ifPresent(since -> state.put(
        status.state() == ConnectionStatus.State.WAITING ? "until" : "since", since.toString()));
    status.operation().ifPresent(operation -> state.put("operation", operation));
    status.message().ifPresent(message -> state.put("message", message));
    return state;
  }

  private static Map<String, Object> scheduler(SchedulerClaims claims) {
    Map<String, Object> scheduler = new LinkedHashMap<>();
    scheduler.put("instance", claims.instance());
    scheduler.put("take-over-within", Durations.format(claims.takeOverWithin()));
    scheduler.put("scheduled", claims.scheduled());
    scheduler.put("held-total", claims.heldTotal());
    List<Map<String, Object>> held = new ArrayList<>();
    for (SchedulerClaims.Claim claim : claims.held()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("task", claim.task());
      entry.put("task-instance", claim.taskInstance());
      entry.put("picked-by", claim.pickedBy());
      claim.lastHeartbeat().ifPresent(at -> entry.put("last-heartbeat", at.toString()));
      entry.put("dead", claim.dead());
      held.add(entry);
    }
    scheduler.put("held", held);
    return scheduler;
  }

  @Override
  public void close() {
    checks.shutdownNow();
  }
}
