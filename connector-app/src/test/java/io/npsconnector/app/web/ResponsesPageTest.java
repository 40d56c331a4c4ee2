package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;

/** The responses feed and the filters every dashboard figure follows, over HTTP. */
class ResponsesPageTest {
  @TempDir Path dir;
  private SurveyFixture fixture;

  @BeforeEach
  void start() {
    fixture = new SurveyFixture(dir.resolve("store"), 10_000);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void theFeedListsAnswersNewestFirstWithEverythingAboutThemAndALinkToTheRecord() {
    answer("c-1", "EMEA", 10, "Great <b>service</b>");
    answer("c-2", "apac", 3, "Too slow");
    signIn();

    HttpResponse<String> page = fixture.get("/admin/responses");

    assertThat(page.statusCode()).isEqualTo(200);
    String body = page.body();
    assertThat(body).contains("2 answers match").contains("Too slow").contains("Great &lt;b&gt;service&lt;/b&gt;")
        .contains("detractor").contains("promoter").contains("Ada c-2").contains("c-2@example.com")
        .contains("Firm of c-2").contains("Trigger post-purchase").contains("connection hubspot")
        .contains("region: apac").contains("2026-03-10 10:0")
        .contains("href=\"https://crm.example/hubspot/contacts/c-2\"");
    assertThat(body.indexOf("Too slow")).as("newest first").isLessThan(body.indexOf("Great"));
  }

  @Test
  void pagesOfFiftyFollowEachOtherWithoutRepeatsAndKeepTheFilters() {
    for (int i = 0; i < 52; i++) {
      answer("c-" + i, "EMEA", i % 2 == 0 ? 9 : 5, "comment number " + i + ".");
    }
    signIn();

    HttpResponse<String> first = fixture.get("/admin/responses?category=promoter");
    assertThat(first.body()).contains("26 answers match").contains("comment number 50.")
        .doesNotContain("comment number 51.");
    assertThat(count(first.body(), "<li class=\"response")).isEqualTo(26);

    HttpResponse<String> all = fixture.get("/admin/responses");
    assertThat(count(all.body(), "<li class=\"response")).isEqualTo(50);
    String next = next(all.body()).orElseThrow();
    assertThat(next).startsWith("/admin/responses?after=");
    HttpResponse<String> second = fixture.get(next.replace("&amp;", "&"));
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(count(second.body(), "<li class=\"response")).isEqualTo(2);
    assertThat(second.body()).contains("comment number 1.").contains("comment number 0.")
        .contains("Back to the newest");
    assertThat(next(second.body())).isEmpty();

    HttpResponse<String> filteredNext = fixture.get("/admin/responses?category=detractor&q=NUMBER");
    assertThat(next(filteredNext.body())).as("26 detractors: one page").isEmpty();
  }

  @Test
  void searchIgnoresCaseAndTreatsWildcardsAsText() {
    answer("c-1", "EMEA", 10, "100% right");
    answer("c-2", "EMEA", 2, "1000 problems");
    signIn();

    assertThat(fixture.get("/admin/responses?q=100%25").body()).contains("1 answer match").contains("100% right")
        .doesNotContain("1000 problems");
    assertThat(fixture.get("/admin/responses?q=PROBLEMS").body()).contains("1000 problems")
        .doesNotContain("100% right");
    assertThat(fixture.get("/admin/responses?q=nothing+like+it").body())
        .contains("No answers match these filters.");
  }

  @Test
  void caseVariantsOfASegmentAreOneGroupShownWithTheCrmsLabel() {
    answer("c-1", "EMEA", 10, "");
    answer("c-2", "emea", 9, "");
    answer("c-3", "Emea ", 0, "");
    answer("c-4", "APAC", 0, "");
    signIn();

    HttpResponse<String> dashboard = fixture.get("/admin?segment.region=eMeA");
    assertThat(dashboard.statusCode()).isEqualTo(200);
    assertThat(dashboard.body()).contains("<div class=\"value\">+33</div>") // 2 promoters, 1 detractor
        .contains("Filtered: region EMEA").contains("<th scope=\"row\">EMEA</th><td>+33</td>");

    fixture.crm.segmentLabels(Map.of("region", Map.of("emea", "Europe, Middle East and Africa")));
    fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION);

    HttpResponse<String> labelled = fixture.get("/admin");
    assertThat(labelled.body()).contains("<th scope=\"row\">Europe, Middle East and Africa</th><td>+33</td><td>")
        .contains("<th scope=\"row\">APAC</th>")
        .contains("<option value=\"emea\">Europe, Middle East and Africa</option>");
    assertThat(fixture.get("/admin/responses?segment.region=EMEA").body()).contains("3 answers match")
        .contains("region: Europe, Middle East and Africa");
  }

  @Test
  void everyFigureFollowsTheFiltersAndAnEmptyResultSaysSo() {
    answer("c-1", "EMEA", 10, "fine");
    answer("c-2", "EMEA", 2, "bad");
    signIn();

    HttpResponse<String> detractors = fixture.get("/admin?category=detractor");
    assertThat(detractors.body()).contains("<div class=\"value\">-100</div>").contains("<div class=\"value\">1</div>")
        .contains("Filtered: detractors").contains("not defined for a category")
        .contains("href=\"/admin/responses?category=detractor\"");
    HttpResponse<String> none = fixture.get("/admin?from=2025-01-01&to=2025-01-31&period=month");
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.body()).contains("No answers match these filters.").contains("NPS over time by month, 2025-01-01 to 2025-01-31");
    assertThat(fixture.get("/admin/answers.csv?category=detractor").body()).contains("bad").doesNotContain("fine");
  }

  @Test
  void aFilterValueTheDashboardCannotUseIsA400NamingTheParameter() {
    signIn();
    Map<String, String> refused = Map.of(
        "/admin?from=2026-13-01", "Filter \u2018from\u2019",
        "/admin/responses?to=yesterday", "Filter \u2018to\u2019",
        "/admin?from=2026-03-10&to=2026-03-01", "Filter \u2018from\u2019",
        "/admin?period=year", "Filter \u2018period\u2019",
        "/admin?category=angry", "Filter \u2018category\u2019",
        "/admin?trigger=nope", "Filter \u2018trigger\u2019",
        "/admin?connection=salesforce", "Filter \u2018connection\u2019",
        "/admin?segment.planet=mars", "Filter \u2018segment.planet\u2019",
        "/admin/responses?after=garbage", "Filter \u2018after\u2019",
        "/admin?category=promoter&category=passive", "Filter \u2018category\u2019");
    refused.forEach((path, message) -> {
      HttpResponse<String> response = fixture.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(400);
      assertThat(response.body()).as(path).contains(message);
    });
    assertThat(fixture.get("/admin?trigger=nope").body()).contains("known: post-purchase");
    assertThat(fixture.get("/admin?trigger=post-purchase&period=quarter").statusCode()).isEqualTo(200);
  }

  @Test
  void theTrendShowsEachPeriodsNAndCallsTooSmallPeriodsSo() {
    answer("c-1", "EMEA", 10, "");
    signIn();

    String body = fixture.get("/admin?period=month&from=2026-01-01&to=2026-03-31").body();
    assertThat(body).contains("NPS over time by month, 2026-01-01 to 2026-03-31 (UTC)")
        .contains("<th scope=\"row\">2026-03</th><td>+100</td>").contains("1 (too small)")
        .contains("<th scope=\"row\">2026-01</th><td>—</td><td>—</td><td>0</td>")
        .contains("From 2026-02 (n=0) to 2026-03 (n=1): no change to show")
        .contains("class=\"small\"").contains("n=1, too small to compare");
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  private static Optional<String> next(String body) {
    Matcher matcher = Pattern.compile("<a class=\"next\" href=\"([^\"]+)\"").matcher(body);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  /** A contact of {@code region} invited, sent and answering a minute after the previous one. */
  private void answer(String contactId, String region, int score, String comment) {
    fixture.clock.advance(Duration.ofMinutes(1));
    fixture.crm.putContact(Contact.builder(contactId, fixture.clock.instant().minusSeconds(30))
        .email(contactId + "@example.com").firstName("Ada").lastName(contactId).account("acct-" + contactId,
            "Firm of " + contactId).segment("region", region).build());
    fixture.crm.addEvent(new InteractionEvent("deal-" + contactId, EventKind.PURCHASE,
        fixture.clock.instant().minusSeconds(60), List.of(contactId), Map.of("amount", "100")));
    fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION);
    InvitationRepository invitations = new InvitationRepository(fixture.database.jdbi());
    Invitation scheduled = invitations.forContact(SurveyFixture.CONNECTION, contactId).stream()
        .filter(invitation -> invitation.state() == InvitationState.SCHEDULED).findFirst().orElseThrow();
    fixture.engine.send(scheduled.id());
    fixture.engine.answer(scheduled.id(), score, comment.isEmpty() ? Optional.empty() : Optional.of(comment));
  }

  private void signIn() {
    HttpResponse<String> login = fixture.get("/admin/login");
    HttpResponse<String> signedIn = fixture.post("/admin/login", form("csrf", csrf(login.body()), "password",
        "correct-horse-battery"));
    assertThat(signedIn.statusCode()).isEqualTo(303);
  }
}
