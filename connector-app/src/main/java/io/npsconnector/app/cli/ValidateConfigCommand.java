package io.npsconnector.app.cli;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConfigProblem;
import io.npsconnector.config.ConfigurationException;
import io.npsconnector.config.NpsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code validate-config --config FILE} (or {@code validate-config FILE}): a summary and exit 0, or every problem as
 * FILE:LINE: path: message and exit 1.
 */
@Command(
    name = "validate-config",
    mixinStandardHelpOptions = true,
    customSynopsis = "nps-connector validate-config --config FILE",
    description = {
      "Checks a configuration file without connecting to anything.",
      "Prints what it configures (exit 0) or every problem as FILE:LINE: path: message (exit 1)."
    })
final class ValidateConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "The YAML configuration file.")
  Path option;

  // the first form the README showed; every other command takes --config
  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The same, without --config.")
  Path positional;

  @ParentCommand NpsConnectorCommand parent;

  @Override
  public Integer call() {
    if ((option == null) == (positional == null)) {
      throw new ParameterException(spec.commandLine(), option == null ? "Missing required option: '--config=FILE'"
          : "Give the file once: --config " + option + " or " + positional + ", not both");
    }
    Path file = option != null ? option : positional;
    NpsConfig config;
    try {
      config = ConfigLoader.load(file, parent.environment());
    } catch (ConfigurationException e) {
      return report(e.problems());
    }
    List<ConfigProblem> problems = Adapters.filterProblems(config);
    if (!problems.isEmpty()) {
      return report(problems);
    }
    spec.commandLine().getOut().println(ConfigSummary.of(file.toString(), config));
    return 0;
  }

  private int report(List<ConfigProblem> problems) {
    problems.forEach(spec.commandLine().getErr()::println);
    return CommandFailure.EXIT_CODE;
  }
}
