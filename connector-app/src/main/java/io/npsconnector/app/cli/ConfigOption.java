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
    return load(() -> ConfigLoader.load(file, environment));
  }

  /**
   * For a command that only reads the store: the secrets it does not use need not be set (one it does use, the
   * store's password, fails as one line when it is not).
   */
  NpsConfig loadForReading(Map<String, String> environment) {
    return load(() -> ConfigLoader.loadForReading(file, environment));
  }

  private NpsConfig load(java.util.function.Supplier<NpsConfig> loader) {
    NpsConfig config;
    try {
      config = loader.get();
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
