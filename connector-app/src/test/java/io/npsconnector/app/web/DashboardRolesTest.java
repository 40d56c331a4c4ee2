package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.core.store.AdminAuditRepository;
import io.npsconnector.core.store.AdminAuditRepository.Entry;
import io.npsconnector.core.store.DashboardUserRepository;
import io.npsconnector.core.store.DashboardUserRepository.Role;
import io.npsconnector.core.store.PasswordHash;

/**
 * Accounts with roles on the dashboard: a viewer reads every page but changes nothing and exports no personal data
 * (403, and no form shown), an admin may do all of it and each action is in the audit log with the account, the
 * address and the time; the configuration's admin password still signs in as {@code admin}; sessions follow the
 * account (disabled, removed, new password: signed out); guesses are throttled per account name.
 */
class DashboardRolesTest {
  private static final String VIEWER_PASSWORD = "viewer's own password";
  private static final String ADMIN_PASSWORD = "alice's own password";
  private static final String TRIGGER = "post-purchase";
  @TempDir Path dir;
  private SurveyFixture fixture;
  private DashboardUserRepository users;

  @BeforeEach
  void start() {
    fixture = new SurveyFixture(dir, 1000);
    users = new DashboardUserRepository(fixture.database.jdbi());
    users.add("Vera", Role.VIEWER, PasswordHash.of(VIEWER_PASSWORD.toCharArray()), SurveyFixture.NOW);
    users.add("alice", Role.ADMIN, PasswordHash.of(ADMIN_PASSWORD.toCharArray()), SurveyFixture.NOW);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aViewerReadsButCannotActOrExportPersonalDataAndSeesNoForms() {
    Browser viewer = signedIn("vera", VIEWER_PASSWORD);
    String page = viewer.get("/admin").body();
    String csrf = csrf(page); // the sign-out form

    assertThat(page).contains("Signed in as Vera (viewer: read only)").contains("Net Promoter Score")
        .doesNotContain("/admin/triggers/").doesNotContain("/admin/answers.csv").doesNotContain("/admin/audit")
        .contains("/api/summary");
    assertThat(viewer.get("/api/summary").statusCode()).as("aggregated figures").isEqualTo(200);
    for (String path : List.of("/admin/answers.csv", "/admin/audit", "/admin/audit?page=2",
        "/admin/anything-new.csv", "/admin/responses/export.json")) {
      HttpResponse<String> refused = viewer.get(path);
      assertThat(refused.statusCode()).as("GET %s", path).isEqualTo(403);
      assertThat(refused.body()).contains("Your account Vera is a viewer").doesNotContain("c-1@example.com");
    }
    for (String path : List.of("/admin/triggers/" + TRIGGER + "/pause", "/admin/triggers/" + TRIGGER + "/resume",
        "/admin/connections/" + SurveyFixture.CONNECTION + "/resume", "/admin/preview/send-test",
        "/admin/some-page-added-later")) {
      HttpResponse<String> refused = viewer.post(path, form("csrf", csrf));
      assertThat(refused.statusCode()).as("POST %s", path).isEqualTo(403);
      assertThat(refused.body()).contains("may read the dashboard but not change anything. Ask an admin.");
    }
    assertThat(fixture.engine.pausedTriggers()).isEmpty();
    assertThat(audit()).isEmpty();
    assertThat(viewer.post("/admin/logout", form("csrf", csrf)).statusCode()).as("signing out is open")
        .isEqualTo(303);
    assertThat(viewer.get("/admin").statusCode()).isEqualTo(303);
  }

  @Test
  void anAdminPausesResumesAndExportsAndEachActionIsAuditedWithTheAccountAddressAndTime() {
    fixture.sentInvitation("c-1", "Ada", java.util.Locale.ENGLISH);
    Browser alice = signedIn("Alice", ADMIN_PASSWORD);
    String page = alice.get("/admin").body();
    assertThat(page).contains("Signed in as alice").doesNotContain("viewer: read only")
        .contains("action=\"/admin/triggers/" + TRIGGER + "/pause\"").contains("/admin/answers.csv")
        .contains("/admin/audit");

    assertThat(alice.post("/admin/triggers/" + TRIGGER + "/pause", form("csrf", csrf(page))).statusCode())
        .isEqualTo(303);
    assertThat(alice.get("/admin").body()).contains("paused by alice from 127.0.0.1 since");
    fixture.clock.advance(Duration.ofMinutes(1));
    assertThat(alice.post("/admin/triggers/" + TRIGGER + "/resume", form("csrf", csrf(page))).statusCode())
        .isEqualTo(303);
    assertThat(alice.post("/admin/triggers/" + TRIGGER + "/resume", form("csrf", csrf(page))).statusCode())
        .as("resuming a running trigger changes nothing").isEqualTo(303);
    fixture.clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> export = alice.get("/admin/answers.csv");
    assertThat(export.statusCode()).isEqualTo(200);

    assertThat(audit()).extracting(Entry::action, Entry::target, entry -> entry.actor().name(),
            entry -> entry.actor().role(), entry -> entry.actor().address(), Entry::at)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("export", "answers.csv", "alice", "admin", "127.0.0.1",
                SurveyFixture.NOW.plusSeconds(120)),
            org.assertj.core.groups.Tuple.tuple("trigger.resume", TRIGGER, "alice", "admin", "127.0.0.1",
                SurveyFixture.NOW.plusSeconds(60)),
            org.assertj.core.groups.Tuple.tuple("trigger.pause", TRIGGER, "alice", "admin", "127.0.0.1",
                SurveyFixture.NOW));
    String log = alice.get("/admin/audit").body();
    assertThat(log).contains("3 in all; page 1 of 1")
        .contains("<td>alice</td><td>admin</td><td>export</td><td>answers.csv</td><td>0 answers from "
            + SurveyFixture.NOW.atZone(java.time.ZoneOffset.UTC).toLocalDate().minusDays(364) + " to "
            + SurveyFixture.NOW.atZone(java.time.ZoneOffset.UTC).toLocalDate() + "</td><td>127.0.0.1</td>")
        .containsSubsequence("trigger.resume", "trigger.pause");
  }

  @Test
  void theAuditPageIsPagedNewestFirst() {
    AdminAuditRepository log = new AdminAuditRepository(fixture.database.jdbi());
    for (int i = 1; i <= Dashboard.AUDIT_PAGE + 3; i++) {
      log.record(new AdminAuditRepository.Actor("ops", "command line", "host"), "user.add", "user-" + i, "",
          SurveyFixture.NOW.plusSeconds(i));
    }
    Browser alice = signedIn("alice", ADMIN_PASSWORD);

    String first = alice.get("/admin/audit").body();
    String second = alice.get("/admin/audit?page=2").body();

    assertThat(first).contains("page 1 of 2").contains("<td>user-53</td>").contains("<td>user-4</td>")
        .doesNotContain("<td>user-3</td>").contains("href=\"/admin/audit?page=2\"").doesNotContain("Newer");
    assertThat(first.indexOf("<td>user-53</td>")).isLessThan(first.indexOf("<td>user-52</td>"));
    assertThat(second).contains("page 2 of 2").contains("<td>user-3</td>").contains("<td>user-1</td>")
        .doesNotContain("<td>user-4</td>").contains("href=\"/admin/audit?page=1\"").doesNotContain("Older");
    assertThat(alice.get("/admin/audit?page=x").body()).contains("page 1 of 2");
  }

  @Test
  void theConfigurationsAdminPasswordStillSignsInAsAdminWithOrWithoutTheName() {
    Browser bootstrap = new Browser();
    HttpResponse<String> withoutName = bootstrap.post("/admin/login", form("csrf",
        csrf(bootstrap.get("/admin/login").body()), "password", "correct-horse-battery"));
    assertThat(withoutName.statusCode()).isEqualTo(303);
    assertThat(bootstrap.get("/admin").body()).contains("Signed in as admin").contains("/admin/answers.csv");

    Browser named = signedIn("ADMIN", "correct-horse-battery");
    assertThat(named.get("/admin").body()).contains("Signed in as admin");
    Browser wrong = new Browser();
    HttpResponse<String> refused = wrong.post("/admin/login", form("csrf", csrf(wrong.get("/admin/login").body()),
        "user", "alice", "password", "correct-horse-battery"));
    assertThat(refused.statusCode()).as("the bootstrap password is no other account's").isEqualTo(401);
    assertThat(refused.body()).contains("Wrong user name or password.").doesNotContain("correct-horse-battery");
  }

  @Test
  void aDisabledRemovedOrRepasswordedAccountIsSignedOutAndCannotSignIn() {
    Browser vera = signedIn("vera", VIEWER_PASSWORD);
    Browser alice = signedIn("alice", ADMIN_PASSWORD);

    users.setDisabled("vera", true, SurveyFixture.NOW.plusSeconds(1));
    users.setPassword("alice", PasswordHash.of("alice's new password".toCharArray()), SurveyFixture.NOW.plusSeconds(1));

    assertThat(vera.get("/admin").statusCode()).isEqualTo(303);
    assertThat(alice.get("/admin").statusCode()).isEqualTo(303);
    assertThat(alice.get("/api/summary").statusCode()).isEqualTo(401);
    assertThat(signIn(new Browser(), "vera", VIEWER_PASSWORD).statusCode()).isEqualTo(401);
    assertThat(signIn(new Browser(), "alice", ADMIN_PASSWORD).statusCode()).isEqualTo(401);
    Browser again = signedIn("alice", "alice's new password");
    users.remove("alice");
    assertThat(again.get("/admin").statusCode()).isEqualTo(303);
    assertThat(signIn(new Browser(), "alice", "alice's new password").statusCode()).isEqualTo(401);
  }

  @Test
  void guessesAreThrottledAndAThrottledAttemptIsNotCheckedEvenWithTheRightPassword() {
    Browser guesser = new Browser();
    String csrf = csrf(guesser.get("/admin/login").body());
    for (int i = 0; i < 5; i++) {
      assertThat(guesser.post("/admin/login", form("csrf", csrf, "user", "alice", "password", "guess " + i))
          .statusCode()).isEqualTo(401);
    }

    HttpResponse<String> blocked = guesser.post("/admin/login", form("csrf", csrf, "user", "alice", "password",
        ADMIN_PASSWORD));

    assertThat(blocked.statusCode()).isEqualTo(429);
    assertThat(blocked.headers().firstValue("Retry-After")).contains("1");
    assertThat(audit()).isEmpty();
    fixture.clock.advance(Duration.ofSeconds(1));
    assertThat(signIn(guesser, "alice", ADMIN_PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void guessesAtOneAccountFromManyAddressesAreThrottledForThatNameWhateverItsCaseNotForOthers() {
    AdminAuth auth = new AdminAuth(Optional.of("correct-horse-battery"), users, fixture.clock,
        SignInThrottle.standard(fixture.clock));
    for (int i = 0; i < 10; i++) {
      AdminAuth.SignIn guess = auth.signIn("10.0.0." + i, i % 2 == 0 ? "alice" : "ALICE", "guess " + i);
      assertThat(guess.session()).isEmpty();
      assertThat(guess.retryAfter()).as("guess %d", i).isEmpty();
    }

    assertThat(auth.signIn("10.0.1.1", "Alice", ADMIN_PASSWORD).retryAfter()).contains(Duration.ofSeconds(1));
    AdminAuth.SignIn other = auth.signIn("10.0.1.2", "vera", VIEWER_PASSWORD);
    assertThat(other.session()).isPresent();
    assertThat(auth.account(other.session().get())).contains(new AdminAuth.Account("Vera", Role.VIEWER));
    fixture.clock.advance(Duration.ofSeconds(1));
    AdminAuth.SignIn later = auth.signIn("10.0.1.1", "alice", ADMIN_PASSWORD);
    assertThat(later.session().flatMap(auth::account)).contains(new AdminAuth.Account("alice", Role.ADMIN));
  }

  @Test
  void theAccessRuleDefaultsNewRoutesToSignedInForReadingAndAdminForTheRest() {
    Optional<Role> viewer = Optional.of(Role.VIEWER);
    Optional<Role> admin = Optional.of(Role.ADMIN);

    assertThat(DashboardAccess.decide("GET", "/admin/feed", viewer)).isEqualTo(DashboardAccess.Decision.ALLOWED);
    assertThat(DashboardAccess.decide("HEAD", "/admin/inbox", viewer)).isEqualTo(DashboardAccess.Decision.ALLOWED);
    assertThat(DashboardAccess.decide("POST", "/admin/anything", viewer))
        .isEqualTo(DashboardAccess.Decision.FORBIDDEN);
    assertThat(DashboardAccess.decide("DELETE", "/admin/anything", viewer))
        .isEqualTo(DashboardAccess.Decision.FORBIDDEN);
    assertThat(DashboardAccess.decide("GET", "/admin/feed.CSV", viewer)).isEqualTo(DashboardAccess.Decision.FORBIDDEN);
    assertThat(DashboardAccess.decide("GET", "/api/summary", viewer)).isEqualTo(DashboardAccess.Decision.ALLOWED);
    assertThat(DashboardAccess.decide("POST", "/admin/anything", admin)).isEqualTo(DashboardAccess.Decision.ALLOWED);
    assertThat(DashboardAccess.decide("GET", "/admin/feed", Optional.empty()))
        .isEqualTo(DashboardAccess.Decision.SIGN_IN);
    assertThat(DashboardAccess.decide("POST", "/admin/login", Optional.empty()))
        .isEqualTo(DashboardAccess.Decision.OPEN);
    assertThat(DashboardAccess.decide("GET", "/s/token", Optional.empty())).isEqualTo(DashboardAccess.Decision.OPEN);
    assertThat(DashboardAccess.decide("GET", "/administrator", Optional.empty()))
        .isEqualTo(DashboardAccess.Decision.OPEN);
  }

  private List<Entry> audit() {
    return new AdminAuditRepository(fixture.database.jdbi()).newestFirst(0, 100);
  }

  private Browser signedIn(String user, String password) {
    Browser browser = new Browser();
    HttpResponse<String> response = signIn(browser, user, password);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
    assertThat(response.headers().allValues("Set-Cookie")).anySatisfy(cookie ->
        assertThat(cookie).startsWith("nps_session=").contains("HttpOnly").contains("SameSite=Strict"));
    return browser;
  }

  private static HttpResponse<String> signIn(Browser browser, String user, String password) {
    return browser.post("/admin/login", form("csrf", csrf(browser.get("/admin/login").body()), "user", user,
        "password", password));
  }

  /** A browser of its own (its own cookies) on the fixture's server. */
  private final class Browser {
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(String path) {
      return send(HttpRequest.newBuilder(fixture.url(path)).GET());
    }

    HttpResponse<String> post(String path, String form) {
      return send(HttpRequest.newBuilder(fixture.url(path))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
      return SurveyFixture.send(client, request);
    }
  }
}
