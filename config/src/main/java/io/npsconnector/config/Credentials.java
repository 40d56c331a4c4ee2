package io.npsconnector.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a connection signs in to its CRM: the auth mode and its keys ({@code client-id}, ...), the
 * secret ones kept apart so that printing credentials can never show a secret. Connection types read
 * them with {@link #read}, naming the auth modes their CRM has.
 */
public record Credentials(String auth, Map<String, String> values, Map<String, Secret> secrets) {
  public Credentials {
    values = Map.copyOf(values);
    secrets = Map.copyOf(secrets);
  }

  public Optional<String> value(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public Optional<Secret> secret(String key) {
    return Optional.ofNullable(secrets.get(key));
  }

  /**
   * Reads {@code auth} and the {@code credentials} mapping of a connection.
   *
   * @param type the connection type, as problems name it ({@code salesforce})
   * @param defaultAuth the mode used when the connection names none; empty when it must name one
   * @param modes the auth modes of the CRM and the keys each requires
   */
  public static Credentials read(Section connection, String type, Optional<String> defaultAuth,
      Map<String, AuthMode> modes) {
    String auth = connection.explored("auth", new TreeSet<>(modes.keySet())).orElseGet(() -> defaultAuth.isEmpty()
        ? connection.requiredText("auth").orElse("")
        : connection.text("auth", defaultAuth.get()));
    AuthMode mode = modes.get(auth);
    if (mode == null && !auth.isEmpty()) {
      connection.problem("auth", "unknown auth mode '" + auth + "' for a " + type + " connection"
          + Suggestions.didYouMean(auth, modes.keySet())
          + "; expected one of " + String.join(", ", new TreeSet<>(modes.keySet())));
    }
    Section credentials = connection.section("credentials");
    Map<String, String> values = new HashMap<>();
    Map<String, Secret> secrets = new HashMap<>();
    if (mode != null) {
      // sorted: a set's order changes from one run to the next, and so would the problems' and the schema's
      for (String key : new TreeSet<>(mode.values())) {
        credentials.requiredText(key).ifPresent(value -> values.put(key, value));
      }
      for (String key : new TreeSet<>(mode.secrets())) {
        credentials.requiredSecret(key).ifPresent(secret -> secrets.put(key, secret));
      }
      credentials.finish();
    }
    return new Credentials(auth, values, secrets);
  }

  /** The plain keys and the secret keys one auth mode requires. */
  public record AuthMode(Set<String> values, Set<String> secrets) {
    public AuthMode {
      values = Set.copyOf(values);
      secrets = Set.copyOf(secrets);
    }
  }
}
