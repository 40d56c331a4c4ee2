package io.npsconnector.app.cli;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import java.io.PrintWriter;
import java.util.List;
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
    for (ConnectionConfig connection : connections) {
      ready &= check(loaded, connection, out);
    }
    return ready ? 0 : 1;
  }

  private static boolean check(NpsConfig loaded, ConnectionConfig connection, PrintWriter out) {
    String name = connection.name() + " (" + connection.type() + ")";
    ConnectionCheck result;
    try (CrmAdapter adapter = Adapters.open(loaded, connection)) {
      result = adapter.check();
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
