package io.npsconnector.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration is unusable; {@link #problems()} lists every problem found, in file order. */
public final class ConfigurationException extends RuntimeException {
  private final transient List<ConfigProblem> problems;

  public ConfigurationException(List<ConfigProblem> problems) {
    super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a configuration error needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
