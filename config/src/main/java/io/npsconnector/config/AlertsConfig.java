package io.npsconnector.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where answers that need a person's attention are announced: a Slack and a Microsoft Teams incoming webhook, and a
 * mail to the contact's owner. Each destination is configured once, with the answers it takes ({@link When}) and
 * optionally only some connections and triggers.
 *
 * @param maxAttempts a retriable failure is tried again until this many attempts, then the alert is given up
 */
public record AlertsConfig(List<Destination> destinations, int maxAttempts) {
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(1);
  /** No alerts. */
  public static final AlertsConfig NONE = new AlertsConfig(List.of(), DEFAULT_MAX_ATTEMPTS);

  public AlertsConfig {
    destinations = List.copyOf(destinations);
  }

  /** The kinds of destination, by their key under {@code alerts}. */
  public enum Kind {
    SLACK("slack"), TEAMS("teams"), OWNER_MAIL("owner-mail");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    /** The key under {@code alerts}, which also names the destination in the store and in metrics. */
    public String key() {
      return key;
    }
  }

  /** Which answers a destination announces. */
  public enum When {
    /** Scores 0-6. */
    DETRACTORS("detractors"),
    /** Scores 0-6, and any answer with a comment. */
    DETRACTORS_AND_COMMENTS("detractors-and-comments"),
    /** Every answer. */
    ALL("all");

    private final String key;

    When(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** Whether an answer with this score and comment is announced. */
    public boolean takes(int score, Optional<String> comment) {
      boolean detractor = score <= 6;
      return switch (this) {
        case DETRACTORS -> detractor;
        case DETRACTORS_AND_COMMENTS -> detractor || comment.filter(text -> !text.isBlank()).isPresent();
        case ALL -> true;
      };
    }
  }

  /**
   * One destination.
   *
   * @param webhookUrl Slack and Teams: the incoming webhook's URL, a secret
   * @param fallback owner mail: where the alert goes when the CRM names no owner e-mail
   * @param connections only answers of these connections; empty for all
   * @param triggers only answers to these triggers' invitations; empty for all
   * @param minInterval at most one message per this interval to the destination
   */
  public record Destination(Kind kind, Optional<Secret> webhookUrl, Optional<String> fallback, When when,
      List<String> connections, List<String> triggers, Duration minInterval) {
    public Destination {
      connections = List.copyOf(connections);
      triggers = List.copyOf(triggers);
    }

    /** Whether this destination announces an answer with {@code score} of {@code connection}'s {@code trigger}. */
    public boolean takes(String connection, String trigger, int score, Optional<String> comment) {
      return (connections.isEmpty() || connections.contains(connection))
          && (triggers.isEmpty() || triggers.contains(trigger)) && when.takes(score, comment);
    }
  }

  public Optional<Destination> destination(Kind kind) {
    return destinations.stream().filter(destination -> destination.kind() == kind).findFirst();
  }

  static AlertsConfig read(Section alerts, Set<String> connections, Set<String> triggers, boolean emailConfigured) {
    int maxAttempts = alerts.integer("max-attempts", 1, 100).orElse(DEFAULT_MAX_ATTEMPTS);
    List<Destination> destinations = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      if (alerts.has(kind.key())) {
        destinations.add(destination(kind, alerts.section(kind.key()), connections, triggers, emailConfigured));
      }
    }
    alerts.finish();
    return new AlertsConfig(destinations, maxAttempts);
  }

  private static Destination destination(Kind kind, Section section, Set<String> connections, Set<String> triggers,
      boolean emailConfigured) {
    Optional<Secret> url = Optional.empty();
    Optional<String> fallback = Optional.empty();
    if (kind == Kind.OWNER_MAIL) {
      fallback = section.text("fallback").map(String::strip).filter(value -> !value.isEmpty());
      fallback.ifPresent(address -> EmailChannelConfig.checkAddress(section, "fallback", address));
      if (!emailConfigured) {
        section.problem("mails go through the SMTP server of channels.email, which is not configured");
      }
    } else {
      url = section.requiredSecret("webhook-url");
      url.filter(Secret::isSet).ifPresent(secret -> checkWebhookUrl(section, kind, secret));
    }
    When when = section.oneOf("when", "answer selection", List.of("detractors", "detractors-and-comments", "all"))
        .map(key -> When.valueOf(key.toUpperCase(Locale.ROOT).replace('-', '_'))).orElse(When.DETRACTORS);
    List<String> onlyConnections = names(section, "connections", "connection", connections);
    List<String> onlyTriggers = names(section, "triggers", "trigger", triggers);
    Duration minInterval = section.duration("min-interval", Duration.ZERO).orElse(DEFAULT_MIN_INTERVAL);
    section.finish();
    return new Destination(kind, url, fallback, when, onlyConnections, onlyTriggers, minInterval);
  }

  /** The list of names at {@code key}, each of which must be one of {@code known}. */
  private static List<String> names(Section section, String key, String what, Set<String> known) {
    List<String> names = section.texts(key);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!known.contains(name)) {
        section.problemAtItem(key, i, "no " + what + " is named '" + name + "'" + Suggestions.didYouMean(name, known));
      }
    }
    return names;
  }

  /**
   * An https URL (http only to this machine, for tests); Slack's must be an incoming webhook
   * ({@code https://hooks.slack.com/services/...}), the only kind that takes the message format sent. The URL is a
   * secret: messages name its reference, never its value.
   */
  private static void checkWebhookUrl(Section section, Kind kind, Secret secret) {
    URI uri;
    try {
      uri = new URI(secret.reveal().strip());
    } catch (URISyntaxException e) {
      section.problem("webhook-url", secret.reference() + " is not a valid URL");
      return;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    boolean loopback = isLoopback(host);
    if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http") && loopback)) {
      section.problem("webhook-url", secret.reference() + " must be an https URL (http only to 127.0.0.1, ::1 or "
          + "localhost)");
      return;
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (kind == Kind.SLACK && !loopback && !(host.equals("hooks.slack.com") && path.startsWith("/services/"))) {
      section.problem("webhook-url", secret.reference() + " must be a Slack incoming webhook URL, "
          + "https://hooks.slack.com/services/..." + (path.startsWith("/triggers/")
              ? " (a Workflow Builder webhook takes other messages)" : ""));
    }
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
  }
}
