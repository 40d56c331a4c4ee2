package io.npsconnector.app.cli;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --connection NAME} option of commands that work on one connection: the only enabled one by default. */
final class ConnectionOption {
  @Option(names = "--connection", paramLabel = "NAME",
      description = "The connection; may be left out when the configuration has only one enabled connection.")
  String name;

  /** The named connection, or the file's only enabled one; a failure listing them when there are several. */
  ConnectionConfig select(NpsConfig config, Object file) {
    if (name != null) {
      return Adapters.connection(config, name, file);
    }
    List<ConnectionConfig> enabled = config.connections().stream().filter(ConnectionConfig::enabled).toList();
    if (enabled.size() != 1) {
      throw new CommandFailure("--connection is needed: " + file + " has " + enabled.size()
          + " enabled connections (" + String.join(", ", enabled.stream().map(ConnectionConfig::name).toList())
          + "); add --connection " + (enabled.isEmpty() ? "NAME" : enabled.get(0).name()));
    }
    return enabled.get(0);
  }
}
