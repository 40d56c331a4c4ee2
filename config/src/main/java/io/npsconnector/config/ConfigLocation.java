package io.npsconnector.config;

import java.util.Objects;

/**
 * Where a value was written, so that a check made after loading (by code that knows more than the
 * configuration module, such as the attributes an adapter fills) reports it as {@code FILE:LINE: path}.
 *
 * @param line 1-based; 0 when the value was not read from a file
 */
public record ConfigLocation(String source, int line, String path) {
  /** For values built in code rather than read from a file. */
  public static final ConfigLocation NONE = new ConfigLocation("", 0, "");

  public ConfigLocation {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
  }

  /** A problem at this place. */
  public ConfigProblem problem(String message) {
    return new ConfigProblem(source, line, path, message);
  }
}
