package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.npsconnector.core.engine.SurveyView;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.WritebackRepository;

class SurveyServerTest {
  @TempDir Path dir;
  private SurveyFixture fixture;
  private Invitation invitation;
  private String path;

  @BeforeEach
  void start() {
    fixture = new SurveyFixture(dir, 1000);
    invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    path = fixture.surveyPath(invitation);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aLinkFromTheMailShowsTheQuestionWithItsScoreChosenAndStoresNothing() {
    HttpResponse<String> page = fixture.get(path + "?score=9");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("text/html").contains("utf-8"));
    assertThat(page.body()).contains("<html lang=\"en\">")
        .contains("How likely are you to recommend Acme &amp; Sons to a friend or colleague?")
        .contains("<input type=\"radio\" id=\"score-9\" name=\"score\" value=\"9\" required checked>")
        .contains("<label for=\"score-0\">0</label>").contains("<label for=\"score-10\">10</label>")
        .contains("<textarea id=\"comment\" name=\"comment\" rows=\"5\" maxlength=\"2000\"")
        .contains("name=\"csrf\"").contains("<button type=\"submit\">Send my answer</button>")
        .doesNotContain("<script");
    assertThat(page.body().split("type=\"radio\"", -1)).hasSize(12);
    assertThat(view().score()).isEmpty();
    assertThat(writebacks()).isEmpty();
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    for (HttpResponse<String> response : java.util.List.of(fixture.get(path), fixture.get("/nowhere"),
        fixture.get("/s/forged.token"))) {
      assertThat(response.headers().firstValue("Content-Security-Policy")).contains(SurveyServer.CSP);
      assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("frame-ancestors 'none'").contains("default-src 'none'").doesNotContain("unsafe");
      assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
      assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
  }

  @Test
  void postingAScoreAndCommentStoresTheAnswerQueuesItsWriteBackAndThanks() {
    String csrf = csrf(fixture.get(path + "?score=9").body());

    HttpResponse<String> posted = fixture.post(path, form("csrf", csrf, "score", "9", "comment",
        "  Quick and friendly\r\nsupport  "));

    assertThat(posted.statusCode()).isEqualTo(303);
    assertThat(posted.headers().firstValue("Location")).contains(path + "/thanks");
    SurveyView view = view();
    assertThat(view.score()).contains(9);
    assertThat(view.comment()).contains("Quick and friendly\nsupport");
    assertThat(writebacks()).extracting(WritebackRepository.Item::coalesceKey).contains("contact:c-1");
    HttpResponse<String> thanks = fixture.get(path + "/thanks");
    assertThat(thanks.statusCode()).isEqualTo(200);
    assertThat(thanks.body()).contains("Thank you! Your answer helps Acme &amp; Sons improve.")
        .contains("<strong>9</strong>").contains("Quick and friendly\nsupport");
  }

  @Test
  void submittingAgainUpdatesTheSameAnswer() {
    String csrf = csrf(fixture.get(path).body());
    fixture.post(path, form("csrf", csrf, "score", "3", "comment", "slow"));

    HttpResponse<String> again = fixture.post(path, form("csrf", csrf, "score", "8", "comment", "better now"));

    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(view().score()).contains(8);
    assertThat(view().comment()).contains("better now");
    assertThat(fixture.engine.surveyView(invitation.id()).orElseThrow().invitationId()).isEqualTo(invitation.id());
    assertThat(fixture.get(path).body()).contains("value=\"8\" required checked").contains(">better now</textarea>")
        .contains("Update my answer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"11", "-1", "7.5", "abc", "", "9 ", "09"})
  void anythingButAWholeScoreFrom0To10IsRefusedAndNothingStored(String score) {
    String csrf = csrf(fixture.get(path).body());

    HttpResponse<String> posted = fixture.post(path, form("csrf", csrf, "score", score, "comment", "kept text"));

    assertThat(posted.statusCode()).isEqualTo(400);
    assertThat(posted.body()).contains("Please choose a score from 0 to 10.").contains(">kept text</textarea>");
    assertThat(view().score()).isEmpty();
    assertThat(writebacks()).isEmpty();
  }

  @Test
  void aBadScoreInTheLinkShowsTheFormWithNothingChosen() {
    HttpResponse<String> page = fixture.get(path + "?score=11");

    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).doesNotContain("checked").contains("Please choose a score from 0 to 10.");
  }

  @Test
  void anOversizedCommentIsRefusedAndNothingStored() {
    String csrf = csrf(fixture.get(path).body());

    HttpResponse<String> posted = fixture.post(path, form("csrf", csrf, "score", "6", "comment", "x".repeat(2001)));

    assertThat(posted.statusCode()).isEqualTo(400);
    assertThat(posted.body()).contains("At most 2000 characters.");
    assertThat(view().score()).isEmpty();
  }

  @Test
  void aBodyBeyondTheLimitIsRefusedWithAPage() {
    String csrf = csrf(fixture.get(path).body());

    HttpResponse<String> posted = fixture.post(path, form("csrf", csrf, "score", "6", "comment", "y".repeat(40_000)));

    assertThat(posted.statusCode()).isEqualTo(413);
    assertThat(posted.body()).startsWith("<!doctype html>").doesNotContain("Exception").doesNotContain("at io.");
    assertThat(view().score()).isEmpty();
  }

  @Test
  void aScriptTagInACommentIsShownEscapedOnEveryPageThatShowsIt() {
    String comment = "<script>alert('x')</script> & \"quotes\"";
    String csrf = csrf(fixture.get(path).body());
    fixture.post(path, form("csrf", csrf, "score", "2", "comment", comment));

    for (String page : java.util.List.of(fixture.get(path).body(), fixture.get(path + "/thanks").body())) {
      assertThat(page).doesNotContain("<script").doesNotContain(comment)
          .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;");
    }
    assertThat(view().comment()).contains(comment); // stored as the plain text it was
  }

  @Test
  void aPostWithoutTheCsrfFieldOrWithAnotherBrowsersFieldStoresNothing() {
    fixture.get(path); // the browser has its cookie

    HttpResponse<String> without = fixture.post(path, form("score", "9"));
    HttpResponse<String> foreign = fixture.post(path, form("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "score", "9"));
    HttpResponse<String> noCookie = fixture.send(HttpRequest.newBuilder(fixture.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form("csrf", csrf(fixture.get(path).body()), "score", "9"))));

    assertThat(without.statusCode()).isEqualTo(403);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(without.body()).contains("This page has expired");
    assertThat(noCookie.statusCode()).as("the client sends its cookie: %s", noCookie.body()).isEqualTo(303);
    // a client without the cookie (another browser) cannot use a field it copied
    java.net.http.HttpClient stranger = java.net.http.HttpClient.newHttpClient();
    HttpResponse<String> copied;
    try {
      copied = stranger.send(HttpRequest.newBuilder(fixture.url(path))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form("csrf", csrf(fixture.get(path).body()), "score", "1")))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(copied.statusCode()).isEqualTo(403);
    assertThat(view().score()).contains(9);
  }

  @Test
  void forgedAlteredAndOtherPurposeTokensGetAFriendlyPageAndStoreNothing() {
    String token = path.substring("/s/".length());
    String payload = token.substring(0, token.indexOf('.'));
    String signature = token.substring(token.indexOf('.') + 1);
    String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
        Base64.getUrlDecoder().decode(payload), StandardCharsets.US_ASCII).replace("|" + invitation.id() + "|",
        "|" + (invitation.id() + 1) + "|").getBytes(StandardCharsets.US_ASCII)) + "." + signature;
    String forged = payload + "." + "A".repeat(43);
    String unsubscribeToken = fixture.unsubscribePath(invitation).substring("/u/".length());

    for (String bad : java.util.List.of(altered, forged, unsubscribeToken, "not-a-token")) {
      HttpResponse<String> page = fixture.get("/s/" + bad + "?score=10");
      HttpResponse<String> posted = fixture.post("/s/" + bad, form("csrf", "x", "score", "10"));

      assertThat(page.statusCode()).as(bad).isEqualTo(404);
      assertThat(page.body()).contains("This link is not valid").doesNotContain("Exception");
      assertThat(posted.statusCode()).as(bad).isEqualTo(404);
    }
    assertThat(view().score()).isEmpty();
  }

  @Test
  void anExpiredLinkSaysTheSurveyClosedAndAReplayedFormStoresNothing() {
    String csrf = csrf(fixture.get(path).body());
    fixture.clock.set(invitation.expiresAt().orElseThrow().plus(Duration.ofMinutes(1)));

    HttpResponse<String> page = fixture.get(path);
    HttpResponse<String> replayed = fixture.post(path, form("csrf", csrf, "score", "10"));

    assertThat(page.statusCode()).isEqualTo(410);
    assertThat(page.body()).contains("This survey has closed");
    assertThat(replayed.statusCode()).isEqualTo(410);
    assertThat(view().score()).isEmpty();
  }

  @Test
  void theUnsubscribePageConfirmsByPostAndNeverOnGet() {
    String unsubscribe = fixture.unsubscribePath(invitation);

    HttpResponse<String> page = fixture.get(unsubscribe);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Stop receiving these surveys at c-1@example.com?").contains("method=\"post\"");
    assertThat(view().unsubscribed()).isFalse();
    assertThat(fixture.post(unsubscribe, form("confirm", "1")).statusCode()).as("without CSRF").isEqualTo(403);
    assertThat(view().unsubscribed()).isFalse();

    HttpResponse<String> done = fixture.post(unsubscribe, form("csrf", csrf(page.body())));

    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("You will not receive these surveys again.");
    assertThat(view().unsubscribed()).isTrue();
  }

  @Test
  void anUnsubscribeIsQueuedForTheCrmOnlyWhenTheConfigurationAsks() {
    String unsubscribe = fixture.unsubscribePath(invitation);
    fixture.post(unsubscribe, form("csrf", csrf(fixture.get(unsubscribe).body())));
    assertThat(writebacks()).isEmpty();

    fixture.close();
    fixture = new SurveyFixture(dir.resolve("opt-out"), 1000, new io.npsconnector.core.testing.RecordingChannel(),
        "writeback:\n  email-opt-out: true\n");
    invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    unsubscribe = fixture.unsubscribePath(invitation);
    fixture.post(unsubscribe, form("csrf", csrf(fixture.get(unsubscribe).body())));

    assertThat(writebacks()).singleElement().satisfies(item -> {
      assertThat(item.kind()).isEqualTo(WritebackRepository.Kind.EMAIL_OPT_OUT);
      assertThat(item.request()).isEqualTo(new io.npsconnector.core.spi.WriteRequest.EmailOptOut("opt-out:c-1", "c-1",
          java.util.Optional.of("c-1@example.com")));
    });
    assertThat(fixture.engine.flushWritebacks(SurveyFixture.CONNECTION).written()).isEqualTo(1);
    assertThat(fixture.crm.contact("c-1").orElseThrow().emailOptOut()).isTrue();
  }

  @Test
  void aMailClientsOneClickUnsubscribeWorksWithoutACookie() {
    String unsubscribe = fixture.unsubscribePath(invitation);
    java.net.http.HttpClient mailClient = java.net.http.HttpClient.newHttpClient();

    HttpResponse<String> done;
    try {
      done = mailClient.send(HttpRequest.newBuilder(fixture.url(unsubscribe))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }

    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(view().unsubscribed()).isTrue();
  }

  @Test
  void unknownRoutesAndMethodsGetAPageNeverAStackTrace() {
    for (HttpResponse<String> response : java.util.List.of(fixture.get("/nowhere"), fixture.get("/s/"),
        fixture.get("/s/" + "a".repeat(300)), fixture.send(HttpRequest.newBuilder(fixture.url(path))
            .method("PUT", HttpRequest.BodyPublishers.ofString("x"))))) {
      assertThat(response.statusCode()).as(response.uri().toString()).isBetween(400, 499);
      assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("Jetty");
    }
    String raw = raw("GET /s/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 4").doesNotContain("Exception").doesNotContain("at org.");
  }

  @Test
  void theSurveySpeaksTheContactsLanguage() {
    Invitation german = fixture.sentInvitation("c-2", "Jonas", Locale.GERMAN);

    HttpResponse<String> page = fixture.get(fixture.surveyPath(german));

    assertThat(page.body()).contains("<html lang=\"de\">")
        .contains("Wie wahrscheinlich ist es, dass Sie Acme &amp; Sons einem Freund oder Kollegen empfehlen?")
        .contains("Antwort senden");
  }

  @Test
  void theAnswerRoutesAreRateLimitedPerAddress() {
    fixture.close();
    fixture = new SurveyFixture(dir.resolve("limited"), 5);
    invitation = fixture.sentInvitation("c-9", "Bo", Locale.ENGLISH);
    String limited = fixture.surveyPath(invitation);

    for (int i = 0; i < 5; i++) {
      assertThat(fixture.get(limited).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> over = fixture.get(limited);

    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(over.headers().firstValue("Retry-After")).contains("60");
    assertThat(over.body()).contains("Too many requests");
    assertThat(fixture.get("/assets/survey.css").statusCode()).as("assets are not limited").isEqualTo(200);
  }

  /** A request as bytes on a socket, for what an HTTP client refuses to send. */
  private String raw(String request) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private SurveyView view() {
    return fixture.engine.surveyView(invitation.id()).orElseThrow();
  }

  private java.util.List<WritebackRepository.Item> writebacks() {
    return new WritebackRepository(fixture.database.jdbi()).forContact(SurveyFixture.CONNECTION, "c-1");
  }
}
