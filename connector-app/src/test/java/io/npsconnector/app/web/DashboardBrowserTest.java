package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.core.store.Invitation;

/**
 * The dashboard in Debian's real headless Chromium: it loads after sign-in, the charts render, nothing goes
 * to the console as an error (a CSP violation would), and it is usable at a phone's width. Screenshots are
 * kept in {@code connector-app/target/screenshots/}. Skipped when this machine has no Chromium, unless
 * {@code NPS_REQUIRE_CHROMIUM=true} (CI) makes it mandatory.
 */
class DashboardBrowserTest {
  /** How many charts the page shows (the others hidden by the style sheet). */
  private static final String VISIBLE_CHARTS = "[...document.querySelectorAll('svg.chart')]"
      + ".filter(svg => svg.getBoundingClientRect().width > 0).length";
  /**
   * The rendered height of the smallest text of the shown charts, in CSS pixels: a chart's font size scaled
   * by its viewBox, as the reader sees it.
   */
  private static final String SMALLEST_CHART_TEXT = "Math.min(...[...document.querySelectorAll('svg.chart')]"
      + ".filter(svg => svg.getBoundingClientRect().width > 0).flatMap(svg => [...svg.querySelectorAll('text')]"
      + ".map(text => parseFloat(getComputedStyle(text).fontSize) * svg.getBoundingClientRect().width"
      + " / svg.viewBox.baseVal.width)))";

  @TempDir Path dir;
  private SurveyFixture fixture;

  @BeforeEach
  void start() {
    boolean required = "true".equalsIgnoreCase(System.getenv("NPS_REQUIRE_CHROMIUM"));
    if (!required) {
      assumeTrue(HeadlessChromium.binary().isPresent(), "no Chromium on this machine (apt-get install chromium)");
    }
    fixture = new SurveyFixture(dir.resolve("store"), 1000);
    int[] scores = {10, 9, 9, 8, 7, 6, 3, 10, 2, 9};
    for (int i = 0; i < scores.length; i++) {
      Invitation invitation = fixture.sentInvitation("c-" + i, "Person" + i, Locale.ENGLISH);
      fixture.engine.answer(invitation.id(), scores[i], scores[i] <= 6 ? Optional.of("Too slow <b>really</b>")
          : Optional.empty());
    }
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void theDashboardRendersInChromiumWithoutErrorsOnADesktopAndAPhone() throws Exception {
    Path chromium = HeadlessChromium.binary().orElseThrow(() -> new AssertionError(
        "NPS_REQUIRE_CHROMIUM is set but no Chromium is installed"));
    HttpResponse<String> login = fixture.get("/admin/login");
    HttpResponse<String> signedIn = fixture.post("/admin/login", form("csrf", csrf(login.body()), "password",
        "correct-horse-battery"));
    String session = signedIn.headers().allValues("Set-Cookie").stream()
        .filter(cookie -> cookie.startsWith("nps_session=")).findFirst().orElseThrow()
        .split(";")[0].substring("nps_session=".length());
    String base = "http://127.0.0.1:" + fixture.port;
    Path screenshots = Path.of("target", "screenshots");

    try (HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("profile"))) {
      browser.cookie("nps_session", session, base);

      browser.viewport(1280, 900, false);
      browser.navigate(base + "/admin");
      assertThat(browser.evaluate("document.title").asText()).isEqualTo("NPS dashboard");
      assertThat(browser.evaluate("document.querySelectorAll('svg.chart').length").asInt())
          .as("each chart drawn wide and narrow").isEqualTo(4);
      assertThat(browser.evaluate(VISIBLE_CHARTS).asInt()).as("one of each shown").isEqualTo(2);
      assertThat(browser.evaluate(SMALLEST_CHART_TEXT).asDouble()).as("smallest chart text, px")
          .isGreaterThanOrEqualTo(11);
      assertThat(browser.evaluate("document.querySelectorAll('svg.chart[data-width=wide] path.line').length")
          .asInt()).isEqualTo(1);
      assertThat(browser.evaluate("document.querySelectorAll('svg.chart[data-width=wide] rect.bar').length")
          .asInt()).isEqualTo(11);
      assertThat(browser.evaluate("Math.round(document.querySelector('svg.chart').getBoundingClientRect().width)")
          .asInt()).isGreaterThan(300);
      assertThat(browser.evaluate("getComputedStyle(document.querySelector('.tile')).borderTopStyle").asText())
          .as("the stylesheet loaded under the CSP").isEqualTo("solid");
      browser.screenshot(screenshots.resolve("dashboard-desktop.png"));

      browser.viewport(390, 844, true);
      browser.navigate(base + "/admin");
      assertThat(browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1").asBoolean())
          .as("no sideways scrolling at phone width").isTrue();
      assertThat(browser.evaluate("Math.round(document.querySelector('svg.chart[data-width=narrow]')"
          + ".getBoundingClientRect().width)").asInt()).isLessThanOrEqualTo(390).isGreaterThan(250);
      assertThat(browser.evaluate(VISIBLE_CHARTS).asInt()).as("the narrow ones on a phone").isEqualTo(2);
      assertThat(browser.evaluate("document.querySelectorAll('svg.chart[data-width=narrow] circle').length")
          .asInt()).as("the narrow trend has its points").isPositive();
      assertThat(browser.evaluate(SMALLEST_CHART_TEXT).asDouble()).as("smallest chart text on a phone, px")
          .isGreaterThanOrEqualTo(11);
      browser.screenshot(screenshots.resolve("dashboard-phone.png"));

      browser.navigate(base + "/admin/responses?category=detractor");
      assertThat(browser.evaluate("document.querySelectorAll('ol.feed li').length").asInt()).isEqualTo(3);
      assertThat(browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1").asBoolean())
          .as("the feed needs no sideways scrolling on a phone").isTrue();
      assertThat(browser.evaluate("document.querySelector('select[name=category]').value").asText())
          .isEqualTo("detractor");
      browser.screenshot(screenshots.resolve("responses-phone.png"));

      browser.viewport(1280, 900, false);
      browser.navigate(base + "/admin/responses?q=REALLY");
      assertThat(browser.evaluate("document.querySelector('ol.feed blockquote').textContent").asText())
          .isEqualTo("Too slow <b>really</b>");
      assertThat(browser.evaluate("document.querySelector('ol.feed .who a').href").asText())
          .startsWith("https://crm.example/hubspot/contacts/c-");
      browser.screenshot(screenshots.resolve("responses-desktop.png"));

      browser.navigate(base + "/admin/login");
      assertThat(browser.errors()).as("console errors, exceptions and CSP violations").isEmpty();
    }
    assertThat(screenshots.resolve("dashboard-phone.png")).isNotEmptyFile();
  }
}
