package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.ConnectionStatus;
import io.npsconnector.core.engine.Engine;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code resume}: lets a connection stopped on refused credentials sync and write back again. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = "Resumes a connection the connector stopped because the CRM refused its credentials, once they "
        + "work again (run 'check' first). Every running instance picks it up at its next sync. A connection "
        + "whose credentials changed in the configuration resumes by itself.")
final class ResumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;
  @Mixin ConfigOption config;

  @Mixin ConnectionOption connectionOption;

  @Override
  public Integer call() {
    NpsConfig loaded = config.load(parent.environment());
    ConnectionConfig connection = connectionOption.select(loaded, config.file);
    if (!ExistingStore.exists(loaded.store())) {
      throw new CommandFailure("no store yet at " + loaded.store() + ": nothing was ever stopped there");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Composition app = Composition.of(loaded)) {
      Engine engine = app.get(Engine.class);
      ConnectionStatus before = engine.connectionStatus(connection.name());
      if (!engine.resume(connection.name(), "the command line (" + System.getProperty("user.name") + ")")) {
        out.println(connection.name() + ": not stopped (" + before.state().name().toLowerCase(java.util.Locale.ROOT)
            + "); nothing to resume");
        return 0;
      }
      out.println(connection.name() + ": resumed; it was stopped since " + before.since().orElseThrow() + " ("
          + before.operation().orElse("") + ": " + before.message().orElse("") + ")");
    }
    return 0;
  }
}
