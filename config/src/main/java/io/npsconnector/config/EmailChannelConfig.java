package io.npsconnector.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SMTP delivery.
 *
 * @param tls {@code starttls} (default, port 587), {@code smtps} (implicit TLS, port 465) or {@code none} (port 25)
 * @param from the sender, {@code nps@example.com} or {@code Example NPS <nps@example.com>}
 * @param maxConnections {@code max-connections}: the most SMTP connections open at once, each kept open between
 *     mails and used by one send at a time; also the most mails in flight at once (default
 *     {@value #DEFAULT_MAX_CONNECTIONS})
 * @param maxPerSecond {@code max-per-second}: the most mails sent per second, across all connections (for a
 *     provider's sending limit); no cap when empty (the default)
 */
public record EmailChannelConfig(
    String host, int port, TlsMode tls, Optional<String> user, Optional<Secret> password, String from,
    Optional<String> replyTo, int maxConnections, Optional<Integer> maxPerSecond) {

  public static final int DEFAULT_MAX_CONNECTIONS = 4;
  public static final int MAX_CONNECTIONS_LIMIT = 64;
  public static final int MAX_PER_SECOND_LIMIT = 100_000;

  public EmailChannelConfig {
    if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
      throw new IllegalArgumentException("channels.email.max-connections must be between 1 and "
          + MAX_CONNECTIONS_LIMIT + ", got " + maxConnections);
    }
    maxPerSecond = maxPerSecond == null ? Optional.empty() : maxPerSecond;
    maxPerSecond.filter(rate -> rate < 1 || rate > MAX_PER_SECOND_LIMIT).ifPresent(rate -> {
      throw new IllegalArgumentException("channels.email.max-per-second must be between 1 and "
          + MAX_PER_SECOND_LIMIT + ", got " + rate);
    });
  }

  /** An SMTP channel with the default connection limit and no rate cap. */
  public EmailChannelConfig(String host, int port, TlsMode tls, Optional<String> user, Optional<Secret> password,
      String from, Optional<String> replyTo) {
    this(host, port, tls, user, password, from, replyTo, DEFAULT_MAX_CONNECTIONS, Optional.empty());
  }

  /** This channel with {@code max-connections} and {@code max-per-second} set. */
  public EmailChannelConfig withSending(int connections, Optional<Integer> perSecond) {
    return new EmailChannelConfig(host, port, tls, user, password, from, replyTo, connections, perSecond);
  }

  /** How the SMTP connection is secured. */
  public enum TlsMode {
    NONE(25), STARTTLS(587), SMTPS(465);

    private final int defaultPort;

    TlsMode(int defaultPort) {
      this.defaultPort = defaultPort;
    }

    public int defaultPort() {
      return defaultPort;
    }
  }

  // a practical check, not RFC 5322: one '@', a dot in the domain, no spaces or angle brackets
  private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+");
  private static final Pattern NAMED_ADDRESS = Pattern.compile("[^<>]*<([^<>]+)>");

  static EmailChannelConfig read(Section email) {
    String host = email.requiredText("host").orElse("");
    TlsMode tls = email.oneOf("tls", "TLS mode", List.of("starttls", "smtps", "none"))
        .map(mode -> TlsMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT))).orElse(TlsMode.STARTTLS);
    int port = email.integer("port", 1, 65_535).orElse(tls.defaultPort());
    Optional<String> user = email.text("user").filter(value -> !value.isBlank());
    Optional<Secret> password = email.secret("password");
    if (user.isPresent() && password.isEmpty() && !email.has("password")) {
      email.problem("password", "is required when 'user' is set");
    }
    if (user.isEmpty() && password.isPresent()) {
      email.problem("user", "is required when 'password' is set");
    }
    String from = email.requiredText("from").orElse("");
    checkAddress(email, "from", from);
    Optional<String> replyTo = email.text("reply-to");
    replyTo.ifPresent(address -> checkAddress(email, "reply-to", address));
    int maxConnections = email.integer("max-connections", 1, MAX_CONNECTIONS_LIMIT).orElse(DEFAULT_MAX_CONNECTIONS);
    Optional<Integer> maxPerSecond = email.integer("max-per-second", 1, MAX_PER_SECOND_LIMIT);
    email.finish();
    return new EmailChannelConfig(host, port, tls, user, password, from, replyTo, maxConnections, maxPerSecond);
  }

  static void checkAddress(Section email, String key, String value) {
    if (value.isEmpty()) {
      return;
    }
    var named = NAMED_ADDRESS.matcher(value.strip());
    String address = named.matches() ? named.group(1).strip() : value.strip();
    if (!ADDRESS.matcher(address).matches()) {
      email.problem(key, "must be an e-mail address such as nps@example.com or 'Example NPS <nps@example.com>', got '"
          + value + "'");
    }
  }
}
