package io.npsconnector.config;

import java.util.Objects;

/**
 * A secret read from an environment variable. Its {@code toString} never shows the value: only
 * {@link #reveal()} does, at the one place that hands it to a CRM, an SMTP server or a signer. A command that
 * only reads the store loads the configuration without the secrets it does not use ({@link #unset}): such a
 * secret says so when something does reveal it.
 *
 * @param reference the reference as written in the file, such as {@code ${HUBSPOT_TOKEN}}
 * @param value the value, or null for a secret whose variable is not set
 */
public record Secret(String reference, String value) {
  public Secret {
    Objects.requireNonNull(reference, "reference");
  }

  /** A secret whose environment variable is not set, for a command that does not need it. */
  static Secret unset(String reference) {
    return new Secret(reference, null);
  }

  public boolean isSet() {
    return value != null;
  }

  /** The value; a secret whose variable is not set throws, naming the reference. */
  public String reveal() {
    if (value == null) {
      throw new IllegalStateException("the environment variable of " + reference + " is not set");
    }
    return value;
  }

  @Override
  public String toString() {
    return "Secret[" + reference + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && secret.reference.equals(reference) && Objects.equals(secret.value, value);
  }

  @Override
  public int hashCode() {
    return reference.hashCode();
  }
}
