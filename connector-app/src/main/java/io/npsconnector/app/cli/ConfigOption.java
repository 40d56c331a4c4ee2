package io.npsconnector.app.cli;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConfigProblem;
import io.npsconnector.config.ConfigurationException;
import io.npsconnector.config.NpsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option of commands that work on a deployment, loading it with every problem at once. */
final class ConfigOption {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML configuration file.")
  Path file;

  NpsConfig load(Map<String, String> environment) {
    NpsConfig config;
    try {
      config = ConfigLoader.load(file, environment);
    } catch (ConfigurationException e) {
      throw new CommandFailure(e.getMessage());
    }
    List<ConfigProblem> problems = Adapters.filterProblems(config);
    if (!problems.isEmpty()) {
      throw new CommandFailure(new ConfigurationException(problems).getMessage());
    }
    return config;
  }
}
