package io.npsconnector.core.spi;

import java.util.Objects;

/**
 * The answer to an {@link InboundRequest}: a status, a content type and a short body. Never contains a secret.
 *
 * @since 0.1
 */
public record InboundResponse(int status, String contentType, String body) {
  public InboundResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100-599, got " + status);
    }
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
  }
}
