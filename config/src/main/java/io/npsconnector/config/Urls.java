package io.npsconnector.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Shared value checks for URLs and names. */
final class Urls {
  /** Stands in for a secret whose problem is already recorded; never leaves a failed load. */
  static final Secret MISSING_SECRET = new Secret("${MISSING}", "");

  private Urls() {}

  /** An absolute http(s) URL with a host and without query or fragment. */
  static Section.Parsed<URI> httpUrl(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        return Section.Parsed.error("must be an absolute http or https URL, got '" + text + "'");
      }
      if (uri.getQuery() != null || uri.getFragment() != null) {
        return Section.Parsed.error("must not have a query or fragment, got '" + text + "'");
      }
      return Section.Parsed.of(uri);
    } catch (URISyntaxException e) {
      return Section.Parsed.error("is not a valid URL ('" + text + "'): " + e.getReason());
    }
  }

  /**
   * A link offered to respondents (a review or referral page): an absolute https URL with a host; plain http
   * only to this machine (localhost, 127.0.0.0/8, ::1), for trying things out.
   */
  static Section.Parsed<URI> promoterLink(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
        return Section.Parsed.error("must be an absolute https URL, got '" + text + "'");
      }
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
      if (scheme.equals("http") && !loopback) {
        return Section.Parsed.error("must use https (plain http only to localhost), got '" + text + "'");
      }
      return Section.Parsed.of(uri);
    } catch (URISyntaxException e) {
      return Section.Parsed.error("is not a valid URL ('" + text + "'): " + e.getReason());
    }
  }
}
