package io.npsconnector.app.web.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.npsconnector.config.ApiTokenConfig;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.SignedRequestVerifier;

/**
 * Decides whether a read API request may read a connection: a bearer token from {@code server.api-tokens}
 * that lists the connection, or a request the connection's CRM signed (its adapter's {@link
 * SignedRequestVerifier}: HubSpot's signature v3 on a card's {@code hubspot.fetch}). A token is never
 * scoped wider than its list; a signature is only ever checked with the connection's own secret, so it
 * opens no other connection. Tokens are compared in constant time.
 */
final class ApiAuthenticator {
  /** The headers whose presence says the CRM signed the request. */
  static final List<String> SIGNATURE_HEADERS = List.of("X-HubSpot-Signature-v3");

  private final List<ApiTokenConfig> tokens;
  private final Map<String, CrmAdapter> adapters;

  ApiAuthenticator(List<ApiTokenConfig> tokens, Map<String, CrmAdapter> adapters) {
    this.tokens = List.copyOf(tokens);
    this.adapters = Map.copyOf(adapters);
  }

  /**
   * @param uri the full URI as the caller called it (signatures cover it)
   * @param headers names matched ignoring case
   */
  ApiCaller authenticate(String connection, String method, String uri, Map<String, String> headers, byte[] body) {
    Optional<String> authorization = header(headers, "Authorization");
    if (authorization.isPresent()) {
      return bearer(connection, authorization.get());
    }
    boolean signed = SIGNATURE_HEADERS.stream().anyMatch(name -> header(headers, name).isPresent());
    if (signed) {
      CrmAdapter adapter = adapters.get(connection);
      if (!(adapter instanceof SignedRequestVerifier verifier)) {
        return ApiCaller.unauthenticated("connection '" + connection + "' does not accept signed requests");
      }
      return verifier.refusal(method, uri, headers, body).map(ApiCaller::unauthenticated)
          .orElseGet(() -> ApiCaller.allowed("signed:" + connection));
    }
    return ApiCaller.unauthenticated("send Authorization: Bearer <token> (server.api-tokens) or a CRM-signed request");
  }

  private ApiCaller bearer(String connection, String authorization) {
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return ApiCaller.unauthenticated("the Authorization header must be 'Bearer <token>'");
    }
    byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    for (ApiTokenConfig token : tokens) {
      if (MessageDigest.isEqual(presented, token.token().reveal().getBytes(StandardCharsets.UTF_8))) {
        return token.connections().contains(connection)
            ? ApiCaller.allowed(token.name())
            : ApiCaller.forbidden(token.name(), "API token '" + token.name() + "' may not read connection '"
                + connection + "'");
      }
    }
    return ApiCaller.unauthenticated("unknown API token");
  }

  private static Optional<String> header(Map<String, String> headers, String name) {
    return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).filter(value -> !value.isBlank()).findFirst();
  }
}
