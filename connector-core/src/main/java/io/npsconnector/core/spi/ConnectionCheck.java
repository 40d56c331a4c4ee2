package io.npsconnector.core.spi;

import java.util.List;

/**
 * The answer of {@link CrmAdapter#check()}.
 *
 * @param authenticated the credentials work
 * @param problems what is wrong or missing (scopes, fields, permissions), each one sentence
 */
public record ConnectionCheck(boolean authenticated, List<String> problems) {
  public ConnectionCheck {
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return authenticated && problems.isEmpty();
  }
}
