package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.npsconnector.app.demo.Demo;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * The demo's captured mails on the dashboard: listed and shown behind the admin sign-in, the HTML part under a
 * sandbox CSP, each also written as an {@code .eml} file; and opened from the dashboard in Debian's headless
 * Chromium (skipped without Chromium unless {@code NPS_REQUIRE_CHROMIUM=true}).
 */
class CapturedMailPagesTest {
  @TempDir static Path dir;
  private static Demo demo;
  private static String base;
  private static final HttpClient HTTP = HttpClient.newBuilder().cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void runTheDemo() throws Exception {
    demo = Demo.start(new Demo.Options(dir.resolve("data"), 0, 42, 20, 5, 0.0, 1, java.util.Map.of()));
    demo.run(line -> { });
    base = "http://127.0.0.1:" + demo.port();
  }

  @AfterAll
  static void stopTheDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void everyCapturedMailIsListedShownWithItsPartsAndHeadersAndWrittenAsEml() throws Exception {
    HttpClient anonymous = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    for (String path : List.of("/admin/mails", "/admin/mails/1", "/admin/mails/1/html")) {
      assertThat(anonymous.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).as("%s behind the sign-in", path).isEqualTo(303);
    }
    String session = signIn();
    assertThat(session).isNotEmpty();

    String list = get("/admin/mails").body();
    List<Path> eml;
    try (var files = Files.list(dir.resolve("data").resolve("mails"))) {
      eml = files.filter(file -> file.toString().endsWith(".eml")).sorted().toList();
    }
    assertThat(eml).isNotEmpty();
    assertThat(list).contains("href=\"/admin/mails/" + eml.size() + "\"")
        .doesNotContain("href=\"/admin/mails/" + (eml.size() + 1) + "\"");
    assertThat(get("/admin").body()).contains("href=\"/admin/mails\"");

    MimeMessage first;
    try (InputStream in = Files.newInputStream(eml.get(0))) {
      first = new MimeMessage(Session.getInstance(new Properties()), in);
    }
    String to = first.getRecipients(jakarta.mail.Message.RecipientType.TO)[0].toString();
    assertThat(list).contains(escaped(first.getSubject()));

    HttpResponse<String> shown = get("/admin/mails/1");
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.body()).contains(escaped(first.getSubject())).contains(escaped(to))
        .contains("<iframe class=\"mail-html\" sandbox=\"\" src=\"/admin/mails/1/html\"")
        .contains("<pre class=\"mail-text\">").contains("Message-ID").contains("List-Unsubscribe");
    assertThat(shown.headers().firstValue("Content-Security-Policy")).contains(MailPages.PAGE_CSP);

    HttpResponse<String> html = get("/admin/mails/1/html");
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.body()).startsWith("<!DOCTYPE html>").contains("/s/");
    assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox;")
        .contains("default-src 'none'").doesNotContain("script");
    assertThat(get("/admin/mails/" + (eml.size() + 1)).statusCode()).isEqualTo(404);
    assertThat(get("/admin/mails/x").statusCode()).isEqualTo(404);
  }

  @Test
  void aCapturedMailOpensFromTheDashboardInChromium() throws Exception {
    boolean required = "true".equalsIgnoreCase(System.getenv("NPS_REQUIRE_CHROMIUM"));
    if (!required) {
      assumeTrue(HeadlessChromium.binary().isPresent(), "no Chromium on this machine (apt-get install chromium)");
    }
    Path chromium = HeadlessChromium.binary().orElseThrow(() -> new AssertionError(
        "NPS_REQUIRE_CHROMIUM is set but no Chromium is installed"));
    String session = signIn();

    // the sandboxed frame in the page's own renderer, so that DevTools' DOM reaches into it
    try (HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("profile"),
        List.of("--disable-site-isolation-trials", "--disable-features=IsolateSandboxedIframes"))) {
      browser.cookie("nps_session", session, base);
      browser.viewport(1280, 900, false);
      browser.navigate(base + "/admin");
      String mailsLink = browser.evaluate("document.querySelector('a[href=\"/admin/mails\"]').href").asText();
      browser.navigate(mailsLink);
      String firstMail = browser.evaluate("document.querySelector('table.mails a').href").asText();
      String subject = browser.evaluate("document.querySelector('table.mails a').textContent").asText();
      browser.navigate(firstMail);

      assertThat(browser.evaluate("document.querySelector('h1').textContent").asText()).isEqualTo(subject);
      assertThat(browser.evaluate("document.querySelector('pre.mail-text').textContent.length").asInt())
          .isGreaterThan(20);
      assertThat(browser.errors()).as("console errors, exceptions and CSP violations").isEmpty();
      // the frame's document as Chromium rendered it, read through DevTools' DOM (no script runs in the frame)
      JsonNode frame = frameNode(browser.call("DOM.getDocument", Map.of("depth", -1, "pierce", true)).path("root"));
      assertThat(frame.isMissingNode()).as("the mail's frame in the page").isFalse();
      assertThat(frame.path("attributes").toString()).contains("\"sandbox\",\"\"");
      JsonNode document = frame.path("contentDocument");
      assertThat(document.path("documentURL").asText()).isEqualTo(firstMail + "/html");
      String rendered = browser.call("DOM.getOuterHTML", Map.of("nodeId", document.path("nodeId").asInt()))
          .path("outerHTML").asText();
      assertThat(rendered).as("the mail as its recipient sees it").contains("/s/").contains("/u/");
      assertThat(rendered.split("href=\"[^\"]*/s/", -1)).as("the eleven score links").hasSize(12);
      assertThat(browser.evaluate("document.querySelector('iframe.mail-html').getBoundingClientRect().height")
          .asInt()).isGreaterThan(200);
      browser.screenshot(Path.of("target", "screenshots", "captured-mail.png"));
      assertThat(browser.errors()).as("console errors, exceptions and CSP violations").isEmpty();
    }
  }

  /** The first iframe element under {@code node}, or a missing node. */
  private static JsonNode frameNode(JsonNode node) {
    if ("IFRAME".equals(node.path("nodeName").asText())) {
      return node;
    }
    for (JsonNode child : node.path("children")) {
      JsonNode found = frameNode(child);
      if (!found.isMissingNode()) {
        return found;
      }
    }
    return node.path("contentDocument").isMissingNode() ? com.fasterxml.jackson.databind.node.MissingNode
        .getInstance() : frameNode(node.path("contentDocument"));
  }

  private static String signIn() {
    HttpResponse<String> login = get("/admin/login");
    HttpResponse<String> signedIn = post("/admin/login", form("csrf", csrf(login.body()), "password", "demo-admin"));
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    return signedIn.headers().allValues("Set-Cookie").stream().filter(cookie -> cookie.startsWith("nps_session="))
        .findFirst().orElseThrow().split(";")[0].substring("nps_session=".length());
  }

  private static String escaped(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
        .replace("'", "&#39;");
  }

  private static HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private static HttpResponse<String> post(String path, String form) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
