package io.npsconnector.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.core.store.DashboardUserRepository;
import io.npsconnector.core.store.DashboardUserRepository.Role;
import io.npsconnector.core.store.PasswordHash;

/**
 * A viewer signs in on the login page in Debian's real headless Chromium (user name and password typed into the
 * form) and sees the dashboard without a single action button or export link, and without console errors; an
 * admin signing in the same way sees them. Skipped when this machine has no Chromium, unless
 * {@code NPS_REQUIRE_CHROMIUM=true} (CI) makes it mandatory.
 */
class ViewerBrowserTest {
  @TempDir Path dir;
  private SurveyFixture fixture;

  @BeforeEach
  void start() {
    if (!"true".equalsIgnoreCase(System.getenv("NPS_REQUIRE_CHROMIUM"))) {
      assumeTrue(HeadlessChromium.binary().isPresent(), "no Chromium on this machine (apt-get install chromium)");
    }
    fixture = new SurveyFixture(dir.resolve("store"), 1000);
    DashboardUserRepository users = new DashboardUserRepository(fixture.database.jdbi());
    users.add("vera", Role.VIEWER, PasswordHash.of("vera's password".toCharArray()), SurveyFixture.NOW);
    users.add("alice", Role.ADMIN, PasswordHash.of("alice's password".toCharArray()), SurveyFixture.NOW);
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aViewerSignedInOnTheLoginPageSeesNoActionButtonsAndAnAdminDoes() throws Exception {
    Path chromium = HeadlessChromium.binary().orElseThrow(() -> new AssertionError(
        "NPS_REQUIRE_CHROMIUM is set but no Chromium is installed"));
    String base = "http://127.0.0.1:" + fixture.port;
    Path screenshots = Path.of("target", "screenshots");

    try (HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("viewer"))) {
      signIn(browser, base, "vera", "vera's password");

      assertThat(browser.evaluate("location.pathname").asText()).isEqualTo("/admin");
      assertThat(browser.evaluate("document.title").asText()).isEqualTo("NPS dashboard");
      assertThat(browser.evaluate("document.querySelector('header.top').textContent").asText())
          .contains("Signed in as vera (viewer: read only)");
      assertThat(browser.evaluate("[...document.querySelectorAll('form[method=post]')].map(f => f.getAttribute('action'))"
          + ".join(' ')").asText()).as("the only form that changes anything is signing out").isEqualTo("/admin/logout");
      assertThat(browser.evaluate("[...document.querySelectorAll('form[method=post] button')].map(b => b.textContent)"
          + ".join('|')").asText()).isEqualTo("Sign out");
      assertThat(browser.evaluate("document.querySelectorAll('a[href$=\".csv\"], a[href=\"/admin/audit\"]').length")
          .asInt()).isZero();
      assertThat(browser.evaluate("document.querySelectorAll('#triggers tbody tr').length").asInt()).isEqualTo(1);
      browser.screenshot(screenshots.resolve("dashboard-viewer.png"));
      assertThat(browser.errors()).as("console errors, exceptions and CSP violations").isEmpty();
    }
    try (HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("admin"))) {
      signIn(browser, base, "alice", "alice's password");

      assertThat(browser.evaluate("[...document.querySelectorAll('form[method=post] button')].map(b => b.textContent)"
          + ".join('|')").asText()).isEqualTo("Sign out|Pause");
      assertThat(browser.evaluate("document.querySelectorAll('a[href=\"/admin/answers.csv\"], "
          + "a[href=\"/admin/audit\"]').length").asInt()).isEqualTo(2);
      assertThat(browser.errors()).isEmpty();
    }
  }

  private static void signIn(HeadlessChromium browser, String base, String user, String password) {
    browser.navigate(base + "/admin/login");
    browser.evaluate("document.getElementById('user').value = " + js(user) + "; "
        + "document.getElementById('password').value = " + js(password));
    browser.evaluateAndWaitForLoad("document.querySelector('form').submit()");
  }

  private static String js(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
