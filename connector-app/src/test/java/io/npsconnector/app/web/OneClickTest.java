package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.ProvisionalScoreRepository;
import io.npsconnector.core.store.WritebackRepository;
import io.npsconnector.core.testing.RecordingChannel;

/**
 * One click over HTTP: a score link's page carries the one-click script only for a person's browser; its report
 * needs the page's CSRF field and signature; scanners (plain GET, HEAD, prefetch, scanner user agents, a client
 * reporting all eleven scores) store nothing that counts. And the follow-up question by category, trigger and
 * language, and the promoter link on a promoter's thank-you page.
 */
class OneClickTest {
  /** A person's desktop browser. */
  static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      + "Chrome/131.0.0.0 Safari/537.36";
  private static final Pattern DATA = Pattern.compile("data-(one-click|score|click)=\"([^\"]*)\"");

  @TempDir Path dir;
  private SurveyFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private SurveyFixture fixture(String extraYaml, String triggerYaml) {
    fixture = new SurveyFixture(dir, 1000, (config, links) -> new RecordingChannel(), extraYaml, triggerYaml);
    return fixture;
  }

  @Test
  void aPersonsBrowserGetsTheScriptAndItsReportIsProvisionalUntilAGestureConfirmsIt() {
    fixture("", "");
    Invitation invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    String path = fixture.surveyPath(invitation);

    HttpResponse<String> page = get(path + "?score=9", Map.of("User-Agent", BROWSER));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).contains(SurveyServer.ONE_CLICK_CSP);
    assertThat(SurveyServer.ONE_CLICK_CSP).contains("script-src 'self'").doesNotContain("unsafe");
    assertThat(page.body()).contains("<script src=\"/assets/oneclick.js\" defer></script>")
        .contains("<p class=\"message\" id=\"saved\" role=\"status\" hidden>Your score 9 is saved. Tell us why?</p>")
        .contains(">What do you like most about Acme &amp; Sons? (optional)</label>");
    assertThat(page.body().split("<script", -1)).as("one script, from this server").hasSize(2);
    assertThat(page.body()).as("no inline handlers").doesNotContainPattern(" on[a-z]+=").doesNotContain("javascript:");
    Map<String, String> data = data(page.body());
    assertThat(data).containsEntry("one-click", path + "/score").containsEntry("score", "9");
    assertThat(nothingCounted(invitation)).isTrue();
    HttpResponse<String> script = get("/assets/oneclick.js", Map.of());
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("text/javascript"));
    assertThat(script.body()).contains("isTrusted").contains("pointerdown");

    HttpResponse<String> reported = report(path, page.body(), "report", Map.of("User-Agent", BROWSER,
        "Sec-Fetch-Site", "same-origin"));
    assertThat(reported.statusCode()).isEqualTo(200);
    assertThat(reported.body()).isEqualTo("{\"state\":\"provisional\"}");
    assertThat(nothingCounted(invitation)).as("provisional: not an answer").isTrue();
    assertThat(fixture.engine.reportedScores(invitation.id())).singleElement()
        .satisfies(row -> assertThat(row.state()).isEqualTo(ProvisionalScoreRepository.State.PROVISIONAL));

    HttpResponse<String> confirmed = report(path, page.body(), "confirm", Map.of("User-Agent", BROWSER));
    assertThat(confirmed.body()).isEqualTo("{\"state\":\"confirmed\"}");
    AnswerRepository.Answer answer = new AnswerRepository(fixture.database.jdbi()).forInvitation(invitation.id())
        .orElseThrow();
    assertThat(answer.score()).isEqualTo(9);
    assertThat(answer.confirmedBy()).isEqualTo(AnswerRepository.Confirmation.GESTURE);

    // the page opened again from the same link says the score is saved, and carries no script any more
    HttpResponse<String> again = get(path + "?score=9", Map.of("User-Agent", BROWSER));
    assertThat(again.body()).contains("<p class=\"message\" id=\"saved\" role=\"status\">Your score 9 is saved. "
        + "Tell us why?</p>").doesNotContain("<script");
    assertThat(again.headers().firstValue("Content-Security-Policy")).contains(SurveyServer.CSP);
  }

  @Test
  void linkScannersAndPrefetchesGetNoScriptAndTheirReportsAreRefused() {
    fixture("", "");
    Invitation invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    String path = fixture.surveyPath(invitation);
    String browserPage = get(path + "?score=10", Map.of("User-Agent", BROWSER)).body();

    List<Map<String, String>> scanners = List.of(
        Map.of("User-Agent", BROWSER, "Sec-Purpose", "prefetch"),
        Map.of("User-Agent", BROWSER, "Purpose", "prefetch"),
        Map.of("User-Agent", BROWSER, "Sec-Purpose", "prefetch;prerender"),
        Map.of("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "HeadlessChrome/131.0.0.0 Safari/537.36"),
        Map.of("User-Agent", "Mozilla/5.0 (compatible; Barracuda Sentinel)"),
        Map.of("User-Agent", "Mimecast URL Protect"),
        Map.of("User-Agent", "Proofpoint URL Defense"),
        Map.of("User-Agent", "Microsoft Office Existence Discovery"),
        Map.of("User-Agent", "Mozilla/5.0 (compatible; BingPreview/1.0b)"),
        Map.of("User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"),
        Map.of("User-Agent", "curl/8.5.0"),
        Map.of("User-Agent", "python-requests/2.31"),
        Map.of()); // the JDK's own client: an HTTP library
    for (Map<String, String> scanner : scanners) {
      for (int score = 0; score <= 10; score++) {
        HttpResponse<String> page = get(path + "?score=" + score, scanner);
        assertThat(page.statusCode()).as("%s", scanner).isEqualTo(200);
        assertThat(page.body()).as("%s", scanner).doesNotContain("<script").doesNotContain("data-one-click");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(SurveyServer.CSP);
      }
      HttpResponse<String> head = fixture.send(HttpRequest.newBuilder(fixture.url(path + "?score=3"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()));
      assertThat(head.statusCode()).isEqualTo(200);
      HttpResponse<String> reported = report(path, browserPage, "report", scanner);
      assertThat(reported.statusCode()).as("%s", scanner).isEqualTo(403);
      assertThat(reported.body()).isEqualTo("{\"state\":\"refused\"}");
    }
    assertThat(fixture.engine.reportedScores(invitation.id())).isEmpty();
    assertThat(nothingCounted(invitation)).isTrue();
  }

  @Test
  void aReportNeedsItsPagesCsrfFieldAndSignatureFromTheSameOrigin() {
    fixture("", "");
    Invitation invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    String path = fixture.surveyPath(invitation);
    String page = get(path + "?score=7", Map.of("User-Agent", BROWSER)).body();
    Map<String, String> data = data(page);

    List<String> forged = List.of(
        form("score", "7", "click", data.get("click"), "action", "report"), // no CSRF field
        form("csrf", csrf(page), "score", "2", "click", data.get("click"), "action", "report"), // another score
        form("csrf", csrf(page), "score", "7", "click", "x" + data.get("click"), "action", "report"),
        form("csrf", csrf(page), "score", "7", "click", data.get("click"), "action", "answer"));
    for (String body : forged) {
      assertThat(post(path + "/score", body, Map.of("User-Agent", BROWSER)).statusCode()).as(body).isEqualTo(403);
    }
    assertThat(post(path + "/score", form("csrf", csrf(page), "score", "7", "click", data.get("click"), "action",
        "report"), Map.of("User-Agent", BROWSER, "Sec-Fetch-Site", "cross-site")).statusCode()).isEqualTo(403);
    assertThat(fixture.engine.reportedScores(invitation.id())).isEmpty();
    assertThat(post("/s/forged.token/score", form("csrf", csrf(page), "score", "7"), Map.of("User-Agent", BROWSER))
        .statusCode()).isEqualTo(404);
  }

  @Test
  void aClientThatRunsTheScriptOfEveryOneOfTheElevenLinksStoresNothingThatCounts() {
    fixture("", "");
    Invitation invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    String path = fixture.surveyPath(invitation);

    // what the script does on each page without a person: it reports, and waits for a gesture that never comes
    List<String> pages = new java.util.ArrayList<>();
    for (int score = 0; score <= 10; score++) {
      String page = get(path + "?score=" + score, Map.of("User-Agent", BROWSER)).body();
      pages.add(page);
      report(path, page, "report", Map.of("User-Agent", BROWSER));
      fixture.clock.advance(Duration.ofSeconds(2));
    }
    for (String page : pages) { // a gesture afterwards finds nothing left to confirm
      assertThat(report(path, page, "confirm", Map.of("User-Agent", BROWSER)).body())
          .isEqualTo("{\"state\":\"none\"}");
    }
    fixture.clock.advance(Duration.ofHours(1));
    assertThat(fixture.engine.confirmDueScore(invitation.id())).isEmpty();

    assertThat(fixture.engine.reportedScores(invitation.id())).hasSize(11)
        .allSatisfy(row -> assertThat(row.state()).isEqualTo(ProvisionalScoreRepository.State.DISCARDED));
    assertThat(nothingCounted(invitation)).isTrue();
    assertThat(fixture.engine.answersByConfirmation(SurveyFixture.NOW.minus(Duration.ofDays(1))).values())
        .containsOnly(0);
  }

  @Test
  void theFollowUpQuestionFollowsTheCategoryTheTriggerAndTheLanguage() {
    fixture("""
        templates:
          standard:
            en:
              follow-up:
                passive: "What is missing, {first_name}?"
        """, """
            follow-up:
              de:
                detractor: "Was lief bei Ihrem Kauf schief?"
        """);
    Invitation english = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    Invitation german = fixture.sentInvitation("c-2", "Jonas", Locale.GERMAN);
    String en = fixture.surveyPath(english);
    String de = fixture.surveyPath(german);

    assertThat(label(en + "?score=10")).isEqualTo("What do you like most about Acme &amp; Sons? (optional)");
    assertThat(label(en + "?score=8")).as("the template's own").isEqualTo("What is missing, Ada? (optional)");
    assertThat(label(en + "?score=3")).isEqualTo("What disappointed you, and what should Acme &amp; Sons do better? "
        + "(optional)");
    assertThat(label(en)).as("no score chosen yet").isEqualTo("What is the main reason for your score? (optional)");
    assertThat(label(de + "?score=9")).isEqualTo("Was gefällt Ihnen an Acme &amp; Sons am besten? (optional)");
    assertThat(label(de + "?score=7")).isEqualTo("Was müsste Acme &amp; Sons tun, damit Sie eine 10 geben? (optional)");
    assertThat(label(de + "?score=0")).as("the trigger's own").isEqualTo("Was lief bei Ihrem Kauf schief? (optional)");
    String page = get(de + "?score=0", Map.of("User-Agent", BROWSER)).body();
    assertThat(page).contains("data-detractor=\"Was lief bei Ihrem Kauf schief? (optional)\"")
        .contains("data-promoter=\"Was gefällt Ihnen an Acme &amp; Sons am besten? (optional)\"")
        .contains("Ihre Bewertung 0 ist gespeichert. Verraten Sie uns, warum?");
  }

  @Test
  void thePromoterLinkIsOfferedOnAPromotersThankYouPageOnly() {
    fixture("""
        templates:
          standard:
            promoter-link: https://reviews.example.com/acme?utm_source=nps
            de:
              promoter-link-text: "Schreiben Sie uns eine Bewertung"
        """, "");
    Invitation invitation = fixture.sentInvitation("c-2", "Jonas", Locale.GERMAN);
    String path = fixture.surveyPath(invitation);

    for (int score : new int[] {0, 6, 7, 8}) {
      submit(path, score);
      assertThat(get(path + "/thanks", Map.of()).body()).as("score %d", score).doesNotContain("reviews.example.com")
          .doesNotContain("promoter-link");
    }
    for (int score : new int[] {9, 10}) {
      submit(path, score);
      assertThat(get(path + "/thanks", Map.of()).body()).as("score %d", score).contains("<p class=\"promoter-link\">"
          + "<a href=\"https://reviews.example.com/acme?utm_source=nps\" rel=\"noopener noreferrer\" target=\"_blank\">"
          + "Schreiben Sie uns eine Bewertung</a></p>");
    }
  }

  @Test
  void aTriggersPromoterLinkReplacesTheTemplates() {
    fixture("""
        templates:
          standard:
            promoter-link: https://reviews.example.com/acme
        """, """
            promoter-link: http://127.0.0.1:9/refer
        """);
    Invitation invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    String path = fixture.surveyPath(invitation);
    submit(path, 10);
    assertThat(get(path + "/thanks", Map.of()).body()).contains("href=\"http://127.0.0.1:9/refer\"")
        .contains(">Would you share your experience in a review?</a>").doesNotContain("reviews.example.com");
  }

  // ---- helpers ----

  private void submit(String path, int score) {
    String page = get(path, Map.of()).body();
    assertThat(post(path, form("csrf", csrf(page), "score", Integer.toString(score), "comment", ""), Map.of())
        .statusCode()).isEqualTo(303);
  }

  private String label(String pathAndQuery) {
    Matcher matcher = Pattern.compile("<label class=\"comment\" id=\"comment-label\" for=\"comment\">([^<]*)</label>")
        .matcher(get(pathAndQuery, Map.of()).body());
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }

  private boolean nothingCounted(Invitation invitation) {
    return fixture.engine.surveyView(invitation.id()).orElseThrow().score().isEmpty()
        && new AnswerRepository(fixture.database.jdbi()).forInvitation(invitation.id()).isEmpty()
        && new WritebackRepository(fixture.database.jdbi()).forContact(SurveyFixture.CONNECTION,
            invitation.contactId()).isEmpty();
  }

  private HttpResponse<String> report(String path, String page, String action, Map<String, String> headers) {
    Map<String, String> data = data(page);
    return post(data.getOrDefault("one-click", path + "/score"), form("csrf", csrf(page), "score",
        data.getOrDefault("score", "10"), "click", data.getOrDefault("click", ""), "action", action), headers);
  }

  private static Map<String, String> data(String page) {
    Map<String, String> data = new java.util.HashMap<>();
    Matcher matcher = DATA.matcher(page);
    while (matcher.find()) {
      data.put(matcher.group(1), matcher.group(2));
    }
    return data;
  }

  private HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(fixture.url(pathAndQuery)).GET();
    headers.forEach(request::header);
    return fixture.send(request);
  }

  private HttpResponse<String> post(String path, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(fixture.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return fixture.send(request);
  }

}
