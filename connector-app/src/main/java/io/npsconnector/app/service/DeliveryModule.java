package io.npsconnector.app.service;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.alert.AlertDestination;
import io.npsconnector.core.alert.AlertDestinations;
import io.npsconnector.core.alert.AlertMailer;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.delivery.webhook.WebhookChannel;
import jakarta.inject.Singleton;

/**
 * The signed survey links, the delivery channels the configuration names (e-mail, webhook), and the senders of its
 * alerts (Slack, Teams, the owner's mail over the e-mail channel).
 */
final class DeliveryModule extends AbstractModule {
  @Provides
  @Singleton
  SurveyLinks links(NpsConfig config, Clock clock) {
    return new SurveyLinks(config.server().publicUrl(), new SurveyTokens(config.server().tokenSecret().reveal(), clock));
  }

  @Provides
  @Singleton
  List<Channel> channels(NpsConfig config, SurveyLinks links, Clock clock, Lifecycle lifecycle) {
    return Stream.of(
        config.email().map(email -> (Channel) lifecycle.own("e-mail connections",
            EmailChannel.create(config, links, clock))),
        config.webhook().map(webhook -> (Channel) new WebhookChannel(webhook, config.company(), links, clock)))
        .flatMap(Optional::stream).toList();
  }

  @Provides
  @Singleton
  List<AlertDestination> alertDestinations(NpsConfig config, List<Channel> channels, Clock clock) {
    Optional<AlertMailer> mailer = channels.stream().filter(AlertMailer.class::isInstance).map(AlertMailer.class::cast)
        .findFirst();
    return AlertDestinations.of(config.alerts(), mailer, clock);
  }
}
