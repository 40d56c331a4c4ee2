package io.npsconnector.app.cli;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.Durations;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.StoreConfig;
import io.npsconnector.config.TriggerConfig;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** One paragraph telling an admin what a valid configuration will do. */
final class ConfigSummary {
  private ConfigSummary() {}

  static String of(String file, NpsConfig config) {
    StringBuilder text = new StringBuilder();
    text.append(file).append(" is valid. It runs the NPS programme of ").append(config.company())
        .append(" on ").append(count(config.connections().size(), "connection")).append(" (")
        .append(config.connections().stream().map(ConfigSummary::connection).collect(Collectors.joining("; ")))
        .append(") with ").append(count(config.triggers().size(), "trigger"));
    if (!config.triggers().isEmpty()) {
      text.append(" (").append(config.triggers().stream().map(ConfigSummary::trigger)
          .collect(Collectors.joining("; "))).append(")");
    }
    text.append(". ");
    text.append(config.fatigue().days() == 0 ? "No fatigue window"
        : "Nobody is surveyed twice within " + config.fatigue().days() + " days");
    config.fatigue().accountDays().ifPresent(days -> text.append(" (nor the same account within ").append(days)
        .append(" days)"));
    if (config.fatigue().days() > 0) {
      text.append(config.fatigue().scope() == io.npsconnector.config.FatigueConfig.Scope.PERSON
          ? ", counting one e-mail address as one person in every connection" : ", counting each connection apart");
    }
    text.append("; invitations go out ");
    text.append(config.sendWindow().quietHours().map(quiet -> "outside " + quiet + " ").orElse("at any hour "))
        .append("on ").append(days(config.sendWindow().weekdays())).append(" in each contact's time zone");
    text.append(config.reminderAfter().map(after -> ", with one reminder after " + Durations.format(after))
        .orElse(", without reminders"));
    text.append(", and expire after ").append(Durations.format(config.invitationExpiry())).append(". ");
    List<String> channels = new ArrayList<>();
    config.email().ifPresent(email -> channels.add("e-mail via " + email.host() + ":" + email.port()));
    config.webhook().ifPresent(webhook -> channels.add("webhook to " + webhook.url()));
    text.append("Channels: ").append(channels.isEmpty() ? "none" : String.join(", ", channels)).append(". ");
    text.append("Write-back: ").append(config.writeback().followUpTasks().isEmpty() ? "no follow-up tasks"
        : "follow-up tasks for " + String.join(", ", config.writeback().followUpTasks().keySet()))
        .append(config.writeback().timelineActivity() ? ", one timeline activity per answer" : "")
        .append(", account NPS over ").append(Durations.format(config.writeback().accountRollupWindow()))
        .append(". ");
    text.append("State is kept in ").append(store(config.store())).append("; survey pages are served on port ")
        .append(config.server().port()).append(" as ").append(config.server().publicUrl()).append('.');
    return text.toString();
  }

  private static String connection(ConnectionConfig connection) {
    return connection.name() + ": " + connection.type() + ", synced every "
        + Durations.format(connection.syncInterval()) + (connection.enabled() ? "" : ", disabled");
  }

  private static String trigger(TriggerConfig trigger) {
    StringBuilder text = new StringBuilder(trigger.name()).append(" on ").append(trigger.on().id());
    trigger.period().ifPresent(period -> text.append(", every ").append(Durations.format(period)));
    if (!trigger.delay().isZero()) {
      text.append(", ").append(Durations.format(trigger.delay())).append(" after the event");
    }
    if (!trigger.filter().isEmpty()) {
      text.append(", when ").append(trigger.filter().stream().map(Object::toString)
          .collect(Collectors.joining(" and ")));
    }
    if (trigger.samplingRate() < 1) {
      text.append(", ").append(Math.round(trigger.samplingRate() * 1000) / 10.0).append("% sampled");
    }
    trigger.dailyCap().ifPresent(cap -> text.append(", at most ").append(cap).append(" a day"));
    text.append(", by ").append(trigger.channel());
    if (!trigger.enabled()) {
      text.append(", disabled");
    }
    return text.toString();
  }

  private static String days(java.util.Set<DayOfWeek> days) {
    return days.stream().sorted().map(day -> day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
        .collect(Collectors.joining(", "));
  }

  private static String store(StoreConfig store) {
    if (store instanceof StoreConfig.H2 h2) {
      return "an embedded H2 database at " + h2.path();
    }
    return "PostgreSQL at " + ((StoreConfig.Postgres) store).url();
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
