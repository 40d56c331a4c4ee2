package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;

import io.npsconnector.config.BrandColour;
import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.store.Invitation;
import jakarta.mail.internet.MimeMessage;

/**
 * The brand on the survey pages (logo, brand.css with AA colours, the logo's origin in the CSP), the test survey
 * pages a test mail links to (they store nothing), and the dashboard's preview page with its test mail.
 */
class BrandingAndPreviewPagesTest {
  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(3025, "127.0.0.1", "smtp"));
  private static final String PASSWORD = "correct-horse-battery";
  private static final String BRANDING = """
      branding:
        logo-url: https://cdn.example.com/acme.png
        logo-width: 200
        logo-height: 40
        colour: "#FFFF00"
      """;

  @TempDir Path dir;
  private SurveyFixture fixture;

  @BeforeEach
  void start() {
    fixture = new SurveyFixture(dir, 1000, (config, links) -> EmailChannel.create(config, links,
        java.time.Clock.fixed(SurveyFixture.NOW, java.time.ZoneOffset.UTC)),
        BRANDING);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void theSurveyPagesShowTheLogoAndTheBrandColoursWithAaText() throws Exception {
    Invitation invitation = fixture.sentInvitation("c-1", "Ada", Locale.GERMAN);

    HttpResponse<String> page = fixture.get(fixture.surveyPath(invitation));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<img class=\"logo\" src=\"https://cdn.example.com/acme.png\" "
        + "alt=\"Acme &amp; Sons\" width=\"200\" height=\"40\">")
        .contains("<link rel=\"stylesheet\" href=\"/assets/brand.css\">");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("img-src 'self' https://cdn.example.com;").contains("default-src 'none'");
    HttpResponse<String> css = fixture.get("/assets/brand.css");
    assertThat(css.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
    String brand = value(css.body(), "--brand");
    String onBrand = value(css.body(), "--on-brand");
    String brandText = value(css.body(), "--brand-text");
    assertThat(brand).isEqualTo("#FFFF00");
    assertThat(contrast(onBrand, brand)).isGreaterThanOrEqualTo(4.5);
    assertThat(contrast(brandText, "#FFFFFF")).isGreaterThanOrEqualTo(4.5);
    assertThat(css.body()).contains("--logo-width: 200px; --logo-height: 40px;");
    // the mail that was sent is branded too
    assertThat(html(SMTP.getReceivedMessages()[0])).contains("src=\"https://cdn.example.com/acme.png\" "
        + "alt=\"Acme &amp; Sons\"");
  }

  @Test
  void aTestLinkOpensASurveyPageThatStoresNothing() {
    Invitation invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    String token = new TestLinks(fixture.config.server().publicUrl(), fixture.links.tokens(), fixture.clock)
        .token("post-purchase", "de");

    HttpResponse<String> page = fixture.get("/t/" + token + "?score=7");
    HttpResponse<String> answered = fixture.post("/t/" + token,
        form("csrf", csrf(page.body()), "score", "7", "comment", "Nur ein Test"));
    HttpResponse<String> noCsrf = fixture.post("/t/" + token, form("score", "7"));
    HttpResponse<String> unsubscribe = fixture.get("/t/" + token + "/u");
    HttpResponse<String> unsubscribed = fixture.post("/t/" + token + "/u", "List-Unsubscribe=One-Click");
    HttpResponse<String> forged = fixture.get("/t/" + token.substring(0, token.length() - 2) + "xx");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains(TestSurveyPages.NOTICE).contains("lang=\"de\"")
        .contains("value=\"7\" required checked").contains("img class=\"logo\"");
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.body()).contains(TestSurveyPages.NOTICE).contains("<strong>7</strong>")
        .contains("Nur ein Test");
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    assertThat(unsubscribe.body()).contains(TestSurveyPages.NOTICE).contains("action=\"/t/" + token + "/u\"");
    assertThat(unsubscribed.body()).contains(TestSurveyPages.NOT_UNSUBSCRIBED);
    assertThat(forged.statusCode()).isEqualTo(404);
    // nothing was stored: the one real invitation is still unanswered, nobody unsubscribed
    assertThat(count("answers")).isZero();
    assertThat(count("unsubscribes")).isZero();
    assertThat(count("invitations")).isEqualTo(1);
    assertThat(invitation.id()).isPositive();
  }

  @Test
  void thePreviewPageNeedsTheAdminAndShowsTheMailAndPagesInSandboxedFrames() {
    fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    assertThat(fixture.get("/admin/preview").headers().firstValue("Location")).contains("/admin/login");
    assertThat(fixture.get("/admin/preview/mail?trigger=post-purchase").statusCode()).isEqualTo(303);
    signIn();

    HttpResponse<String> page = fixture.get("/admin/preview?trigger=post-purchase&lang=de&contact=hubspot%3Ac-1");
    HttpResponse<String> mail = fixture.get("/admin/preview/mail?trigger=post-purchase&lang=de&contact=hubspot%3Ac-1");
    HttpResponse<String> survey = fixture.get("/admin/preview/page?trigger=post-purchase&lang=de&which=survey");
    HttpResponse<String> thanks = fixture.get("/admin/preview/page?trigger=post-purchase&lang=de&which=thanks");

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("<iframe class=\"mail-html\" sandbox=\"\" src=\"/admin/preview/mail?"
        + "trigger=post-purchase&amp;lang=de&amp;contact=hubspot%3Ac-1\"")
        .contains("hubspot:c-1 (Ada Tester)").contains("in de.").contains("Acme &amp; Sons");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-src 'self'");
    assertThat(mail.body()).contains("Hallo Ada").contains("cdn.example.com/acme.png").contains("/t/");
    assertThat(mail.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox;")
        .contains("img-src 'self' https://cdn.example.com;").doesNotContain("script");
    assertThat(mail.headers().firstValue("X-Frame-Options")).contains("SAMEORIGIN");
    assertThat(survey.body()).contains("href=\"/assets/brand.css\"").contains("<fieldset>")
        .doesNotContain(TestSurveyPages.NOTICE);
    assertThat(thanks.body()).contains("<strong>9</strong>");

    HttpResponse<String> unknown = fixture.get("/admin/preview?trigger=post-purchace");
    assertThat(unknown.body()).contains("no trigger is named &#39;post-purchace&#39; — did you mean "
        + "&#39;post-purchase&#39;?");
    HttpResponse<String> noContact = fixture.get("/admin/preview?trigger=post-purchase&contact=hubspot%3Anobody");
    assertThat(noContact.body()).contains("the store has no contact hubspot:nobody");
    HttpResponse<String> language = fixture.get("/admin/preview?trigger=post-purchase&lang=dee");
    assertThat(language.body()).contains("has no texts in &#39;dee&#39; — did you mean &#39;de&#39;?");
  }

  @Test
  void aTestMailFromTheDashboardIsSentMarkedAndCountsNowhere() throws Exception {
    fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    int sentBefore = SMTP.getReceivedMessages().length;
    long invitations = count("invitations");
    long history = count("invitation_history");
    signIn();
    String csrf = csrf(fixture.get("/admin/preview?trigger=post-purchase").body());

    HttpResponse<String> noCsrf = fixture.post("/admin/preview/send", form("trigger", "post-purchase",
        "to", "owner@acme.example"));
    HttpResponse<String> badAddress = fixture.post("/admin/preview/send", form("csrf", csrf, "trigger",
        "post-purchase", "to", "owner at acme"));
    HttpResponse<String> sent = fixture.post("/admin/preview/send", form("csrf", csrf, "trigger", "post-purchase",
        "lang", "fr", "contact", "hubspot:c-1", "to", "owner@acme.example"));

    assertThat(noCsrf.statusCode()).isEqualTo(403);
    assertThat(badAddress.statusCode()).isEqualTo(400);
    assertThat(badAddress.body()).contains("is not an e-mail address");
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
    assertThat(sent.body()).contains("Sent a test mail to owner@acme.example");
    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received).hasSize(sentBefore + 1);
    MimeMessage test = received[received.length - 1];
    assertThat(test.getAllRecipients()[0].toString()).isEqualTo("owner@acme.example");
    assertThat(test.getSubject()).startsWith("[TEST] ");
    assertThat(test.getHeader("X-NPS-Test")).containsExactly("true");
    assertThat(html(test)).contains("/t/").doesNotContain("/s/").contains("recommandiez Acme");
    assertThat(count("invitations")).isEqualTo(invitations);
    assertThat(count("invitation_history")).isEqualTo(history);
    assertThat(count("answers")).isZero();
  }

  private static String html(MimeMessage mail) throws Exception {
    jakarta.mail.internet.MimeMultipart parts = (jakarta.mail.internet.MimeMultipart) mail.getContent();
    for (int i = 0; i < parts.getCount(); i++) {
      if (parts.getBodyPart(i).isMimeType("text/html")) {
        return (String) parts.getBodyPart(i).getContent();
      }
    }
    throw new AssertionError("no HTML part");
  }

  private long count(String table) {
    return fixture.database.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM " + table)
        .mapTo(Long.class).one());
  }

  private void signIn() {
    HttpResponse<String> login = fixture.get("/admin/login");
    HttpResponse<String> signedIn = fixture.post("/admin/login", form("csrf", csrf(login.body()), "password",
        PASSWORD));
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
  }

  private static String value(String css, String property) {
    Matcher matcher = Pattern.compile(Pattern.quote(property) + ": (#[0-9A-F]{6});").matcher(css);
    assertThat(matcher.find()).as("%s in %s", property, css).isTrue();
    return matcher.group(1);
  }

  private static double contrast(String first, String second) {
    return BrandColour.contrast(BrandColour.parse(first).value(), BrandColour.parse(second).value());
  }
}
