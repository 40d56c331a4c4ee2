package io.npsconnector.core.spi;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request a CRM sent, before anything parsed it.
 *
 * @param method the HTTP method, such as {@code POST}
 * @param uri the full URI the CRM called, with scheme, host, path and query exactly as sent: behind a proxy,
 *     the public one (from {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}), since CRMs sign what they
 *     called
 * @param headers header names and values; names are looked up ignoring case
 * @param body the raw body bytes: signatures cover them byte for byte
 * @since 0.1
 */
public record InboundRequest(String method, String uri, Map<String, String> headers, byte[] body) {
  public InboundRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Map<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, value) -> caseInsensitive.put(Objects.requireNonNull(name, "header name"),
        Objects.requireNonNull(value, () -> "value of header " + name)));
    headers = Collections.unmodifiableMap(caseInsensitive);
    body = body.clone();
  }

  /** A copy of the raw body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The header's value, whatever the case of {@code name}. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InboundRequest that && method.equals(that.method) && uri.equals(that.uri)
        && headers.equals(that.headers) && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, headers, Arrays.hashCode(body));
  }

  /** Method, URI without its query (it may carry a token) and sizes; never header values or the body. */
  @Override
  public String toString() {
    int query = uri.indexOf('?');
    String shown = query < 0 ? uri : uri.substring(0, query) + "?…";
    return "InboundRequest[" + method + " " + shown + ", " + headers.size() + " headers, " + body.length + " bytes]";
  }
}
