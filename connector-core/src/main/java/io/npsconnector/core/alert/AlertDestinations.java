package io.npsconnector.core.alert;

import io.npsconnector.config.AlertsConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The senders of a configuration's {@code alerts} destinations. */
public final class AlertDestinations {
  private AlertDestinations() {}

  /**
   * One sender per configured destination; the webhooks share one HTTP client (none is made without a webhook).
   *
   * @param mailer the e-mail channel, for {@code owner-mail} (the configuration requires it then)
   * @throws IllegalStateException when {@code owner-mail} is configured and there is no mailer
   */
  public static List<AlertDestination> of(AlertsConfig alerts, Optional<AlertMailer> mailer, Clock clock) {
    // an HTTP client runs a thread from its start: only made when a webhook destination needs it
    Optional<HttpClient> http = alerts.destinations().stream().anyMatch(destination -> destination.kind()
        != AlertsConfig.Kind.OWNER_MAIL) ? Optional.of(WebhookPost.client()) : Optional.empty();
    List<AlertDestination> destinations = new ArrayList<>();
    for (AlertsConfig.Destination destination : alerts.destinations()) {
      switch (destination.kind()) {
        case SLACK -> destinations.add(new SlackAlert(url(destination), http.orElseThrow(), clock));
        case TEAMS -> destinations.add(new TeamsAlert(url(destination), http.orElseThrow(), clock));
        case OWNER_MAIL -> destinations.add(new OwnerMailAlert(destination.fallback(), mailer.orElseThrow(
            () -> new IllegalStateException("alerts.owner-mail needs the SMTP server of channels.email"))));
      }
    }
    return List.copyOf(destinations);
  }

  private static URI url(AlertsConfig.Destination destination) {
    return URI.create(destination.webhookUrl().orElseThrow(() -> new IllegalStateException(
        "alerts." + destination.kind().key() + ".webhook-url is not configured")).reveal().strip());
  }
}
