package io.npsconnector.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of one file, so that all of them are reported at once. */
final class Problems {
  private final String source;
  private final List<ConfigProblem> problems = new ArrayList<>();

  Problems(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  void add(int line, String path, String message) {
    problems.add(new ConfigProblem(source, line, path, message));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  /** Throws the collected problems in file order, if there are any. */
  void throwIfAny() {
    if (!problems.isEmpty()) {
      List<ConfigProblem> sorted = new ArrayList<>(problems);
      sorted.sort(Comparator.comparingInt(ConfigProblem::line));
      throw new ConfigurationException(sorted);
    }
  }
}
