package io.npsconnector.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole configuration file, validated. Built only by {@link ConfigLoader}, which reports every
 * problem at once instead of building a half-valid one.
 *
 * @param company the company's name, as respondents know it ({company} in templates)
 * @param reminderAfter one reminder this long after the invitation when there is no answer; empty for none
 * @param invitationExpiry invitations (and their survey links) expire this long after sending
 * @param templates by name; always contains the built-in {@code standard}
 * @param scheduler how the instances sharing the store split the work and take over from a dead one
 * @param branding the company's logo and colour in the survey mail and pages
 * @param alerts where answers that need attention are announced (Slack, Teams, the owner's mail)
 */
public record NpsConfig(
    String company,
    StoreConfig store,
    ServerConfig server,
    List<ConnectionConfig> connections,
    Optional<EmailChannelConfig> email,
    Optional<WebhookChannelConfig> webhook,
    List<TriggerConfig> triggers,
    FatigueConfig fatigue,
    SendWindowConfig sendWindow,
    Optional<Duration> reminderAfter,
    Duration invitationExpiry,
    WritebackConfig writeback,
    Map<String, TemplateConfig> templates,
    SchedulerConfig scheduler,
    BrandingConfig branding, AlertsConfig alerts) {

  public static final Duration DEFAULT_INVITATION_EXPIRY = Duration.ofDays(14);

  /** A configuration without branding or alerts. */
  public NpsConfig(String company, StoreConfig store, ServerConfig server, List<ConnectionConfig> connections,
      Optional<EmailChannelConfig> email, Optional<WebhookChannelConfig> webhook, List<TriggerConfig> triggers,
      FatigueConfig fatigue, SendWindowConfig sendWindow, Optional<Duration> reminderAfter, Duration invitationExpiry,
      WritebackConfig writeback, Map<String, TemplateConfig> templates, SchedulerConfig scheduler) {
    this(company, store, server, connections, email, webhook, triggers, fatigue, sendWindow, reminderAfter,
        invitationExpiry, writeback, templates, scheduler, BrandingConfig.NONE, AlertsConfig.NONE);
  }

  /** A configuration without alerts. */
  public NpsConfig(String company, StoreConfig store, ServerConfig server, List<ConnectionConfig> connections,
      Optional<EmailChannelConfig> email, Optional<WebhookChannelConfig> webhook, List<TriggerConfig> triggers,
      FatigueConfig fatigue, SendWindowConfig sendWindow, Optional<Duration> reminderAfter, Duration invitationExpiry,
      WritebackConfig writeback, Map<String, TemplateConfig> templates, SchedulerConfig scheduler,
      BrandingConfig branding) {
    this(company, store, server, connections, email, webhook, triggers, fatigue, sendWindow, reminderAfter,
        invitationExpiry, writeback, templates, scheduler, branding, AlertsConfig.NONE);
  }

  public NpsConfig {
    connections = List.copyOf(connections);
    triggers = List.copyOf(triggers);
    templates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(templates));
  }

  /** A configuration without branding. */
  public NpsConfig(String company, StoreConfig store, ServerConfig server, List<ConnectionConfig> connections,
      Optional<EmailChannelConfig> email, Optional<WebhookChannelConfig> webhook, List<TriggerConfig> triggers,
      FatigueConfig fatigue, SendWindowConfig sendWindow, Optional<Duration> reminderAfter, Duration invitationExpiry,
      WritebackConfig writeback, Map<String, TemplateConfig> templates, SchedulerConfig scheduler,
      AlertsConfig alerts) {
    this(company, store, server, connections, email, webhook, triggers, fatigue, sendWindow, reminderAfter,
        invitationExpiry, writeback, templates, scheduler, BrandingConfig.NONE, alerts);
  }

  public Optional<ConnectionConfig> connection(String name) {
    return connections.stream().filter(connection -> connection.name().equals(name)).findFirst();
  }

  static NpsConfig read(Section root, Map<String, TemplateConfig> builtinTemplates, ConnectionTypes types) {
    String company = root.requiredText("company").orElse("");
    StoreConfig store = StoreConfig.read(root.section("store"));
    List<java.util.function.Consumer<java.util.Set<String>>> afterConnections = new ArrayList<>();
    ServerConfig server = ServerConfig.read(root.section("server"), afterConnections);

    List<ConnectionConfig> connections = new ArrayList<>();
    Map<String, ConnectionConfig> byName = new HashMap<>();
    for (Section section : root.sections("connections")) {
      ConnectionConfig connection = ConnectionConfig.read(section, types);
      if (!connection.name().isEmpty() && byName.putIfAbsent(connection.name(), connection) != null) {
        section.problem("name", "another connection is already named '" + connection.name() + "'");
      }
      connections.add(connection);
    }
    if (!root.has("connections")) {
      root.problem("connections", "is required: list at least one CRM connection (type "
          + String.join(" or ", types.names()) + ")");
    }
    afterConnections.forEach(check -> check.accept(byName.keySet()));

    Section channels = root.section("channels");
    Optional<EmailChannelConfig> email = channels.has("email")
        ? Optional.of(EmailChannelConfig.read(channels.section("email"))) : Optional.empty();
    Optional<WebhookChannelConfig> webhook = channels.has("webhook")
        ? Optional.of(WebhookChannelConfig.read(channels.section("webhook"))) : Optional.empty();
    channels.finish();

    FatigueConfig fatigue = FatigueConfig.read(root.section("fatigue"));
    SendWindowConfig sendWindow = SendWindowConfig.read(root.section("send-window"));
    Duration expiry = root.duration("invitation-expiry", Duration.ofDays(1)).orElse(DEFAULT_INVITATION_EXPIRY);
    Optional<Duration> reminder = reminder(root, expiry);
    WritebackConfig writeback = WritebackConfig.read(root.section("writeback"), types);
    Map<String, TemplateConfig> templates = templates(root.section("templates"), builtinTemplates);
    SchedulerConfig scheduler = SchedulerConfig.read(root.section("scheduler"));

    List<TriggerConfig> triggers = new ArrayList<>();
    Map<String, Boolean> triggerNames = new HashMap<>();
    for (Section section : root.sections("triggers")) {
      TriggerConfig trigger = TriggerConfig.read(section);
      if (!trigger.name().isEmpty() && triggerNames.putIfAbsent(trigger.name(), true) != null) {
        section.problem("name", "another trigger is already named '" + trigger.name() + "'");
      }
      for (int i = 0; i < trigger.connections().size(); i++) {
        String name = trigger.connections().get(i);
        if (!byName.containsKey(name)) {
          section.problemAtItem("connections", i, "no connection is named '" + name + "'"
              + Suggestions.didYouMean(name, byName.keySet()));
        }
      }
      if (trigger.channel().equals("email") && email.isEmpty()
          || trigger.channel().equals("webhook") && webhook.isEmpty()) {
        section.problem("channel", "uses channel '" + trigger.channel() + "', which is not configured under channels."
            + trigger.channel());
      }
      if (!templates.containsKey(trigger.template())) {
        section.problem("template", "no template is named '" + trigger.template() + "'"
            + Suggestions.didYouMean(trigger.template(), templates.keySet()));
      }
      triggers.add(trigger);
    }
    BrandingConfig branding = BrandingConfig.read(root.section("branding"));
    AlertsConfig alerts = root.has("alerts")
        ? AlertsConfig.read(root.section("alerts"), byName.keySet(), triggerNames.keySet(), email.isPresent())
        : AlertsConfig.NONE;
    root.finish();
    return new NpsConfig(company, store, server, connections, email, webhook, triggers, fatigue, sendWindow,
        reminder, expiry, writeback, templates, scheduler, branding, alerts);
  }

  /** {@code reminder: off}, or {@code reminder: {after: 3d}}; the reminder must come before expiry. */
  private static Optional<Duration> reminder(Section root, Duration expiry) {
    Optional<ConfigNode> node = root.node("reminder");
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (node.get() instanceof ConfigNode.Scalar) {
      String value = root.text("reminder", "");
      if (!List.of("off", "none", "false").contains(value.strip().toLowerCase(java.util.Locale.ROOT))) {
        root.problem("reminder", "must be 'off' or a mapping such as {after: 3d}, got '" + value + "'");
      }
      return Optional.empty();
    }
    Section section = root.section("reminder");
    Optional<Duration> after = section.duration("after", Duration.ofHours(1));
    if (!section.has("after")) {
      section.problem("after", "is required (for example 3d), or write 'reminder: off'");
    }
    after.filter(duration -> duration.compareTo(expiry) >= 0).ifPresent(duration -> section.problem("after",
        "the reminder (" + Durations.format(duration) + ") would come after the invitation expired ("
            + Durations.format(expiry) + ")"));
    section.finish();
    return after;
  }

  private static Map<String, TemplateConfig> templates(Section section, Map<String, TemplateConfig> builtins) {
    Map<String, TemplateConfig> templates = new LinkedHashMap<>(builtins);
    for (String name : section.keys()) {
      if (!ConnectionConfig.NAME.matcher(name).matches()) {
        section.problem(name, "template names are lower-case letters, digits and '-', got '" + name + "'");
        continue;
      }
      Map<String, TemplateConfig.Texts> base = Optional.ofNullable(builtins.get(name))
          .map(TemplateConfig::locales).orElse(builtins.get(TriggerConfig.DEFAULT_TEMPLATE).locales());
      TemplateConfig template = TemplateConfig.read(name, section.section(name), base, builtins.containsKey(name));
      if (builtins.containsKey(name)) {
        Map<String, TemplateConfig.Texts> merged = new LinkedHashMap<>(builtins.get(name).locales());
        merged.putAll(template.locales());
        template = new TemplateConfig(name, merged,
            template.promoterLink().or(() -> builtins.get(name).promoterLink()));
      }
      templates.put(name, template);
    }
    section.finish();
    return templates;
  }
}
