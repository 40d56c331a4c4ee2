package io.npsconnector.app.web;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.npsconnector.app.service.AdapterFactory;
import io.npsconnector.app.service.Composition;
import io.npsconnector.app.service.Service;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.EngineSettings;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.RecordingChannel;
import io.npsconnector.core.testing.TestClock;

/**
 * An engine on H2 with a fake CRM, one sent invitation, and the survey server on a free loopback port,
 * with a browser-like HTTP client (cookies kept, redirects not followed). Close it after each test.
 */
final class SurveyFixture implements AutoCloseable {
  static final String CONNECTION = "hubspot";
  static final String SECRET = "test-only-token-secret-0123456789abcdef";
  /** A Tuesday morning, inside the default send window. */
  static final Instant NOW = Instant.parse("2026-03-10T10:00:00Z");

  final TestClock clock = new TestClock(NOW);
  final NpsConfig config;
  final Database database;
  final FakeCrmAdapter crm;
  final Engine engine;
  final SurveyLinks links;
  /** The product's own object graph, the CRM, channel, clock and listening address replaced. */
  final Composition app;
  final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  final int port;

  SurveyFixture(Path dir, int requestsPerMinute) {
    this(dir, requestsPerMinute, new RecordingChannel());
  }

  SurveyFixture(Path dir, int requestsPerMinute, Channel channel) {
    this(dir, requestsPerMinute, (config, links) -> channel, "");
  }

  SurveyFixture(Path dir, int requestsPerMinute, Channel channel, String extraYaml) {
    this(dir, requestsPerMinute, (config, links) -> channel, extraYaml);
  }

  /**
   * @param channel makes the channel from the fixture's configuration and links
   * @param extraYaml more top-level configuration, such as a {@code writeback:} section
   */
  SurveyFixture(Path dir, int requestsPerMinute, java.util.function.BiFunction<NpsConfig, SurveyLinks, Channel> channel,
      String extraYaml) {
    this(dir, requestsPerMinute, channel, extraYaml, "");
  }

  /** @param triggerYaml more keys of the trigger {@code post-purchase}, each line indented by four spaces */
  SurveyFixture(Path dir, int requestsPerMinute, java.util.function.BiFunction<NpsConfig, SurveyLinks, Channel> channel,
      String extraYaml, String triggerYaml) {
    config = ConfigLoader.parse("test.yaml", """
        company: Acme & Sons
        store:
          type: h2
          path: %s
        server:
          public-url: http://127.0.0.1
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: hubspot
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
        channels:
          email:
            host: 127.0.0.1
            port: 3025
            tls: none
            from: "Acme NPS <nps@acme.example>"
        triggers:
          - name: post-purchase
            on: purchase
            delay: 0d
        %s
        send-window:
          quiet-hours: none
        %s
        """.formatted(dir.resolve("store").toString().replace('\\', '/'), triggerYaml, extraYaml), Map.of("TOKEN_SECRET", SECRET,
        "ADMIN_PASSWORD", "correct-horse-battery", "HUBSPOT_TOKEN", "pat-test"));
    crm = FakeCrmAdapter.builder().connection(CONNECTION).clock(clock).build();
    app = Composition.of(config, new AbstractModule() {
      @Override
      protected void configure() {
        bind(Clock.class).toInstance(clock);
        bind(AdapterFactory.class).toInstance((file, connection, time) -> crm);
        bind(EngineSettings.class).toInstance(EngineSettings.defaults().withWritebackRetryWait(Duration.ZERO));
        bind(Service.Options.class).toInstance(new Service.Options("127.0.0.1", 0, false, requestsPerMinute));
      }

      @Provides
      List<Channel> channels(NpsConfig file, SurveyLinks surveyLinks) {
        return List.of(channel.apply(file, surveyLinks));
      }
    });
    Service service = Service.start(app);
    database = service.database();
    engine = service.engine();
    links = app.get(SurveyLinks.class);
    port = service.port();
  }

  /** A contact who bought something just now, invited and sent: the invitation. */
  Invitation sentInvitation(String contactId, String firstName, Locale locale) {
    crm.putContact(Contact.builder(contactId, NOW.minusSeconds(3600)).email(contactId + "@example.com")
        .firstName(firstName).lastName("Tester").locale(locale).account("acct-1", "Acme Customer").build());
    crm.addEvent(new InteractionEvent("deal-" + contactId, EventKind.PURCHASE, clock.instant().minusSeconds(600),
        List.of(contactId), Map.of("amount", "100")));
    engine.syncAndTrigger(CONNECTION);
    InvitationRepository invitations = new InvitationRepository(database.jdbi());
    Invitation scheduled = invitations.forContact(CONNECTION, contactId).stream()
        .filter(invitation -> invitation.state() == InvitationState.SCHEDULED).findFirst().orElseThrow();
    engine.send(scheduled.id());
    return invitations.find(scheduled.id()).orElseThrow();
  }

  String surveyPath(Invitation invitation) {
    return links.survey(invitation.id(), invitation.expiresAt().orElseThrow()).getRawPath();
  }

  String unsubscribePath(Invitation invitation) {
    return links.unsubscribe(invitation.id(), invitation.expiresAt().orElseThrow()).getRawPath();
  }

  HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(url(pathAndQuery)).GET());
  }

  HttpResponse<String> post(String path, String form) {
    return send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    return send(browser, request);
  }

  /** A request by {@code client} (a browser of a test's own, with its own cookies). */
  static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  URI url(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  /** The CSRF field of a page's form. */
  static String csrf(String html) {
    Matcher matcher = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    if (!matcher.find()) {
      throw new AssertionError("no CSRF field in:\n" + html);
    }
    return matcher.group(1);
  }

  static String form(String... keysAndValues) {
    StringBuilder form = new StringBuilder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (form.length() > 0) {
        form.append('&');
      }
      form.append(java.net.URLEncoder.encode(keysAndValues[i], StandardCharsets.UTF_8)).append('=')
          .append(java.net.URLEncoder.encode(keysAndValues[i + 1], StandardCharsets.UTF_8));
    }
    return form.toString();
  }

  @Override
  public void close() {
    app.close();
  }
}
