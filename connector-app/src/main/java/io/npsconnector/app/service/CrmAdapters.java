package io.npsconnector.app.service;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.CrmAdapter;
import jakarta.inject.Inject;

/** Opens adapters for the configuration's connections; each is owned, and closed, by the lifecycle. */
public final class CrmAdapters {
  private final NpsConfig config;
  private final Clock clock;
  private final AdapterFactory factory;
  private final Lifecycle lifecycle;

  @Inject
  CrmAdapters(NpsConfig config, Clock clock, AdapterFactory factory, Lifecycle lifecycle) {
    this.config = config;
    this.clock = clock;
    this.factory = factory;
    this.lifecycle = lifecycle;
  }

  /** A new adapter for {@code connection}, enabled or not (it connects on its first call). */
  public CrmAdapter open(ConnectionConfig connection) {
    return lifecycle.own("adapter " + connection.name(), factory.open(config, connection, clock));
  }

  /** A new adapter for each enabled connection, by name, in the configuration's order. */
  Map<String, CrmAdapter> enabled() {
    Map<String, CrmAdapter> adapters = new LinkedHashMap<>();
    config.connections().stream().filter(ConnectionConfig::enabled)
        .forEach(connection -> adapters.put(connection.name(), open(connection)));
    return Collections.unmodifiableMap(adapters);
  }
}
