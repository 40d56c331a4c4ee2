package io.npsconnector.config;

/**
 * One configuration problem: where it is and what is wrong. Messages never contain a secret's value.
 *
 * @param source the file name as given by the user
 * @param line 1-based line in that file; 0 when the problem is the file itself (missing, unreadable)
 * @param path the key path, such as {@code connections[0].credentials.token}; empty for the whole file
 * @param message what is wrong and, where possible, what would be right
 */
public record ConfigProblem(String source, int line, String path, String message) {
  /** The form every tool prints: {@code FILE:LINE: path: message}. */
  @Override
  public String toString() {
    return source + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + message;
  }
}
