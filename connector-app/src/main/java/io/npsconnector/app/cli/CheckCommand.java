package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.ConnectionStatus;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code check}: signs in to each CRM and says what is missing (scopes, fields); changes nothing. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Signs in to each enabled connection's CRM and reports whether the credentials work, which "
        + "permissions (scopes) are missing and which NPS fields are missing. Changes nothing. Exit 0 when every "
        + "connection is ready, 1 otherwise.")
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;
  @Mixin ConfigOption config;

  @Option(names = "--connection", paramLabel = "NAME", description = "Check only this connection.")
  String only;

  @Override
  public Integer call() {
    NpsConfig loaded = config.load(parent.environment());
    List<ConnectionConfig> connections = only == null
        ? loaded.connections().stream().filter(ConnectionConfig::enabled).toList()
        : List.of(Adapters.connection(loaded, only, config.file));
    PrintWriter out = spec.commandLine().getOut();
    boolean ready = true;
    try (Composition app = Composition.of(loaded)) {
      CrmAdapters adapters = app.get(CrmAdapters.class);
      Optional<Engine> engine = ExistingStore.exists(loaded.store()) ? Optional.of(app.get(Engine.class))
          : Optional.empty();
      for (ConnectionConfig connection : connections) {
        ready &= check(adapters, connection, out);
        Optional<ConnectionStatus> held = engine.map(running -> running.connectionStatus(connection.name()))
            .filter(status -> status.state() != ConnectionStatus.State.ACTIVE);
        if (held.isPresent()) {
          out.println(stateLine(held.get()));
          ready &= held.get().state() != ConnectionStatus.State.STOPPED;
        }
      }
    }
    return ready ? 0 : 1;
  }

  /** What the store says about a connection the engine does not call now, and what to do about it. */
  private static String stateLine(ConnectionStatus status) {
    if (status.state() == ConnectionStatus.State.WAITING) {
      return "  - the connector waits until " + status.since().orElseThrow() + " as the CRM asked ("
          + status.operation().orElse("") + ")";
    }
    return "  - the connector STOPPED this connection at " + status.since().orElseThrow() + " because the CRM refused "
        + "the credentials (" + status.operation().orElse("") + ": " + status.message().orElse("") + "); once they "
        + "work, run: nps-connector resume --config FILE --connection " + status.connection();
  }

  private static boolean check(CrmAdapters adapters, ConnectionConfig connection, PrintWriter out) {
    String name = connection.name() + " (" + connection.type() + ")";
    ConnectionCheck result;
    try {
      result = adapters.open(connection).check();
    } catch (CommandFailure | CrmException e) {
      out.println(name + ": cannot check: " + e.getMessage());
      return false;
    }
    if (result.ok()) {
      out.println(name + ": ready");
      return true;
    }
    out.println(name + ": " + (result.authenticated() ? "signed in, but not ready" : "cannot sign in"));
    result.problems().forEach(problem -> out.println("  - " + problem));
    return false;
  }
}
