package io.npsconnector.app.cli;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;
import io.npsconnector.config.ConfigProblem;
import io.npsconnector.core.spi.EventAttributes;
import io.npsconnector.core.spi.support.CrmProviders;
import io.npsconnector.core.trigger.FilterCheck;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The CRM adapters this build has (found through {@link ServiceLoader}), for the commands that call a CRM. */
public final class Adapters {
  private Adapters() {}

  /** The named connection of the file, or a failure naming the connections there are. */
  static ConnectionConfig connection(NpsConfig config, String name, Object file) {
    return config.connection(name).orElseThrow(() -> new CommandFailure("no connection named '" + name + "' in "
        + file + "; connections: " + String.join(", ", config.connections().stream()
            .map(ConnectionConfig::name).toList())));
  }

  /**
   * The problems of the file's trigger filters that only the adapters can see: attributes they do not
   * fill, operators that do not suit an attribute's type; each as {@code FILE:LINE: path: message}.
   */
  static List<ConfigProblem> filterProblems(NpsConfig config) {
    Map<String, EventAttributes> declared = CrmProviders.installed().stream()
        .collect(Collectors.toMap(CrmProvider::type, CrmProvider::eventAttributes, (first, second) -> first));
    return new FilterCheck(declared).problems(config);
  }

  /** A new adapter for the connection whose clock is {@code clock} (it connects on its first call), or a failure
   * naming the type. */
  public static CrmAdapter open(NpsConfig config, ConnectionConfig connection, Clock clock) {
    CrmProvider provider = CrmProviders.serving(connection.type())
        .orElseThrow(() -> new CommandFailure("connection '" + connection.name() + "': this build has no "
            + connection.type() + " adapter (it has: " + String.join(", ", CrmProviders.installed().stream()
                .map(CrmProvider::type).toList()) + ")"));
    return provider.create(connection, new AdapterContext(clock, config.writeback()));
  }
}
