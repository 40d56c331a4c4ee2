package io.npsconnector.core.trigger;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.FakeCrmProvider;
import io.npsconnector.config.FatigueConfig;
import io.npsconnector.config.FilterCondition;
import io.npsconnector.config.SendWindowConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.config.TriggerConfig.TriggerType;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Configurations, contacts and events for the trigger tests. */
final class TriggerFixtures {
  static final String CONNECTION = "hubspot-eu";
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final Instant MODIFIED = Instant.parse("2026-01-01T00:00:00Z");

  private TriggerFixtures() {}

  static ConnectionConfig connection(ZoneId zone) {
    return new ConnectionConfig(CONNECTION, FakeCrmAdapter.TYPE, true, ConnectionConfig.DEFAULT_SYNC_INTERVAL, Map.of(),
        Map.of("region", "hs_region"), zone, Locale.ENGLISH, FakeCrmProvider.SETTINGS);
  }

  /** Fatigue counted per contact of one connection, as {@link InMemorySurveyHistory#surveyed} records it. */
  static FatigueConfig fatigue(int days) {
    return new FatigueConfig(days, Optional.empty(), FatigueConfig.Scope.CONNECTION);
  }

  static FatigueConfig fatigue(int days, int accountDays) {
    return new FatigueConfig(days, Optional.of(accountDays), FatigueConfig.Scope.CONNECTION);
  }

  /** Fatigue counted per person: every contact with the e-mail address, in every connection. */
  static FatigueConfig personFatigue(int days) {
    return new FatigueConfig(days, Optional.empty(), FatigueConfig.Scope.PERSON);
  }

  /** The shipped default: quiet 20:00-09:00, Monday to Friday. */
  static SendWindowConfig officeHours() {
    return new SendWindowConfig(Optional.of(SendWindowConfig.DEFAULT_QUIET_HOURS), SendWindowConfig.DEFAULT_WEEKDAYS);
  }

  static SendWindowConfig window(String quietStart, String quietEnd, DayOfWeek... days) {
    return new SendWindowConfig(
        Optional.of(new SendWindowConfig.QuietHours(LocalTime.parse(quietStart), LocalTime.parse(quietEnd))),
        days.length == 0 ? EnumSet.allOf(DayOfWeek.class) : EnumSet.of(days[0], days));
  }

  static SendWindowConfig always() {
    return new SendWindowConfig(Optional.empty(), EnumSet.allOf(DayOfWeek.class));
  }

  static Contact.Builder contact(String id) {
    return Contact.builder(id, MODIFIED).email(id.toLowerCase(Locale.ROOT) + "@example.com").firstName("Ada");
  }

  static InteractionEvent purchase(String id, Instant occurredAt, Map<String, String> attributes) {
    return new InteractionEvent(id, EventKind.PURCHASE, occurredAt, List.of("003A"), attributes);
  }

  static TriggerBuilder purchaseTrigger() {
    return new TriggerBuilder("post-purchase", TriggerType.PURCHASE);
  }

  static TriggerBuilder relationshipTrigger(Duration period) {
    TriggerBuilder builder = new TriggerBuilder("quarterly", TriggerType.RELATIONSHIP);
    builder.period = Optional.of(period);
    builder.maxEventAge = Optional.empty();
    return builder;
  }

  /** A trigger as the configuration loader would make it, with the loader's defaults. */
  static final class TriggerBuilder {
    private final String name;
    private final TriggerType type;
    private final List<FilterCondition> filter = new ArrayList<>();
    private Duration delay = Duration.ZERO;
    private Optional<Duration> maxEventAge = Optional.of(TriggerConfig.DEFAULT_MAX_EVENT_AGE);
    private double samplingRate = 1.0;
    private Optional<Integer> dailyCap = Optional.empty();
    private Optional<Duration> period = Optional.empty();

    private TriggerBuilder(String name, TriggerType type) {
      this.name = name;
      this.type = type;
    }

    TriggerBuilder filter(String condition) {
      filter.add(FilterCondition.parse(condition, type == TriggerType.RELATIONSHIP));
      return this;
    }

    TriggerBuilder delay(Duration value) {
      delay = value;
      return this;
    }

    TriggerBuilder maxEventAge(Duration value) {
      maxEventAge = Optional.of(value);
      return this;
    }

    TriggerBuilder samplingRate(double value) {
      samplingRate = value;
      return this;
    }

    TriggerBuilder dailyCap(int value) {
      dailyCap = Optional.of(value);
      return this;
    }

    TriggerConfig build() {
      return new TriggerConfig(name, type, List.of(), filter, delay, maxEventAge, TriggerConfig.DEFAULT_CHANNEL,
          TriggerConfig.DEFAULT_TEMPLATE, samplingRate, dailyCap, period, true);
    }
  }
}
