package io.npsconnector.core.spi;

import java.util.Map;
import java.util.Optional;

/**
 * An optional adapter capability: tells whether an HTTP request that reached the connector was signed by
 * the connection's CRM (a CRM-hosted card or extension calling the read API). The host looks for it with
 * {@code adapter instanceof SignedRequestVerifier} and knows nothing of the CRM's scheme.
 *
 * <p>Thread-safe; never logs or returns a secret; never throws for anything a caller can send.
 *
 * @since 0.2
 */
public interface SignedRequestVerifier {
  /**
   * Empty when the request carries this connection's valid signature; otherwise why it was refused, one
   * sentence naming the header at fault.
   *
   * @param uri the full URI the CRM called (scheme, host, path and query as sent)
   * @param headers header names and values; names are matched ignoring case
   */
  Optional<String> refusal(String method, String uri, Map<String, String> headers, byte[] body);
}
