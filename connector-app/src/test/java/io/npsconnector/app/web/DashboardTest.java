package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.npsconnector.core.store.Invitation;

class DashboardTest {
  private static final String PASSWORD = "correct-horse-battery";
  @TempDir Path dir;
  private SurveyFixture fixture;

  @BeforeEach
  void start() {
    fixture = new SurveyFixture(dir, 1000);
    answer("c-1", 10, "Great");
    answer("c-2", 9, "");
    answer("c-3", 3, "<script>alert(1)</script> =SUM(A1)");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void theDashboardAndItsDataNeedTheAdminSignIn() {
    assertThat(fixture.get("/admin").statusCode()).isEqualTo(303);
    assertThat(fixture.get("/admin").headers().firstValue("Location")).contains("/admin/login");
    assertThat(fixture.get("/admin/answers.csv").statusCode()).isEqualTo(303);
    assertThat(fixture.get("/api/summary").statusCode()).isEqualTo(401);

    HttpResponse<String> login = fixture.get("/admin/login");
    HttpResponse<String> wrong = fixture.post("/admin/login", form("csrf", csrf(login.body()), "password", "guess"));
    HttpResponse<String> noCsrf = fixture.post("/admin/login", form("password", PASSWORD));

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Wrong user name or password.").doesNotContain(PASSWORD);
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    assertThat(fixture.get("/admin").statusCode()).isEqualTo(303);
  }

  @Test
  void afterSignInTheDashboardShowsNpsWithItsIntervalChartsAndBreakdowns() {
    signIn();

    HttpResponse<String> page = fixture.get("/admin");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Acme &amp; Sons — Net Promoter Score")
        .contains("<div class=\"value\">+33</div>") // 2 promoters, 1 detractor of 3
        .contains("95 % interval").contains("NPS over time").contains("<svg class=\"chart\"")
        .contains("class=\"band\"").contains("Score distribution").contains("By trigger").contains("post-purchase")
        .contains("By channel").contains("By CRM connection").contains("Response rate")
        .contains("Detractors awaiting follow-up").contains("Write-back failures").contains("<h2>Triggers</h2>")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
  }

  @Test
  void answersExportAsCsvWithFormulaCellsMadeInert() {
    signIn();

    HttpResponse<String> csv = fixture.get("/admin/answers.csv");

    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    String[] lines = csv.body().split("\n");
    assertThat(lines[0]).isEqualTo("answered_at,connection,trigger,channel,score,category,comment,contact_id,"
        + "contact_name,email,segments");
    assertThat(lines).hasSize(4);
    assertThat(csv.body()).contains(",\"detractor\",\"<script>alert(1)</script> =SUM(A1)\",\"c-3\",");
    assertThat(Dashboard.csvRows(List.of(List.of(Dashboard.inert("=HYPERLINK(\"x\")")))))
        .isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"\n");
  }

  @Test
  void aConnectionStoppedOnRefusedCredentialsShowsWithTheCrmsMessageAndAnAdminResumesIt() {
    fixture.crm.revokeCredentials();
    assertThatThrownBy(() -> fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION))
        .isInstanceOf(io.npsconnector.core.spi.CrmException.Authentication.class);
    fixture.crm.restoreCredentials();
    signIn();

    String page = fixture.get("/admin").body();

    assertThat(page).contains("CRM connections").contains("STOPPED: the CRM refused the credentials")
        .contains("credentials refused").contains("/admin/connections/" + SurveyFixture.CONNECTION + "/resume");
    assertThat(fixture.post("/admin/connections/" + SurveyFixture.CONNECTION + "/resume", form("csrf", "forged"))
        .statusCode()).isEqualTo(403);
    assertThat(fixture.post("/admin/connections/nowhere/resume", form("csrf", csrf(page))).statusCode())
        .isEqualTo(404);

    HttpResponse<String> resumed = fixture.post("/admin/connections/" + SurveyFixture.CONNECTION + "/resume",
        form("csrf", csrf(page)));

    assertThat(resumed.statusCode()).isEqualTo(303);
    assertThat(fixture.engine.connectionStatus(SurveyFixture.CONNECTION).state())
        .isEqualTo(io.npsconnector.core.engine.ConnectionStatus.State.ACTIVE);
    assertThat(fixture.get("/admin").body()).doesNotContain("STOPPED").contains("active");
  }

  @Test
  void outsideTheDemoThereAreNoMailPages() {
    signIn();

    assertThat(fixture.get("/admin").body()).doesNotContain("/admin/mails");
    assertThat(fixture.get("/admin/mails").statusCode()).isEqualTo(404);
    assertThat(fixture.get("/admin/mails/1/html").statusCode()).isEqualTo(404);
  }

  @Test
  void theJsonSummaryCarriesNpsNAndInterval() throws Exception {
    signIn();

    JsonNode summary = new ObjectMapper().readTree(fixture.get("/api/summary").body());

    assertThat(summary.path("overall").path("n").asInt()).isEqualTo(3);
    assertThat(summary.path("overall").path("nps").asDouble()).isEqualTo(100.0 / 3, org.assertj.core.data.Offset
        .offset(1e-9));
    assertThat(summary.path("overall").path("ci95")).hasSize(2);
    assertThat(summary.path("by_connection").has(SurveyFixture.CONNECTION)).isTrue();
  }

  @Test
  void signingOutEndsTheSession() {
    signIn();
    String page = fixture.get("/admin").body();

    fixture.post("/admin/logout", form("csrf", csrf(page)));

    assertThat(fixture.get("/admin").statusCode()).isEqualTo(303);
  }

  @Test
  void signInAttemptsAreLimitedPerAddress() {
    String csrf = csrf(fixture.get("/admin/login").body());
    for (int i = 0; i < 10; i++) {
      fixture.post("/admin/login", form("csrf", csrf, "password", "guess " + i));
    }

    HttpResponse<String> blocked = fixture.post("/admin/login", form("csrf", csrf, "password", PASSWORD));

    assertThat(blocked.statusCode()).isEqualTo(429);
  }

  private void signIn() {
    HttpResponse<String> login = fixture.get("/admin/login");
    HttpResponse<String> signedIn = fixture.post("/admin/login", form("csrf", csrf(login.body()), "password",
        PASSWORD));
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    assertThat(signedIn.headers().allValues("Set-Cookie")).anySatisfy(cookie ->
        assertThat(cookie).startsWith("nps_session=").contains("HttpOnly").contains("SameSite=Strict"));
  }

  private void answer(String contact, int score, String comment) {
    Invitation invitation = fixture.sentInvitation(contact, "Ada", Locale.ENGLISH);
    fixture.engine.answer(invitation.id(), score, comment.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(comment));
  }
}
