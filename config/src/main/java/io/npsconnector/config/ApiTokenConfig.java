package io.npsconnector.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A bearer token for the read API ({@code server.api-tokens}): other systems send it as {@code
 * Authorization: Bearer ...} and may read the NPS of the named connections only.
 *
 * @param name who holds the token (shown in logs and metrics, never the token)
 * @param token the token itself, at least 32 characters, from the environment
 * @param connections the connections whose contacts and accounts this token may read
 */
public record ApiTokenConfig(String name, Secret token, List<String> connections) {
  static final int MIN_TOKEN_LENGTH = 32;

  public ApiTokenConfig {
    connections = List.copyOf(connections);
  }

  /**
   * Reads one token; whether the connections it names exist is checked once they are all read, by the
   * check this adds to {@code afterConnections}.
   */
  static ApiTokenConfig read(Section section, List<Consumer<Set<String>>> afterConnections) {
    String name = section.requiredText("name").orElse("");
    Optional<Secret> token = section.requiredSecret("token");
    token.filter(secret -> secret.isSet() && secret.reveal().length() < MIN_TOKEN_LENGTH).ifPresent(secret -> section.problem("token",
        "must be at least " + MIN_TOKEN_LENGTH + " characters long; " + secret.reference() + " is shorter"));
    List<String> connections = section.texts("connections").stream().map(String::strip).toList();
    if (connections.isEmpty()) {
      section.problem("connections", "is required: list the connections this token may read");
    }
    afterConnections.add(connectionNames -> {
      for (int i = 0; i < connections.size(); i++) {
        if (!connectionNames.contains(connections.get(i))) {
          section.problemAtItem("connections", i, "no connection is named '" + connections.get(i) + "'"
              + Suggestions.didYouMean(connections.get(i), connectionNames));
        }
      }
    });
    section.finish();
    return new ApiTokenConfig(name, token.orElse(Urls.MISSING_SECRET), connections);
  }
}
