package io.npsconnector.app.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Counts the requests the server refuses (4xx answers to anonymous clients: bad tokens, bad signatures,
 * oversized or malformed bodies, unknown routes) and reports them as one summary line per interval instead
 * of one line each, so that no client can fill the log. The line is written on the first refusal after the
 * interval has passed, and at {@link #flush()}. Thread-safe.
 */
final class RefusalLog {
  private final Clock clock;
  private final Duration interval;
  private final Consumer<String> out;
  private final Map<String, Long> counts = new TreeMap<>();
  private Instant since;

  RefusalLog(Clock clock, Duration interval, Consumer<String> out) {
    this.clock = clock;
    this.interval = interval;
    this.out = out;
    this.since = clock.instant();
  }

  /**
   * Counts one refusal.
   *
   * @param status the status answered
   * @param what the route class and, where known, the reason, never a token or a client's text
   */
  void refused(int status, String what) {
    String line = null;
    synchronized (this) {
      counts.merge(status + " " + what, 1L, Long::sum);
      if (!clock.instant().isBefore(since.plus(interval))) {
        line = summary();
      }
    }
    if (line != null) {
      out.accept(line);
    }
  }

  /** Writes the summary of what was counted since the last line, if anything was. */
  void flush() {
    String line;
    synchronized (this) {
      line = counts.isEmpty() ? null : summary();
    }
    if (line != null) {
      out.accept(line);
    }
  }

  /** The counts since the last summary line, by status and route class. */
  synchronized Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  private String summary() {
    Instant now = clock.instant();
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder line = new StringBuilder("refused ").append(total).append(total == 1 ? " request" : " requests")
        .append(" in the last ").append(Math.max(1, Duration.between(since, now).toSeconds())).append(" s:");
    String separator = " ";
    for (Map.Entry<String, Long> entry : counts.entrySet()) {
      line.append(separator).append(entry.getKey()).append(" x").append(entry.getValue());
      separator = ", ";
    }
    counts.clear();
    since = now;
    return line.toString();
  }

  /** The route class of a path for the counts: its first segment, with tokens and names left out. */
  static String routeOf(String path) {
    if (path.startsWith("/s/")) {
      return "/s/{token}";
    }
    if (path.startsWith("/u/")) {
      return "/u/{token}";
    }
    for (String known : new String[] {"/admin", "/api", "/webhooks", "/health", "/metrics", "/assets"}) {
      if (path.equals(known) || path.startsWith(known + "/")) {
        return known + (path.equals(known) ? "" : "/…");
      }
    }
    return "other";
  }
}
