package io.npsconnector.app.web;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Requests that are not a person opening a survey link: prefetches (the {@code Purpose}, {@code Sec-Purpose},
 * {@code X-Purpose} and {@code X-Moz} headers browsers and mail clients send) and the user agents of link scanners,
 * link previews and HTTP libraries. Such a request is still answered, but its page carries no one-click script and
 * its score reports are refused. A scanner that looks like a browser passes this screen; the one-click rules (no
 * script, no score; several scores within minutes are discarded) are the defence against those.
 */
final class LinkScanners {
  /** Lower-case parts of user agents that are not a person's browser. */
  static final List<String> AGENTS = List.of("headlesschrome", "phantomjs", "barracuda", "mimecast", "proofpoint",
      "urldefense", "symantec", "messagelabs", "trend micro", "trendmicro", "sophos", "fireeye", "forcepoint",
      "cisco", "ironport", "checkpoint", "check point", "fortiguard", "zscaler", "safelinks", "safe links",
      "microsoft office", "ms-office", "msoffice", "office365", "bingpreview", "bingbot", "googlebot",
      "google-safety", "googleimageproxy", "slackbot", "facebookexternalhit", "linkedinbot", "twitterbot",
      "whatsapp", "telegrambot", "discordbot", "skypeuripreview", "curl/", "wget/", "python-requests",
      "python-urllib", "aiohttp", "go-http-client", "java/", "java-http-client", "okhttp", "apache-httpclient", "libwww-perl",
      "node-fetch", "axios/", "scanner", "crawler", "spider", "bot/", "bot;", "preview");

  private LinkScanners() {}

  /**
   * Why this request is not a person's (a prefetch, or the agent it names), or empty.
   *
   * @param header the request's header by name, null when absent
   */
  static Optional<String> why(Function<String, String> header) {
    for (String name : List.of("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz")) {
      String value = header.apply(name);
      if (value != null && (value.toLowerCase(Locale.ROOT).contains("prefetch")
          || value.toLowerCase(Locale.ROOT).contains("preview"))) {
        return Optional.of(name + ": " + value);
      }
    }
    String agent = Optional.ofNullable(header.apply("User-Agent")).orElse("").toLowerCase(Locale.ROOT);
    if (agent.isBlank()) {
      return Optional.of("no User-Agent");
    }
    return AGENTS.stream().filter(agent::contains).findFirst().map(part -> "User-Agent contains '" + part + "'");
  }
}
