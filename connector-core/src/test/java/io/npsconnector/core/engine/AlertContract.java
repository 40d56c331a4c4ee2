package io.npsconnector.core.engine;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.npsconnector.core.engine.EngineContract.CRM;
import static io.npsconnector.core.engine.EngineContract.HOUR;
import static io.npsconnector.core.engine.EngineContract.T0;
import static io.npsconnector.core.engine.EngineContract.contact;
import static io.npsconnector.core.engine.EngineContract.purchase;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.alert.AlertDestinations;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.AlertRepository;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.ForwardingCrmAdapter;
import io.npsconnector.core.testing.TestClock;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts end to end on the engine: answers recorded through {@link Engine#answer} queue alerts in the outbox, and
 * {@link Engine#deliverAlerts} posts them to a Slack and a Teams webhook (WireMock, which checks the exact JSON) and
 * mails the contact's owner (GreenMail). Once per answer and destination through resubmissions and restarts;
 * retries honour {@code Retry-After}; rate limits hold what must wait. Run on H2 and PostgreSQL by the subclasses.
 */
abstract class AlertContract {
  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(0, "127.0.0.1",
      ServerSetup.PROTOCOL_SMTP));

  static final String SLACK_PATH = "/services/T0001/B0001/abcdef";
  static final String TEAMS_PATH = "/workflows/teams-channel";
  static final String COMMENT = "Slow <b>support</b> & <@U123>\nno call back";

  private static WireMockServer hooks;

  private Database database;
  private TestClock clock;
  private FakeCrmAdapter crm;
  private final List<Engine> engines = new ArrayList<>();

  abstract Database openEmpty();

  abstract Database reopen();

  @BeforeAll
  static void startHooks() {
    hooks = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    hooks.start();
  }

  @AfterAll
  static void stopHooks() {
    hooks.stop();
  }

  @BeforeEach
  void setUp() {
    hooks.resetAll();
    hooks.stubFor(post(urlEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
    hooks.stubFor(post(urlEqualTo(TEAMS_PATH)).willReturn(aResponse().withStatus(202)));
    database = openEmpty();
    clock = new TestClock(T0);
    crm = FakeCrmAdapter.builder().connection(CRM).clock(clock).build();
    crm.putContact(contact("c1").account("acc-1", "Smith & Sons <Ltd>").build());
    crm.putContact(contact("c2").build());
    crm.putContact(contact("c3").ownerId("owner-without-mail").build());
    for (String id : List.of("c1", "c2", "c3")) {
      crm.addEvent(purchase("opp-" + id, id, T0.minus(HOUR)));
    }
  }

  @AfterEach
  void tearDown() {
    engines.forEach(Engine::close);
    database.close();
  }

  private static final String ALL_DESTINATIONS = """
      slack:
        webhook-url: ${SLACK_WEBHOOK}
        min-interval: 0s
      teams:
        webhook-url: ${TEAMS_WEBHOOK}
        when: detractors-and-comments
        min-interval: 0s
      owner-mail:
        fallback: cx@acme.example
        min-interval: 0s
      """;

  @Test
  void aDetractorIsPostedToSlackAndTeamsAndMailedToTheOwnerWithEveryValueEscapedForItsFormat() throws Exception {
    NpsConfig config = config(ALL_DESTINATIONS);
    Engine engine = engine(config);
    long answer = answer(engine, "c1", 3, Optional.of(COMMENT));

    assertThat(alert(answer, "slack").state()).as("queued with the answer").isEqualTo(AlertRepository.State.PENDING);
    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(3, 0, 0, 0));

    hooks.verify(1, postRequestedFor(urlEqualTo(SLACK_PATH))
        .withHeader("Content-Type", com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase(
            "application/json; charset=utf-8"))
        .withRequestBody(equalToJson("""
            {"text": "NPS 3 (detractor) from Ada Lovelace",
             "blocks": [
               {"type": "section", "text": {"type": "mrkdwn", "text": "*NPS 3 (detractor)* from *Ada Lovelace*"}},
               {"type": "section", "text": {"type": "mrkdwn",
                 "text": ">Slow &lt;b&gt;support&lt;/b&gt; &amp; &lt;@U123&gt;\\n>no call back"}},
               {"type": "section", "fields": [
                 {"type": "mrkdwn", "text": "*Contact*\\nAda Lovelace (c1@example.com)"},
                 {"type": "mrkdwn", "text": "*Account*\\nSmith &amp; Sons &lt;Ltd&gt;"},
                 {"type": "mrkdwn", "text": "*Trigger*\\npost-purchase"},
                 {"type": "mrkdwn", "text": "*Connection*\\ncrm"}]},
               {"type": "context", "elements": [{"type": "mrkdwn",
                 "text": "<https://crm.example/contact/c1|Open in the CRM> · <https://nps.acme.example/admin|NPS dashboard>"}]}
             ]}""")));
    hooks.verify(1, postRequestedFor(urlEqualTo(TEAMS_PATH)).withRequestBody(equalToJson("""
        {"type": "message",
         "attachments": [{
           "contentType": "application/vnd.microsoft.card.adaptive",
           "contentUrl": null,
           "content": {
             "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
             "type": "AdaptiveCard",
             "version": "1.4",
             "body": [
               {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "NPS 3 (detractor) from Ada Lovelace",
                 "weight": "Bolder", "size": "Medium", "color": "Attention"}]},
               {"type": "RichTextBlock", "inlines": [{"type": "TextRun",
                 "text": "Slow <b>support</b> & <@U123>\\nno call back", "italic": true}]},
               {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "Contact: ", "weight": "Bolder"},
                 {"type": "TextRun", "text": "Ada Lovelace (c1@example.com)"}]},
               {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "Account: ", "weight": "Bolder"},
                 {"type": "TextRun", "text": "Smith & Sons <Ltd>"}]},
               {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "Trigger: ", "weight": "Bolder"},
                 {"type": "TextRun", "text": "post-purchase"}]},
               {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "Connection: ", "weight": "Bolder"},
                 {"type": "TextRun", "text": "crm"}]}
             ],
             "actions": [
               {"type": "Action.OpenUrl", "title": "Open in the CRM", "url": "https://crm.example/contact/c1"},
               {"type": "Action.OpenUrl", "title": "NPS dashboard", "url": "https://nps.acme.example/admin"}
             ],
             "msteams": {"width": "Full"}
           }
         }]}""")));

    MimeMessage mail = alertMails().get(0);
    assertThat(alertMails()).hasSize(1);
    assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("owner-1@acme.example");
    assertThat(mail.getSubject()).isEqualTo("NPS 3 (detractor) from Ada Lovelace");
    assertThat(mail.getMessageID()).isEqualTo("<nps-alert-" + answer + "-owner-mail@acme.example>");
    MimeMultipart parts = (MimeMultipart) mail.getContent();
    String text = (String) parts.getBodyPart(0).getContent();
    String html = (String) parts.getBodyPart(1).getContent();
    assertThat(text).contains("Slow <b>support</b> & <@U123>\r\nno call back", "Account: Smith & Sons <Ltd>",
        "Open in the CRM: https://crm.example/contact/c1", "NPS dashboard: https://nps.acme.example/admin");
    assertThat(html).contains("Slow &lt;b&gt;support&lt;/b&gt; &amp; &lt;@U123&gt;", "Smith &amp; Sons &lt;Ltd&gt;",
        "href=\"https://crm.example/contact/c1\"").doesNotContain("<b>support");

    assertThat(alert(answer, "slack").state()).isEqualTo(AlertRepository.State.SENT);
    assertThat(alert(answer, "slack").sentAt()).contains(T0);
    assertThat(alert(answer, "owner-mail").recipient()).contains("owner-1@acme.example");
    assertThat(engine.alertsSentSince(T0)).isEqualTo(3);
    io.npsconnector.core.store.ReportRepository reports = new io.npsconnector.core.store.ReportRepository(database.jdbi());
    assertThat(reports.alertsSent(io.npsconnector.core.store.AnswerFilter.ALL)).as("the dashboard's tile, unfiltered")
        .isEqualTo(3);
    assertThat(reports.alertsSent(io.npsconnector.core.store.AnswerFilter.ALL.withTrigger("no-such-trigger")))
        .as("the tile follows the dashboard's filters").isZero();
    assertThat(new Explainer(database).explain(CRM, "c1").entries()).filteredOn(entry -> entry.kind().equals("alert"))
        .extracting(Explainer.Entry::text).containsExactlyInAnyOrder(
            "alert to slack about answer " + answer + " sent", "alert to teams about answer " + answer + " sent",
            "alert to owner-mail about answer " + answer + " sent to owner-1@acme.example");
  }

  @Test
  void aResubmittedAnswerAlertsNoDestinationTwiceNotEvenAfterARestart() {
    Engine engine = engine(config(ALL_DESTINATIONS));
    long invitation = invitation(engine, "c2");
    long answer = engine.answer(invitation, 3, Optional.empty());
    engine.deliverAlerts();
    assertThat(engine.answer(invitation, 2, Optional.of("still bad"))).isEqualTo(answer);
    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 0, 0, 0));

    Engine restarted = restart(config(ALL_DESTINATIONS));
    restarted.answer(invitation, 1, Optional.of("worse"));
    assertThat(restarted.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 0, 0, 0));

    hooks.verify(1, postRequestedFor(urlEqualTo(SLACK_PATH)));
    hooks.verify(1, postRequestedFor(urlEqualTo(TEAMS_PATH)));
    assertThat(alertMails()).hasSize(1);
  }

  @Test
  void aPassiveWhoResubmitsAsADetractorAlertsThenOnce() {
    Engine engine = engine(config(ALL_DESTINATIONS));
    long invitation = invitation(engine, "c2");
    long answer = engine.answer(invitation, 8, Optional.empty());
    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 0, 0, 0));
    assertThat(alert(answer, "slack")).isNull();

    engine.answer(invitation, 4, Optional.empty());
    assertThat(engine.deliverAlerts().sent()).isEqualTo(3);
    engine.answer(invitation, 3, Optional.empty());
    engine.deliverAlerts();

    hooks.verify(1, postRequestedFor(urlEqualTo(SLACK_PATH)).withRequestBody(
        com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.text",
            equalTo("NPS 4 (detractor) from Ada Lovelace"))));
    hooks.verify(1, postRequestedFor(urlEqualTo(SLACK_PATH)));
  }

  @Test
  void aPromoterWithACommentGoesOnlyWhereCommentsAreAsked() {
    Engine engine = engine(config(ALL_DESTINATIONS));
    long answer = answer(engine, "c2", 10, Optional.of("Great onboarding"));
    assertThat(engine.deliverAlerts().sent()).isEqualTo(1);

    hooks.verify(0, postRequestedFor(urlEqualTo(SLACK_PATH)));
    hooks.verify(1, postRequestedFor(urlEqualTo(TEAMS_PATH)).withRequestBody(
        com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
            "$.attachments[0].content.body[0].inlines[0].text", equalTo("NPS 10 (promoter) from Ada Lovelace"))));
    assertThat(alert(answer, "teams").state()).isEqualTo(AlertRepository.State.SENT);
    assertThat(alertMails()).isEmpty();
  }

  @Test
  void aRefusedPostIsTriedAgainAfterItsRetryAfterThenAfterTheBackoff() {
    hooks.stubFor(post(urlEqualTo(SLACK_PATH)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30").withBody("rate_limited"))
        .willSetStateTo("limited"));
    hooks.stubFor(post(urlEqualTo(SLACK_PATH)).inScenario("flaky").whenScenarioStateIs("limited")
        .willReturn(aResponse().withStatus(500).withBody("internal_error")).willSetStateTo("recovered"));
    hooks.stubFor(post(urlEqualTo(SLACK_PATH)).inScenario("flaky").whenScenarioStateIs("recovered")
        .willReturn(aResponse().withStatus(200).withBody("ok")));
    Engine engine = engine(config("""
        slack:
          webhook-url: ${SLACK_WEBHOOK}
          min-interval: 0s
        """));
    long answer = answer(engine, "c2", 2, Optional.empty());

    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 0, 1, 0));
    AlertRepository.Alert limited = alert(answer, "slack");
    assertThat(limited.nextAttemptAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(limited.lastError()).hasValueSatisfying(error -> assertThat(error)
        .isEqualTo("Slack webhook (127.0.0.1) answered HTTP 429 rate_limited"));
    clock.advance(Duration.ofSeconds(29));
    assertThat(engine.deliverAlerts()).as("not due yet").isEqualTo(new Engine.AlertReport(0, 0, 0, 0));

    clock.advance(Duration.ofSeconds(1));
    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 0, 1, 0));
    assertThat(alert(answer, "slack").nextAttemptAt()).isEqualTo(T0.plusSeconds(30).plus(Duration.ofMinutes(2)));
    clock.advance(Duration.ofMinutes(2));
    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(1, 0, 0, 0));

    hooks.verify(3, postRequestedFor(urlEqualTo(SLACK_PATH)));
    assertThat(alert(answer, "slack").attempts()).isEqualTo(3);
    assertThat(alert(answer, "slack").lastError()).isEmpty();
  }

  @Test
  void anAlertIsGivenUpAfterMaxAttemptsWithItsErrorAndAtOnceWhenRefusedForGood() {
    hooks.stubFor(post(urlEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(503)));
    hooks.stubFor(post(urlEqualTo(TEAMS_PATH)).willReturn(aResponse().withStatus(404).withBody("not found")));
    Engine engine = engine(config("""
        max-attempts: 2
        slack:
          webhook-url: ${SLACK_WEBHOOK}
          min-interval: 0s
        teams:
          webhook-url: ${TEAMS_WEBHOOK}
          min-interval: 0s
        """));
    long answer = answer(engine, "c2", 0, Optional.empty());

    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 1, 1, 0));
    assertThat(alert(answer, "teams").state()).isEqualTo(AlertRepository.State.FAILED);
    assertThat(alert(answer, "teams").lastError())
        .contains("Teams webhook (127.0.0.1) answered HTTP 404 not found (permanent)");
    clock.advance(Duration.ofMinutes(1));
    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 1, 0, 0));
    clock.advance(Duration.ofDays(1));
    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 0, 0, 0));

    AlertRepository.Alert slack = alert(answer, "slack");
    assertThat(slack.state()).isEqualTo(AlertRepository.State.FAILED);
    assertThat(slack.attempts()).isEqualTo(2);
    assertThat(slack.lastError()).contains("Slack webhook (127.0.0.1) answered HTTP 503 (given up after 2 attempts)");
    hooks.verify(2, postRequestedFor(urlEqualTo(SLACK_PATH)));
    assertThat(new Explainer(database).explain(CRM, "c2").entries()).extracting(Explainer.Entry::text).contains(
        "alert to slack about answer " + answer + " FAILED after 2 attempts: Slack webhook (127.0.0.1) answered "
            + "HTTP 503 (given up after 2 attempts)");
    hooks.verify(1, postRequestedFor(urlEqualTo(TEAMS_PATH)));
    assertThat(new AlertRepository(database.jdbi()).countByDestinationAndState())
        .containsEntry("slack|FAILED", 1).containsEntry("teams|FAILED", 1);
  }

  @Test
  void eachDestinationKeepsItsPaceAndWhatMustWaitStaysQueuedWithoutAnAttempt() {
    Engine engine = engine(config("""
        slack:
          webhook-url: ${SLACK_WEBHOOK}
          min-interval: 1h
        """));
    long first = answer(engine, "c1", 1, Optional.empty());
    long second = answer(engine, "c2", 2, Optional.empty());

    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(1, 0, 0, 1));
    hooks.verify(1, postRequestedFor(urlEqualTo(SLACK_PATH)));
    assertThat(alert(first, "slack").state()).isEqualTo(AlertRepository.State.SENT);
    AlertRepository.Alert waiting = alert(second, "slack");
    assertThat(waiting.state()).isEqualTo(AlertRepository.State.PENDING);
    assertThat(waiting.attempts()).isZero();
    assertThat(waiting.nextAttemptAt()).isEqualTo(T0.plus(HOUR));
  }

  @Test
  void anOwnerTheCrmHasNoAddressForIsStoodInForByTheFallback() throws Exception {
    Engine engine = engine(config(ALL_DESTINATIONS));
    long answer = answer(engine, "c3", 5, Optional.empty());
    engine.deliverAlerts();

    assertThat(alertMails()).hasSize(1);
    assertThat(alertMails().get(0).getAllRecipients()).extracting(Object::toString)
        .containsExactly("cx@acme.example");
    assertThat(alert(answer, "owner-mail").recipient()).contains("cx@acme.example");
  }

  @Test
  void aDestinationScopedToOtherTriggersAndConnectionsQueuesNothing() {
    Engine engine = engine(EngineContract.config().purchase().secondConnection().smtpPort(SMTP.getSmtp().getPort())
        .alerts("""
            slack:
              webhook-url: ${SLACK_WEBHOOK}
              triggers: [post-purchase]
              connections: [crm-b]
            """, webhooks()).build());
    long answer = answer(engine, "c2", 0, Optional.empty());
    assertThat(engine.deliverAlerts()).isEqualTo(new Engine.AlertReport(0, 0, 0, 0));
    assertThat(alert(answer, "slack")).isNull();
    hooks.verify(0, postRequestedFor(urlEqualTo(SLACK_PATH)));
  }

  // ---- helpers ----

  private NpsConfig config(String alerts) {
    return EngineContract.config().purchase().publicUrl("https://nps.acme.example").smtpPort(SMTP.getSmtp().getPort())
        .alerts(alerts, webhooks()).build();
  }

  private static Map<String, String> webhooks() {
    return Map.of("SLACK_WEBHOOK", "http://127.0.0.1:" + hooks.port() + SLACK_PATH,
        "TEAMS_WEBHOOK", "http://127.0.0.1:" + hooks.port() + TEAMS_PATH);
  }

  private Engine engine(NpsConfig config) {
    SurveyTokens tokens = new SurveyTokens(config.server().tokenSecret().reveal(), clock);
    EmailChannel mail = EmailChannel.create(config, new SurveyLinks(config.server().publicUrl(), tokens), clock);
    CrmAdapter adapter = new ForwardingCrmAdapter(crm) {
      @Override
      public Optional<URI> recordUrl(String objectType, String crmId) {
        return Optional.of(URI.create("https://crm.example/" + objectType + "/" + crmId));
      }

      @Override
      public Optional<String> ownerEmail(String ownerId) {
        return ownerId.equals("owner-1") ? Optional.of("owner-1@acme.example") : Optional.empty();
      }
    };
    Engine.Builder builder = Engine.builder(config, database).adapter(CRM, adapter).channel(mail).clock(clock)
        .alertRateLimitWait(Duration.ZERO).settings(EngineSettings.defaults().withInstanceName("alerts"));
    AlertDestinations.of(config.alerts(), Optional.of(mail), clock).forEach(builder::alertDestination);
    Engine engine = builder.build();
    engines.add(engine);
    return engine;
  }

  private Engine restart(NpsConfig config) {
    engines.forEach(Engine::close);
    engines.clear();
    database.close();
    database = reopen();
    return engine(config);
  }

  private long invitation(Engine engine, String contact) {
    engine.syncAndTrigger(CRM);
    long id = Stores.of(database).invitations().forContact(CRM, contact).get(0).id();
    engine.send(id);
    return id;
  }

  private long answer(Engine engine, String contact, int score, Optional<String> comment) {
    return engine.answer(invitation(engine, contact), score, comment);
  }

  private AlertRepository.Alert alert(long answer, String destination) {
    return new AlertRepository(database.jdbi()).find(answer, destination).orElse(null);
  }

  /** The mails the SMTP server got that are not survey invitations. */
  private static List<MimeMessage> alertMails() {
    return java.util.Arrays.stream(SMTP.getReceivedMessages()).filter(mail -> {
      try {
        return mail.getMessageID().startsWith("<nps-alert-");
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }
}
