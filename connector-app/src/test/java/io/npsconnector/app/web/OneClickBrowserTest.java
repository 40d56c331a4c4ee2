package io.npsconnector.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;

import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.ProvisionalScoreRepository;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/**
 * One click in Debian's headless Chromium: the invitation is mailed through SMTP (GreenMail), the mail's own HTML
 * part is opened, and a score link in it is clicked with the mouse: the page reports the score, which is stored
 * provisionally and confirmed by the person's next gesture. A browser that opens all eleven links in a row, running
 * the page's script each time but never touching the page, leaves nothing that counts. Skipped without Chromium
 * unless {@code NPS_REQUIRE_CHROMIUM=true}.
 */
class OneClickBrowserTest {
  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(3025, "127.0.0.1", "smtp"));

  @TempDir Path dir;
  private SurveyFixture fixture;
  private Path chromium;

  @BeforeEach
  void start() {
    boolean required = "true".equalsIgnoreCase(System.getenv("NPS_REQUIRE_CHROMIUM"));
    if (!required) {
      assumeTrue(HeadlessChromium.binary().isPresent(), "no Chromium on this machine (apt-get install chromium)");
    }
    chromium = HeadlessChromium.binary().orElseThrow(() -> new AssertionError(
        "NPS_REQUIRE_CHROMIUM is set but no Chromium is installed"));
    fixture = new SurveyFixture(dir, 1000, (config, links) -> EmailChannel.create(config, links,
        java.time.Clock.systemUTC()), "");
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void clickingAScoreInTheMailStoresItAndTheNextGestureConfirmsIt() throws Exception {
    Invitation invitation = fixture.sentInvitation("c-9", "Jonas", Locale.GERMAN);
    Path mail = mailAsFile();

    try (HeadlessChromium browser = personsBrowser(mail)) {
      assertThat(browser.evaluate("document.querySelectorAll('a[href*=\"/s/\"]').length").asInt()).isEqualTo(11);
      JsonNode box = browser.evaluate("(() => { const r = [...document.querySelectorAll('a[href*=\"/s/\"]')]"
          + ".find(a => a.href.endsWith('score=9')).getBoundingClientRect(); return {x: r.x + r.width / 2, "
          + "y: r.y + r.height / 2}; })()");
      click(browser, box.path("x").asDouble(), box.path("y").asDouble());

      waitFor(() -> browser.evaluate("location.pathname.startsWith('/s/') && document.readyState === 'complete'")
          .asBoolean(), "the survey page opened from the mail");
      waitFor(() -> "provisional".equals(browser.evaluate("document.querySelector('form').getAttribute('data-state')")
          .asText()), "the score reported");

      assertThat(browser.evaluate("document.getElementById('saved').hidden").asBoolean()).isFalse();
      assertThat(browser.evaluate("document.getElementById('saved').textContent").asText())
          .isEqualTo("Ihre Bewertung 9 ist gespeichert. Verraten Sie uns, warum?");
      assertThat(browser.evaluate("document.getElementById('comment-label').textContent").asText())
          .isEqualTo("Was gefällt Ihnen an Acme & Sons am besten? (optional)");
      assertThat(browser.evaluate("document.getElementById('score-9').checked").asBoolean()).isTrue();
      assertThat(answer(invitation)).as("provisional until confirmed").isEmpty();
      assertThat(fixture.engine.reportedScores(invitation.id())).singleElement()
          .satisfies(row -> assertThat(row.state()).isEqualTo(ProvisionalScoreRepository.State.PROVISIONAL));

      // the person starts typing the reason: a real key press confirms the score
      browser.evaluate("document.getElementById('comment').focus()");
      browser.call("Input.dispatchKeyEvent", Map.of("type", "keyDown", "key", "D", "text", "D"));
      browser.call("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", "D"));
      waitFor(() -> "confirmed".equals(browser.evaluate("document.querySelector('form').getAttribute('data-state')")
          .asText()), "the score confirmed");

      AnswerRepository.Answer answer = answer(invitation).orElseThrow();
      assertThat(answer.score()).isEqualTo(9);
      assertThat(answer.confirmedBy()).isEqualTo(AnswerRepository.Confirmation.GESTURE);
      assertThat(browser.errors()).as("console errors, exceptions and CSP violations").isEmpty();
      browser.screenshot(Path.of("target", "screenshots", "one-click.png"));
    }
  }

  @Test
  void aBrowserThatOpensEveryLinkOfTheMailButNeverTouchesThePageLeavesNothingThatCounts() throws Exception {
    Invitation invitation = fixture.sentInvitation("c-9", "Jonas", Locale.GERMAN);
    Path mail = mailAsFile();

    try (HeadlessChromium browser = personsBrowser(mail)) {
      JsonNode links = browser.evaluate("[...document.querySelectorAll('a[href*=\"/s/\"]')].map(a => a.href)");
      assertThat(links.size()).isEqualTo(11);
      for (JsonNode link : links) {
        browser.navigate(link.asText());
        waitFor(() -> browser.evaluate("document.querySelector('form').hasAttribute('data-state')").asBoolean(),
            "the page's script reported its score");
      }
      assertThat(browser.errors()).as("console errors, exceptions and CSP violations").isEmpty();
    }
    fixture.clock.advance(java.time.Duration.ofHours(1));
    assertThat(fixture.engine.confirmDueScore(invitation.id())).isEmpty();

    assertThat(fixture.engine.reportedScores(invitation.id())).hasSize(11)
        .allSatisfy(row -> assertThat(row.state()).isEqualTo(ProvisionalScoreRepository.State.DISCARDED));
    assertThat(answer(invitation)).isEmpty();
    assertThat(fixture.engine.surveyView(invitation.id()).orElseThrow().score()).isEmpty();
  }

  /**
   * Chromium as a person's browser (its headless user agent is what scanners send, and gets no script), showing
   * the mail.
   */
  private HeadlessChromium personsBrowser(Path mail) throws Exception {
    HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("profile"),
        List.of("--user-agent=" + OneClickTest.BROWSER));
    browser.viewport(1000, 900, false);
    browser.navigate(mail.toUri().toString());
    return browser;
  }

  /** The HTML part of the one mail GreenMail received, with its links pointed at the fixture's port. */
  private Path mailAsFile() throws Exception {
    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received).hasSize(1);
    String html = htmlPart(received[0].getContent()).orElseThrow(() -> new AssertionError("no HTML part"));
    // the configured public-url is http://127.0.0.1 (port 80); the server listens on a free port
    Path file = dir.resolve("mail.html");
    Files.writeString(file, html.replace("http://127.0.0.1/", "http://127.0.0.1:" + fixture.port + "/"),
        StandardCharsets.UTF_8);
    return file;
  }

  private static java.util.Optional<String> htmlPart(Object content) throws Exception {
    if (content instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart part = multipart.getBodyPart(i);
        if (part.isMimeType("text/html")) {
          return java.util.Optional.of((String) part.getContent());
        }
        java.util.Optional<String> nested = htmlPart(part.getContent());
        if (nested.isPresent()) {
          return nested;
        }
      }
    }
    return java.util.Optional.empty();
  }

  private static void click(HeadlessChromium browser, double x, double y) {
    for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
      browser.call("Input.dispatchMouseEvent", Map.of("type", type, "x", x, "y", y, "button", "left",
          "clickCount", 1));
    }
  }

  private java.util.Optional<AnswerRepository.Answer> answer(Invitation invitation) {
    return new AnswerRepository(fixture.database.jdbi()).forInvitation(invitation.id());
  }

  /** Waits for something the browser does in its own time (a navigation, a fetch), up to the helper's timeout. */
  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + HeadlessChromium.timeout().toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
