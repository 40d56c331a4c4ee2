package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import io.npsconnector.hubspot.HubSpotSettings;
import io.npsconnector.salesforce.SalesforceSettings;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  static final Map<String, String> ENV = Map.of(
      "TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse",
      "HUBSPOT_TOKEN", "pat-eu1-0000");

  static final String MINIMAL = """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: hubspot
          type: hubspot
          credentials:
            token: ${HUBSPOT_TOKEN}
      channels:
        email:
          host: smtp.example.com
          from: nps@example.com
      """;

  static NpsConfig parse(String yaml) {
    return ConfigLoader.parse("test.yaml", yaml, ENV);
  }

  static List<String> problems(String yaml, Map<String, String> env) {
    return catchThrowableOfType(ConfigurationException.class, () -> ConfigLoader.parse("test.yaml", yaml, env))
        .problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void fillsEveryDefaultForAMinimalFile() {
    NpsConfig config = parse(MINIMAL + """
        triggers:
          - name: won
            on: purchase
        """);

    assertThat(config.store()).isEqualTo(new StoreConfig.H2(Path.of("data/npsconnector")));
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.server().publicUrl()).isEqualTo(URI.create("http://localhost:8080"));
    ConnectionConfig connection = config.connections().get(0);
    assertThat(connection.settings(HubSpotSettings.class).credentials().auth()).isEqualTo("private-app");
    assertThat(connection.settings(HubSpotSettings.class).credentials().secret("token").orElseThrow().reveal())
        .isEqualTo("pat-eu1-0000");
    assertThat(connection.syncInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(connection.timeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(connection.locale()).isEqualTo(Locale.ENGLISH);
    assertThat(connection.enabled()).isTrue();
    assertThat(config.email().orElseThrow().port()).isEqualTo(587);
    assertThat(config.email().orElseThrow().tls()).isEqualTo(EmailChannelConfig.TlsMode.STARTTLS);
    TriggerConfig trigger = config.triggers().get(0);
    assertThat(trigger.delay()).isZero();
    assertThat(trigger.maxEventAge()).contains(Duration.ofDays(14));
    assertThat(trigger.channel()).isEqualTo("email");
    assertThat(trigger.template()).isEqualTo("standard");
    assertThat(trigger.samplingRate()).isEqualTo(1.0);
    assertThat(trigger.dailyCap()).isEmpty();
    assertThat(trigger.connections()).isEmpty();
    assertThat(config.fatigue()).isEqualTo(new FatigueConfig(90, Optional.empty(), FatigueConfig.Scope.PERSON));
    assertThat(config.sendWindow().quietHours())
        .contains(new SendWindowConfig.QuietHours(LocalTime.of(20, 0), LocalTime.of(9, 0)));
    assertThat(config.sendWindow().weekdays()).hasSize(5).doesNotContain(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    assertThat(config.reminderAfter()).isEmpty();
    assertThat(config.invitationExpiry()).isEqualTo(Duration.ofDays(14));
    assertThat(config.writeback().contactFields("hubspot", HubSpotSettings.DEFAULT_CONTACT_FIELDS))
        .containsEntry("score", "nps_score");
    assertThat(config.writeback().contactFields("salesforce", SalesforceSettings.DEFAULT_CONTACT_FIELDS))
        .containsEntry("score", "NPS_Score__c");
    assertThat(config.writeback().accountRollupWindow()).isEqualTo(Duration.ofDays(365));
    assertThat(config.writeback().timelineActivity()).isTrue();
    assertThat(config.writeback().followUpTasks()).containsOnlyKeys("detractor");
    assertThat(config.templates().get("standard").locales()).containsKeys("en", "de", "fr", "es", "pt-BR");
  }

  @Test
  void readsTheSchedulerSectionAndItsDefaults() {
    SchedulerConfig configured = parse(MINIMAL + """
        scheduler:
          instance-name: web-1.eu
          heartbeat: 5s
          missed-heartbeats: 6
          poll: 2s
        """).scheduler();

    assertThat(configured).isEqualTo(new SchedulerConfig(Optional.of("web-1.eu"), Duration.ofSeconds(5), 6,
        Duration.ofSeconds(2)));
    assertThat(parse(MINIMAL).scheduler()).isEqualTo(SchedulerConfig.defaults())
        .isEqualTo(new SchedulerConfig(Optional.empty(), Duration.ofSeconds(3), 4, Duration.ofSeconds(5)));
  }

  @Test
  void readsEveryKeyOfATrigger() {
    NpsConfig config = parse(MINIMAL + """
          webhook:
            url: https://hooks.example.com/nps
            secret: ${TOKEN_SECRET}
        triggers:
          - name: ticket
            on: support
            connections: [hubspot]
            filter:
              - priority in [HIGH, "very high"]
              - contact.region != EMEA
              - amount <= 10.5
              - contact.phone absent
            delay: PT12H
            max-event-age: 2w
            channel: webhook
            template: standard
            sampling-rate: 0.25
            daily-cap: 40
            enabled: false
        """);

    TriggerConfig trigger = config.triggers().get(0);
    assertThat(trigger.on()).isEqualTo(TriggerConfig.TriggerType.SUPPORT);
    assertThat(trigger.connections()).containsExactly("hubspot");
    assertThat(trigger.filter()).extracting(Object::toString).containsExactly(
        "priority in [HIGH, very high]", "contact.region != EMEA", "amount <= 10.5", "contact.phone absent");
    assertThat(trigger.delay()).isEqualTo(Duration.ofHours(12));
    assertThat(trigger.maxEventAge()).contains(Duration.ofDays(14));
    assertThat(trigger.channel()).isEqualTo("webhook");
    assertThat(trigger.samplingRate()).isEqualTo(0.25);
    assertThat(trigger.dailyCap()).contains(40);
    assertThat(trigger.enabled()).isFalse();
  }

  @Test
  void resolvesEnvironmentReferencesWithDefaults() {
    NpsConfig config = ConfigLoader.parse("test.yaml", MINIMAL.replace("smtp.example.com", "${SMTP_HOST:-mail.local}")
        .replace("${HUBSPOT_TOKEN}", "${HUBSPOT_TOKEN:-unused-default}"), ENV);

    assertThat(config.email().orElseThrow().host()).isEqualTo("mail.local");
    assertThat(config.connections().get(0).settings(HubSpotSettings.class).credentials().secret("token")
        .orElseThrow().reveal())
        .isEqualTo("pat-eu1-0000");
  }

  @Test
  void namesTheKeyOfAMissingVariable() {
    assertThat(problems(MINIMAL, Map.of("TOKEN_SECRET", ENV.get("TOKEN_SECRET"), "ADMIN_PASSWORD", "correct-horse")))
        .containsExactly("test.yaml:9: connections[0].credentials.token: environment variable HUBSPOT_TOKEN is not set");
  }

  @Test
  void reportsEveryProblemAtOnceInFileOrder() {
    List<String> problems = problems("""
        company: Acme
        server:
          port: 0
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
          public-url: ftp://x
        connections:
          - name: hubspot
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
            locale: "!!"
        fatigue:
          days: -1
        invitation-expiry: 1h
        """, ENV);

    assertThat(problems).containsExactly(
        "test.yaml:3: server.port: must be between 1 and 65535, got 0",
        "test.yaml:6: server.public-url: must be an absolute http or https URL, got 'ftp://x'",
        "test.yaml:12: connections[0].locale: must be a language tag such as en, de or pt-BR, got '!!'",
        "test.yaml:14: fatigue.days: must be between 0 and 3650, got -1",
        "test.yaml:15: invitation-expiry: must be at least 1d, got '1h'");
  }

  @Test
  void secretsNeverShowInToString() {
    NpsConfig config = parse(MINIMAL);

    assertThat(config.toString()).doesNotContain("pat-eu1-0000", "correct-horse", "0123456789abcdef")
        .contains("${HUBSPOT_TOKEN}");
  }

  @Test
  void overridesOneTextOfTheBuiltInTemplate() {
    NpsConfig config = parse(MINIMAL + """
        templates:
          standard:
            de:
              subject: "Ihre Meinung zu {company}?"
          short:
            en:
              subject: "Quick question"
              intro: "Hi"
              question: "Would you recommend {company}?"
              thank-you: "Thanks"
        """);

    TemplateConfig standard = config.templates().get("standard");
    assertThat(standard.texts(Locale.GERMAN).subject()).isEqualTo("Ihre Meinung zu {company}?");
    assertThat(standard.texts(Locale.GERMAN).question()).startsWith("Wie wahrscheinlich");
    assertThat(standard.locales()).containsKeys("en", "fr", "es", "pt-BR");
    assertThat(config.templates().get("short").texts(Locale.FRENCH).subject()).isEqualTo("Quick question");
  }

  @Test
  void picksTheClosestLanguageOfATemplate() {
    TemplateConfig standard = parse(MINIMAL).templates().get("standard");

    assertThat(standard.texts(Locale.forLanguageTag("pt-BR")).subject()).startsWith("Você");
    assertThat(standard.texts(Locale.forLanguageTag("pt-PT")).subject()).startsWith("Você");
    assertThat(standard.texts(Locale.forLanguageTag("de-AT")).subject()).startsWith("Wie");
    assertThat(standard.texts(Locale.ITALIAN).subject()).startsWith("How likely");
  }

  @Test
  void readsAPostgresStore() {
    NpsConfig config = ConfigLoader.parse("test.yaml", MINIMAL + """
        store:
          type: postgresql
          url: jdbc:postgresql://db:5432/nps
          user: nps
          password: ${PGPASSWORD}
        """, Map.of("TOKEN_SECRET", ENV.get("TOKEN_SECRET"), "ADMIN_PASSWORD", "correct-horse",
        "HUBSPOT_TOKEN", "x", "PGPASSWORD", "pg-secret"));

    StoreConfig.Postgres store = (StoreConfig.Postgres) config.store();
    assertThat(store.url()).isEqualTo("jdbc:postgresql://db:5432/nps");
    assertThat(store.password().orElseThrow().reveal()).isEqualTo("pg-secret");
  }

  @Test
  void readsHubSpotSettingsWithDefaults() {
    ConnectionConfig defaults = parse(MINIMAL).connections().get(0);
    assertThat(defaults.settings(HubSpotSettings.class)).isEqualTo(HubSpotSettings.privateApp(
        new Secret("${HUBSPOT_TOKEN}", "pat-eu1-0000"), URI.create("https://api.hubapi.com")));

    NpsConfig config = ConfigLoader.parse("test.yaml", MINIMAL.replace("      token: ${HUBSPOT_TOKEN}\n",
        "      token: ${HUBSPOT_TOKEN}\n    path-prefix: /gateway/hubspot\n    webhook-secret: ${HS_SECRET}\n"
            + "    rate-limit:\n      per-ten-seconds: 190\n      search-per-second: 5\n"
            + "      daily-reserve-percent: 20\n"),
        Map.of("TOKEN_SECRET", ENV.get("TOKEN_SECRET"), "ADMIN_PASSWORD", "correct-horse", "HUBSPOT_TOKEN", "x",
            "HS_SECRET", "app-client-secret"));

    HubSpotSettings hubspot = config.connections().get(0).settings(HubSpotSettings.class);
    assertThat(hubspot.pathPrefix()).isEqualTo("/gateway/hubspot");
    assertThat(hubspot.requestsPerTenSeconds()).isEqualTo(190);
    assertThat(hubspot.searchPerSecond()).isEqualTo(5);
    assertThat(hubspot.dailyReservePercent()).isEqualTo(20);
    assertThat(hubspot.webhookSecret().orElseThrow().reveal()).isEqualTo("app-client-secret");
    assertThat(hubspot.toString()).doesNotContain("app-client-secret");
  }

  @Test
  void readsSalesforceJwtCredentialsAndTurnsRemindersOff() {
    String salesforce = String.join("\n",
        "    type: salesforce",
        "    auth: jwt",
        "    credentials:",
        "      client-id: 3MVG9-connected-app",
        "      username: integration@example.com",
        "      private-key: ${SF_KEY}",
        "    api-version: \"62.0\"",
        "    login-url: https://test.salesforce.com",
        "    segments:",
        "      industry: Account.Industry",
        "");
    String yaml = MINIMAL.replace("    type: hubspot\n    credentials:\n      token: ${HUBSPOT_TOKEN}\n", salesforce)
        + "reminder: off\n";
    NpsConfig config = ConfigLoader.parse("test.yaml", yaml, Map.of("TOKEN_SECRET", ENV.get("TOKEN_SECRET"),
        "ADMIN_PASSWORD", "correct-horse", "SF_KEY", "-----BEGIN PRIVATE KEY-----"));

    ConnectionConfig connection = config.connections().get(0);
    SalesforceSettings settings = connection.settings(SalesforceSettings.class);
    assertThat(connection.type()).isEqualTo("salesforce");
    assertThat(settings.credentials().value("username")).contains("integration@example.com");
    assertThat(settings.credentials().secret("private-key")).isPresent();
    assertThat(settings.apiVersion()).isEqualTo("62.0");
    assertThat(settings.loginUrl()).contains(URI.create("https://test.salesforce.com"));
    assertThat(connection.segments()).containsEntry("industry", "Account.Industry");
    assertThat(config.reminderAfter()).isEmpty();
  }

  @Test
  void readsSalesforceSettingsWithDefaultsForWhatIsLeftOut() {
    String salesforce = String.join("\n",
        "    type: salesforce",
        "    auth: static-token",
        "    credentials:",
        "      token: ${SF_TOKEN}",
        "    base-url: https://example.my.salesforce.com",
        "    contact-roles: all",
        "    api-limit:",
        "      pause-at-percent: 95",
        "      limit-exceeded-wait: 30m",
        "    timeouts:",
        "      read: 45s",
        "");
    String yaml = MINIMAL.replace("    type: hubspot\n    credentials:\n      token: ${HUBSPOT_TOKEN}\n", salesforce);
    NpsConfig config = ConfigLoader.parse("test.yaml", yaml, Map.of("TOKEN_SECRET", ENV.get("TOKEN_SECRET"),
        "ADMIN_PASSWORD", "correct-horse", "SF_TOKEN", "00D!token"));

    SalesforceSettings settings = config.connections().get(0).settings(SalesforceSettings.class);
    assertThat(settings.contactRoles()).isEqualTo(SalesforceSettings.ContactRoles.ALL);
    assertThat(settings.pauseAtPercent()).isEqualTo(95);
    assertThat(settings.resumeBelowPercent()).isEqualTo(80);
    assertThat(settings.limitExceededWait()).isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(settings.readTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
    assertThat(settings.connectTimeout()).isEqualTo(SalesforceSettings.DEFAULT_CONNECT_TIMEOUT);
    assertThat(settings.queryPageSize()).isEqualTo(2000);
    assertThat(settings.windowLag()).isEqualTo(SalesforceSettings.DEFAULT_WINDOW_LAG);
  }

  @Test
  void refusesAResumeMarkAboveThePauseMark() {
    String salesforce = String.join("\n",
        "    type: salesforce",
        "    auth: static-token",
        "    credentials:",
        "      token: ${HUBSPOT_TOKEN}",
        "    api-limit:",
        "      pause-at-percent: 70",
        "      resume-below-percent: 85",
        "");
    assertThat(problems(MINIMAL.replace("    type: hubspot\n    credentials:\n      token: ${HUBSPOT_TOKEN}\n",
        salesforce), ENV)).singleElement().asString()
        .contains("connections[0].api-limit.resume-below-percent: must not be above pause-at-percent (70), got 85");
  }

  @Test
  void refusesAFieldNameThatCouldInjectIntoAQuery() {
    assertThat(problems(MINIMAL.replace("      token: ${HUBSPOT_TOKEN}\n",
        "      token: ${HUBSPOT_TOKEN}\n    segments:\n      region: \"Name' OR Id != '\"\n"), ENV))
        .containsExactly("test.yaml:11: connections[0].segments.region: must be a CRM field name (letters, digits, "
            + "'_', and '.' between names), got 'Name' OR Id != ''");
  }

  @Test
  void keepsClockTimesAsWrittenInsteadOfYamlSexagesimalNumbers() {
    NpsConfig config = parse(MINIMAL + "send-window:\n  quiet-hours: 21:30-7:00\n  weekdays: [saturday, sun]\n");

    assertThat(config.sendWindow().quietHours())
        .contains(new SendWindowConfig.QuietHours(LocalTime.of(21, 30), LocalTime.of(7, 0)));
    assertThat(config.sendWindow().weekdays()).containsExactlyInAnyOrder(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
  }
}
