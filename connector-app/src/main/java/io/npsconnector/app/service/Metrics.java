package io.npsconnector.app.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.npsconnector.core.engine.ConnectionStatus;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.WritebackRepository;

/**
 * The service's metrics in Prometheus format (Micrometer): the JVM's, and per connection the invitations by
 * state, the write-back queue by state, whether the adapter is saving its API budget, and the connection's
 * state ({@code nps_connection_state}: 1 for the state it is in — active, waiting for the CRM's retry hint, or
 * stopped on refused credentials — 0 for the others), and whether its CRM can be used now ({@code nps_crm_up}: 1
 * or 0, as {@code /health}'s check of it says, at most {@link Health#CRM_CHECK_FRESH_FOR} old); and the alerts by
 * destination and state ({@code nps_alerts}). Store figures and states are read when Prometheus scrapes, not on a
 * timer.
 */
final class Metrics implements AutoCloseable {
  private static final java.util.List<String> QUEUE_STATES = java.util.List.of("PENDING", "DONE", "FAILED");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final InvitationRepository invitations;
  private final WritebackRepository writebacks;
  private final Map<String, CrmAdapter> adapters;
  private final Map<String, Integer> invitationCounts = new ConcurrentHashMap<>();
  private final Map<String, Integer> queueCounts = new ConcurrentHashMap<>();
  private final Map<String, ConnectionStatus.State> connectionStates = new ConcurrentHashMap<>();
  private final Map<String, Boolean> crmUp = new ConcurrentHashMap<>();
  private final io.npsconnector.core.store.AlertRepository alerts;
  private final Map<String, Integer> alertCounts = new ConcurrentHashMap<>();
  private final Health health;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  Metrics(Database database, Map<String, CrmAdapter> adapters, Health health) {
    this.health = health;
    this.invitations = new InvitationRepository(database.jdbi());
    this.writebacks = new WritebackRepository(database.jdbi());
    this.alerts = new io.npsconnector.core.store.AlertRepository(database.jdbi());
    for (io.npsconnector.config.AlertsConfig.Kind kind : io.npsconnector.config.AlertsConfig.Kind.values()) {
      for (io.npsconnector.core.store.AlertRepository.State state
          : io.npsconnector.core.store.AlertRepository.State.values()) {
        String key = kind.key() + "|" + state.name();
        Gauge.builder("nps_alerts", alertCounts, counts -> counts.getOrDefault(key, 0))
            .description("Alerts (Slack, Teams, the owner's mail) by destination and state: pending, sent, failed")
            .tags(Tags.of("destination", kind.key(), "state", state.name().toLowerCase(java.util.Locale.ROOT)))
            .register(registry);
      }
    }
    this.adapters = adapters;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    gc.bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    adapters.forEach((connection, adapter) -> {
      for (InvitationState state : InvitationState.values()) {
        String key = connection + "|" + state.name();
        Gauge.builder("nps_invitations", invitationCounts, counts -> counts.getOrDefault(key, 0))
            .description("Invitations by state").tags(Tags.of("connection", connection, "state",
                state.name().toLowerCase(java.util.Locale.ROOT))).register(registry);
      }
      for (String state : QUEUE_STATES) {
        String key = connection + "|" + state;
        Gauge.builder("nps_writeback_queue", queueCounts, counts -> counts.getOrDefault(key, 0))
            .description("Write-back queue rows by state").tags(Tags.of("connection", connection, "state",
                state.toLowerCase(java.util.Locale.ROOT))).register(registry);
      }
      Gauge.builder("nps_crm_conserving_api_budget", adapter, crm -> crm.conservingApiBudget() ? 1 : 0)
          .description("1 while the CRM's daily API budget runs low and syncs pause")
          .tags(Tags.of("connection", connection)).register(registry);
      for (ConnectionStatus.State state : ConnectionStatus.State.values()) {
        Gauge.builder("nps_connection_state", connectionStates, states -> states.get(connection) == state ? 1 : 0)
            .description("1 for the state the connection is in: active, waiting (the CRM's retry hint) or stopped "
                + "(refused credentials)")
            .tags(Tags.of("connection", connection, "state", state.name().toLowerCase(java.util.Locale.ROOT)))
            .register(registry);
      }
      Gauge.builder("nps_crm_up", crmUp, up -> up.getOrDefault(connection, false) ? 1 : 0)
          .description("1 while the CRM answers and accepts the credentials (checked at most 30 s ago), 0 while it "
              + "cannot be reached, refuses them, or the connection is stopped")
          .tags(Tags.of("connection", connection)).register(registry);
    });
  }

  /** The Prometheus text, with the store figures read now. */
  String scrape() {
    health.crms().forEach(crm -> {
      connectionStates.put(crm.connection(), crm.engine().state());
      crmUp.put(crm.connection(), crm.up());
    });
    adapters.keySet().forEach(connection -> {
      invitations.countByState(connection).forEach((state, count) ->
          invitationCounts.put(connection + "|" + state.name(), count));
      writebacks.countByState(connection).forEach((state, count) ->
          queueCounts.put(connection + "|" + state, count));
    });
    alertCounts.putAll(alerts.countByDestinationAndState());
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
