package io.npsconnector.salesforce.auth;

import java.net.URI;
import java.util.Objects;

/**
 * An OAuth access token and the org's instance it is good for. {@link #toString()} never shows the token.
 *
 * @param value the token, sent as the SOAP session id
 * @param instanceUrl the org's own host ({@code https://example.my.salesforce.com})
 */
public record AccessToken(String value, URI instanceUrl) {
  public AccessToken {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(instanceUrl, "instanceUrl");
    if (value.isBlank()) {
      throw new IllegalArgumentException("the access token is blank");
    }
  }

  @Override
  public String toString() {
    return "AccessToken[instanceUrl=" + instanceUrl + ", value=(" + value.length() + " characters, not shown)]";
  }
}
