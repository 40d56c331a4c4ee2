package io.npsconnector.config;

import java.util.Map;
import java.util.Optional;

/**
 * How a connection signs in to its CRM: the auth mode and its keys ({@code client-id}, ...), the
 * secret ones kept apart so that printing credentials can never show a secret.
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

  static Credentials read(Section connection, CrmType type) {
    String auth = type.defaultAuth() == null
        ? connection.requiredText("auth").orElse("")
        : connection.text("auth", type.defaultAuth());
    CrmType.AuthMode mode = type.authModes().get(auth);
    if (mode == null && !auth.isEmpty()) {
      connection.problem("auth", "unknown auth mode '" + auth + "' for a " + type.id() + " connection"
          + Suggestions.didYouMean(auth, type.authModes().keySet())
          + "; expected one of " + String.join(", ", new java.util.TreeSet<>(type.authModes().keySet())));
    }
    Section credentials = connection.section("credentials");
    Map<String, String> values = new java.util.HashMap<>();
    Map<String, Secret> secrets = new java.util.HashMap<>();
    if (mode != null) {
      for (String key : mode.values()) {
        credentials.requiredText(key).ifPresent(value -> values.put(key, value));
      }
      for (String key : mode.secrets()) {
        credentials.requiredSecret(key).ifPresent(secret -> secrets.put(key, secret));
      }
      credentials.finish();
    }
    return new Credentials(auth, values, secrets);
  }
}
