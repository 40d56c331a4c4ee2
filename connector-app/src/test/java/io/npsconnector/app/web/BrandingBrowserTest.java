package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * The branded survey page and the dashboard's preview as Chromium renders them: the brand colour on the button
 * with its AA text colour, the logo loaded from its own origin (which the CSP allows) within its box, and no CSP
 * violation or failed load anywhere.
 */
class BrandingBrowserTest {
  private static final byte[] LOGO = ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"100\">"
      + "<rect width=\"400\" height=\"100\" fill=\"#0B5FFF\"/></svg>").getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private HttpServer logoServer;
  private SurveyFixture fixture;

  @BeforeEach
  void start() throws Exception {
    logoServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    logoServer.createContext("/logo.svg", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "image/svg+xml");
      exchange.sendResponseHeaders(200, LOGO.length);
      exchange.getResponseBody().write(LOGO);
      exchange.close();
    });
    logoServer.start();
    fixture = new SurveyFixture(dir, 1000, new io.npsconnector.core.testing.RecordingChannel(), """
        branding:
          logo-url: http://127.0.0.1:%d/logo.svg
          logo-width: 160
          logo-height: 40
          colour: "#FFFF00"
        """.formatted(logoServer.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    fixture.close();
    logoServer.stop(0);
  }

  @Test
  void chromiumShowsTheBrandColourWithReadableTextAndTheLogoInItsBox() throws Exception {
    boolean required = "true".equalsIgnoreCase(System.getenv("NPS_REQUIRE_CHROMIUM"));
    if (!required) {
      assumeTrue(HeadlessChromium.binary().isPresent(), "no Chromium on this machine (apt-get install chromium)");
    }
    Path chromium = HeadlessChromium.binary().orElseThrow(() -> new AssertionError(
        "NPS_REQUIRE_CHROMIUM is set but no Chromium is installed"));
    var invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    String session = signIn();
    String base = "http://127.0.0.1:" + fixture.port;

    try (HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("profile"))) {
      browser.viewport(1024, 900, false);
      browser.navigate(base + fixture.surveyPath(invitation) + "?score=8");

      assertThat(browser.evaluate("getComputedStyle(document.querySelector('button')).backgroundColor").asText())
          .isEqualTo("rgb(255, 255, 0)");
      assertThat(browser.evaluate("getComputedStyle(document.querySelector('button')).color").asText())
          .isEqualTo("rgb(17, 24, 39)"); // #111827: 14.9:1 on yellow
      assertThat(browser.evaluate("getComputedStyle(document.querySelector('#score-8 + label')).backgroundColor")
          .asText()).isEqualTo("rgb(255, 255, 0)");
      assertThat(browser.evaluate("getComputedStyle(document.querySelector('.card')).borderTopColor").asText())
          .isEqualTo("rgb(255, 255, 0)");
      assertThat(browser.evaluate("document.querySelector('img.logo').naturalWidth").asInt()).isEqualTo(400);
      assertThat(browser.evaluate("document.querySelector('img.logo').alt").asText()).isEqualTo("Acme & Sons");
      assertThat(browser.evaluate("document.querySelector('img.logo').getBoundingClientRect().height").asDouble())
          .isEqualTo(40.0);
      assertThat(browser.evaluate("document.querySelector('img.logo').getBoundingClientRect().width").asDouble())
          .isEqualTo(160.0); // 400x100 kept in proportion within 160x40
      assertThat(browser.errors()).as("console errors, CSP violations, failed loads").isEmpty();

      browser.cookie("nps_session", session, base);
      browser.navigate(base + "/admin/preview?trigger=post-purchase&lang=de");
      assertThat(browser.evaluate("document.querySelectorAll('iframe[sandbox]').length").asInt()).isEqualTo(3);
      assertThat(browser.evaluate("document.querySelector('pre.mail-text').textContent").asText()).contains("Hallo");
      browser.screenshot(Path.of("target", "screenshots", "preview.png"));
      assertThat(browser.errors()).as("console errors, CSP violations, failed loads").isEmpty();
    }
  }

  private String signIn() {
    HttpResponse<String> login = fixture.get("/admin/login");
    HttpResponse<String> signedIn = fixture.post("/admin/login", form("csrf", csrf(login.body()), "password",
        "correct-horse-battery"));
    return signedIn.headers().allValues("Set-Cookie").stream().filter(cookie -> cookie.startsWith("nps_session="))
        .map(cookie -> cookie.substring("nps_session=".length(), cookie.indexOf(';'))).findFirst().orElseThrow();
  }

}
