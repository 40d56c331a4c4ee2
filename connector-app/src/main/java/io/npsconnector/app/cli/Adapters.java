package io.npsconnector.app.cli;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;
import io.npsconnector.core.spi.support.CrmProviders;
import java.time.Clock;
import java.util.ServiceLoader;

/** The CRM adapters this build has (found through {@link ServiceLoader}), for the commands that call a CRM. */
final class Adapters {
  private Adapters() {}

  /** The named connection of the file, or a failure naming the connections there are. */
  static ConnectionConfig connection(NpsConfig config, String name, Object file) {
    return config.connection(name).orElseThrow(() -> new CommandFailure("no connection named '" + name + "' in "
        + file + "; connections: " + String.join(", ", config.connections().stream()
            .map(ConnectionConfig::name).toList())));
  }

  /** A new adapter for the connection (it connects on its first call), or a failure naming the type. */
  static CrmAdapter open(NpsConfig config, ConnectionConfig connection) {
    return open(config, connection, Clock.systemUTC());
  }

  /** A new adapter whose clock is {@code clock}. */
  static CrmAdapter open(NpsConfig config, ConnectionConfig connection, Clock clock) {
    CrmProvider provider = CrmProviders.serving(connection.type())
        .orElseThrow(() -> new CommandFailure("connection '" + connection.name() + "': this build has no "
            + connection.type() + " adapter (it has: " + String.join(", ", CrmProviders.installed().stream()
                .map(CrmProvider::type).toList()) + ")"));
    return provider.create(connection, new AdapterContext(clock, config.writeback()));
  }
}
