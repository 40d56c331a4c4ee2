package io.npsconnector.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When to survey whom.
 *
 * @param connections the connections the trigger applies to; every connection when the file names none
 * @param delay from the event to the survey (before the send window moves it)
 * @param maxEventAge older events are never surveyed, so that a first backfill does not mail everyone;
 *     empty for relationship triggers
 * @param samplingRate share of eligible contacts surveyed, from 0 (exclusive) to 1
 * @param dailyCap at most this many invitations a day from this trigger; empty for no cap
 * @param period relationship triggers only: survey contacts whose last survey is older than this
 * @param followUp follow-up questions that replace the template's: language tag to category to question
 * @param promoterLink replaces the template's promoter link
 */
public record TriggerConfig(
    String name,
    TriggerType on,
    List<String> connections,
    List<FilterCondition> filter,
    Duration delay,
    Optional<Duration> maxEventAge,
    String channel,
    String template,
    double samplingRate,
    Optional<Integer> dailyCap,
    Optional<Duration> period,
    boolean enabled,
    java.util.Map<String, java.util.Map<String, String>> followUp,
    Optional<java.net.URI> promoterLink) {

  /** What starts a survey. */
  public enum TriggerType {
    PURCHASE, SUPPORT, RELATIONSHIP;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofDays(14);
  public static final String DEFAULT_CHANNEL = "email";
  public static final String DEFAULT_TEMPLATE = "standard";
  static final Duration MIN_PERIOD = Duration.ofDays(1);

  public TriggerConfig {
    connections = List.copyOf(connections);
    filter = List.copyOf(filter);
    java.util.Map<String, java.util.Map<String, String>> copy = new java.util.LinkedHashMap<>();
    followUp.forEach((tag, prompts) -> copy.put(tag, java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(prompts))));
    followUp = java.util.Collections.unmodifiableMap(copy);
  }

  /** A trigger with the template's follow-up questions and promoter link. */
  public TriggerConfig(String name, TriggerType on, List<String> connections, List<FilterCondition> filter,
      Duration delay, Optional<Duration> maxEventAge, String channel, String template, double samplingRate,
      Optional<Integer> dailyCap, Optional<Duration> period, boolean enabled) {
    this(name, on, connections, filter, delay, maxEventAge, channel, template, samplingRate, dailyCap, period,
        enabled, java.util.Map.of(), Optional.empty());
  }

  /** The follow-up question this trigger sets for {@code category} in {@code locale}'s language, if any. */
  public Optional<String> followUp(Locale locale, String category) {
    return Optional.ofNullable(followUp.get(locale.toLanguageTag()))
        .or(() -> followUp.entrySet().stream()
            .filter(entry -> Locale.forLanguageTag(entry.getKey()).getLanguage().equals(locale.getLanguage()))
            .map(java.util.Map.Entry::getValue).findFirst())
        .map(prompts -> prompts.get(category));
  }

  static TriggerConfig read(Section trigger) {
    String name = trigger.requiredText("name").orElse("");
    if (!name.isEmpty() && !ConnectionConfig.NAME.matcher(name).matches()) {
      trigger.problem("name", "must be lower-case letters, digits and '-' (at most 63), got '" + name + "'");
    }
    List<String> types = List.of("purchase", "support", "relationship");
    Optional<String> typeId = trigger.has("on")
        ? trigger.oneOf("on", "trigger type", types)
        : trigger.requiredText("on");
    TriggerType type = typeId.filter(types::contains)
        .map(id -> TriggerType.valueOf(id.toUpperCase(Locale.ROOT))).orElse(TriggerType.PURCHASE);
    boolean relationship = type == TriggerType.RELATIONSHIP;

    List<String> connections = trigger.texts("connections");
    List<FilterCondition> filter = new ArrayList<>();
    List<String> conditions = trigger.texts("filter");
    for (int i = 0; i < conditions.size(); i++) {
      try {
        filter.add(FilterCondition.parse(conditions.get(i), relationship).at(trigger.locationOfItem("filter", i)));
      } catch (IllegalArgumentException e) {
        trigger.problemAtItem("filter", i, e.getMessage());
      }
    }

    Duration delay = Duration.ZERO;
    Optional<Duration> maxEventAge = Optional.empty();
    Optional<Duration> period = Optional.empty();
    if (relationship) {
      period = trigger.duration("period", MIN_PERIOD);
      if (!trigger.has("period")) {
        trigger.problem("period", "is required for relationship triggers (for example 90d)");
      }
      for (String eventOnly : List.of("delay", "max-event-age")) {
        if (trigger.has(eventOnly)) {
          trigger.problem(eventOnly, "applies to purchase and support triggers only; relationship triggers are "
              + "spread over their period");
        }
      }
    } else {
      delay = trigger.duration("delay", Duration.ZERO).orElse(Duration.ZERO);
      maxEventAge = Optional.of(trigger.duration("max-event-age", Duration.ofHours(1)).orElse(DEFAULT_MAX_EVENT_AGE));
      if (trigger.has("period")) {
        trigger.problem("period", "applies to relationship triggers only");
      }
    }
    String channel = trigger.oneOf("channel", "channel", List.of("email", "webhook")).orElse(DEFAULT_CHANNEL);
    String template = trigger.text("template", DEFAULT_TEMPLATE);
    double samplingRate = trigger.parsed("sampling-rate", TriggerConfig::rate).orElse(1.0);
    Optional<Integer> dailyCap = trigger.integer("daily-cap", 1, 10_000_000);
    boolean enabled = trigger.bool("enabled").orElse(true);
    java.util.Map<String, java.util.Map<String, String>> followUp = followUp(trigger.section("follow-up"));
    Optional<java.net.URI> promoterLink = trigger.parsed("promoter-link", Urls::promoterLink);
    trigger.finish();
    return new TriggerConfig(name, type, connections, filter, delay, maxEventAge, channel, template, samplingRate,
        dailyCap, period, enabled, followUp, promoterLink);
  }

  /** {@code follow-up}: language tag to {@code promoter} / {@code passive} / {@code detractor} questions. */
  private static java.util.Map<String, java.util.Map<String, String>> followUp(Section section) {
    java.util.Map<String, java.util.Map<String, String>> byLanguage = new java.util.LinkedHashMap<>();
    for (String tag : section.keys()) {
      if (ConnectionConfig.locale(tag).error() != null) {
        section.problem(tag, "must be a language tag such as en, de or pt-BR, got '" + tag + "'");
        continue;
      }
      Section prompts = section.section(tag);
      java.util.Map<String, String> byCategory = new java.util.LinkedHashMap<>();
      for (String category : TemplateConfig.CATEGORIES) {
        prompts.text(category).ifPresent(text -> {
          if (text.isBlank()) {
            prompts.problem(category, "must not be blank");
            return;
          }
          Placeholders.check(prompts, category, text, TemplateConfig.PLACEHOLDERS);
          byCategory.put(category, text);
        });
      }
      prompts.finish();
      if (prompts.isEmpty()) {
        section.problem(tag, "names no question: give promoter, passive or detractor");
      }
      byLanguage.put(tag, byCategory);
    }
    return byLanguage;
  }

  /** A share written as {@code 0.25} or {@code 25%}, above 0 and at most 1. */
  static Section.Parsed<Double> rate(String text) {
    double rate;
    try {
      rate = text.endsWith("%")
          ? Double.parseDouble(text.substring(0, text.length() - 1).strip()) / 100
          : Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Section.Parsed.error("must be a share such as 0.25 or 25%, got '" + text + "'");
    }
    if (!(rate > 0 && rate <= 1)) {
      return Section.Parsed.error("must be above 0 and at most 1 (100%), got '" + text + "'");
    }
    return Section.Parsed.of(rate);
  }
}
