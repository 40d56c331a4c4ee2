package io.npsconnector.config;

import java.util.Objects;

/**
 * A secret read from an environment variable. Its {@code toString} never shows the value: only
 * {@link #reveal()} does, at the one place that hands it to a CRM, an SMTP server or a signer.
 *
 * @param reference the reference as written in the file, such as {@code ${HUBSPOT_TOKEN}}
 */
public record Secret(String reference, String value) {
  public Secret {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(value, "value");
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Secret[" + reference + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && secret.reference.equals(reference) && secret.value.equals(value);
  }

  @Override
  public int hashCode() {
    return reference.hashCode();
  }
}
