package io.npsconnector.app.cli;

import io.npsconnector.config.ConfigSchema;
import io.npsconnector.config.ConnectionTypes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code config-schema}: the JSON Schema of configuration files, for editors, with this build's connection types. */
@Command(
    name = "config-schema",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the JSON Schema of configuration files, for editors.",
      "Draft-07, generated from the configuration model and the connection types of this build; the project ships it "
          + "as config/nps-connector.schema.json."
    })
final class ConfigSchemaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(ConfigSchema.json(ConnectionTypes.installed()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
