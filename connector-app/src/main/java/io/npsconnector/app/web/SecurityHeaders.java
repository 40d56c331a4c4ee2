package io.npsconnector.app.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The headers every answer of the server carries, pages and error answers alike: a strict
 * Content-Security-Policy (no script, no framing; a score link's page widens it for its one script), {@code nosniff}, {@code no-referrer}, a separate
 * browsing context and {@code no-store}.
 */
final class SecurityHeaders {
  static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
      + "frame-ancestors 'none'; base-uri 'none'";
  private static final Map<String, String> HEADERS = headers();

  private SecurityHeaders() {}

  /** {@link #CSP}, with images also from the configured logo's origin ({@code branding.logo-url}). */
  static String csp(io.npsconnector.config.BrandingConfig branding) {
    return branding.logoOrigin().map(origin -> CSP.replace("img-src 'self'", "img-src 'self' " + origin))
        .orElse(CSP);
  }

  /** Passes each header name and value to {@code sink} (a response's {@code setHeader}). */
  static void apply(BiConsumer<String, String> sink) {
    HEADERS.forEach(sink);
  }

  /** The headers, in the order they are set. */
  static Map<String, String> all() {
    return HEADERS;
  }

  private static Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Security-Policy", CSP);
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("Cache-Control", "no-store");
    return java.util.Collections.unmodifiableMap(headers);
  }
}
