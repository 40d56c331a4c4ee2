package io.npsconnector.app.demo;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/**
 * Simulated respondents: each opens a captured survey mail, and a realistic share of them answer through the
 * real survey pages over HTTP, as a browser would. Most click the score link in the mail and send the form (with its
 * CSRF field, cookie and a comment); some answer by the click alone, as the page's one-click script does for a
 * person: the page reports the linked score, and either a gesture on the page confirms it or the respondent
 * leaves and the grace period ({@code server.one-click-grace}) confirms it. Deterministic for a seed.
 */
final class Respondents {
  private static final Pattern SCORE_LINK = Pattern.compile("(https?://[^\\s\"<>]+/s/[A-Za-z0-9_.-]+)\\?score=(\\d+)");
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern ONE_CLICK = Pattern.compile("data-one-click=\"([^\"]+)\"");
  private static final Pattern CLICK = Pattern.compile("data-click=\"([^\"]+)\"");
  /** A browser's: the pages run the one-click script only for a person's browser, not for a link scanner. */
  private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
  /** Of those who answer: the share who answer by the click and a gesture, and who click and leave. */
  private static final double BY_GESTURE = 0.3;
  private static final double BY_LEAVING = 0.15;
  /** Scores 0..10 weighted like a B2B programme with an NPS around +30. */
  private static final int[] WEIGHTS = {1, 1, 1, 2, 2, 4, 5, 10, 16, 22, 20};
  private static final Map<String, List<String>> COMMENTS = Map.of(
      "detractor", List.of("Support took days to answer.", "The invoice was wrong twice.", "Setup was harder "
          + "than promised.", ""),
      "passive", List.of("Works, but the reporting could be better.", "Fine overall.", ""),
      "promoter", List.of("Great onboarding, thank you!", "The team is always helpful.", "Saves us hours every "
          + "week.", ""));

  /** How a respondent answered (or did not). */
  enum Way {
    NONE,
    /** The score link, then the form. */
    FORM,
    /** The score link, then a gesture on its page. */
    GESTURE,
    /** The score link, then left the page: the score is provisional until its grace period passes. */
    LEFT
  }

  /** What one respondent did; {@code answered}: the answer is recorded (one left provisional is not yet). */
  record Outcome(String address, boolean answered, int score, int status, Way way) {}

  private final URI server;
  private final double answerShare;
  private final long seed;
  private final boolean mayLeave;

  /**
   * @param server where the survey pages really are (links in the mails may name the public URL instead)
   * @param answerShare the share of respondents who answer, 0 to 1
   * @param mayLeave whether some leave the page after the click (the caller lets their grace period pass)
   */
  Respondents(URI server, double answerShare, long seed, boolean mayLeave) {
    this.server = server;
    this.answerShare = answerShare;
    this.seed = seed;
    this.mayLeave = mayLeave;
  }

  List<Outcome> respond(List<MimeMessage> mails) throws IOException, MessagingException, InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    for (MimeMessage mail : mails) {
      String address = mail.getAllRecipients()[0].toString();
      Random random = new Random(seed ^ address.hashCode() ^ mail.getMessageID().hashCode());
      if (random.nextDouble() >= answerShare) {
        outcomes.add(new Outcome(address, false, -1, 0, Way.NONE));
        continue;
      }
      int score = score(random);
      String link = link(text(mail), score);
      if (link == null) {
        outcomes.add(new Outcome(address, false, score, 0, Way.NONE));
        continue;
      }
      double way = random.nextDouble();
      if (way < BY_GESTURE + (mayLeave ? BY_LEAVING : 0)) {
        outcomes.add(click(address, link, score, way < BY_GESTURE));
      } else {
        outcomes.add(answer(address, link, score, random));
      }
    }
    return outcomes;
  }

  private Outcome answer(String address, String link, int score, Random random)
      throws IOException, InterruptedException {
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    URI mailed = URI.create(link);
    URI page = server.resolve(mailed.getRawPath() + "?" + mailed.getRawQuery());
    HttpResponse<String> form = browser.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher csrf = CSRF.matcher(form.body());
    if (form.statusCode() != 200 || !csrf.find()) {
      return new Outcome(address, false, score, form.statusCode(), Way.NONE);
    }
    String category = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
    List<String> comments = COMMENTS.get(category);
    String body = "csrf=" + encode(csrf.group(1)) + "&score=" + score + "&comment="
        + encode(comments.get(random.nextInt(comments.size())));
    HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(server.resolve(mailed.getRawPath()))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    return new Outcome(address, posted.statusCode() == 303, score, posted.statusCode(), Way.FORM);
  }

  /**
   * Opens the score link in a browser and does what the page's one-click script does: reports the linked score
   * and, at a gesture, confirms it; one who leaves confirms nothing.
   */
  private Outcome click(String address, String link, int score, boolean gesture)
      throws IOException, InterruptedException {
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    URI mailed = URI.create(link);
    HttpResponse<String> page = browser.send(HttpRequest.newBuilder(server.resolve(mailed.getRawPath() + "?"
        + mailed.getRawQuery())).header("User-Agent", BROWSER).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher csrf = CSRF.matcher(page.body());
    Matcher script = ONE_CLICK.matcher(page.body());
    Matcher click = CLICK.matcher(page.body());
    if (page.statusCode() != 200 || !csrf.find() || !script.find() || !click.find()) {
      return new Outcome(address, false, score, page.statusCode(), Way.NONE);
    }
    String body = "csrf=" + encode(csrf.group(1)) + "&score=" + score + "&click=" + encode(click.group(1))
        + "&action=";
    HttpResponse<String> reported = post(browser, script.group(1), body + "report");
    if (reported.statusCode() != 200 || !reported.body().contains("\"provisional\"")) {
      return new Outcome(address, false, score, reported.statusCode(), Way.NONE);
    }
    if (!gesture) {
      return new Outcome(address, false, score, reported.statusCode(), Way.LEFT);
    }
    HttpResponse<String> confirmed = post(browser, script.group(1), body + "confirm");
    return new Outcome(address, confirmed.statusCode() == 200 && confirmed.body().contains("\"confirmed\""), score,
        confirmed.statusCode(), Way.GESTURE);
  }

  /** The one-click script's request: same-origin, with the page's cookie. */
  private HttpResponse<String> post(HttpClient browser, String path, String body)
      throws IOException, InterruptedException {
    return browser.send(HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(10))
        .header("User-Agent", BROWSER).header("Sec-Fetch-Site", "same-origin")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int score(Random random) {
    int total = 0;
    for (int weight : WEIGHTS) {
      total += weight;
    }
    int pick = random.nextInt(total);
    for (int score = 0; score < WEIGHTS.length; score++) {
      pick -= WEIGHTS[score];
      if (pick < 0) {
        return score;
      }
    }
    return 10;
  }

  /** The mail's link for {@code score}. */
  static String link(String text, int score) {
    Matcher matcher = SCORE_LINK.matcher(text);
    while (matcher.find()) {
      if (Integer.parseInt(matcher.group(2)) == score) {
        return matcher.group(1) + "?score=" + score;
      }
    }
    return null;
  }

  /** The plain-text part of a mail (or its whole text when it has no parts). */
  static String text(MimeMessage mail) throws IOException, MessagingException {
    Object content = mail.getContent();
    if (content instanceof Multipart multipart) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart part = multipart.getBodyPart(i);
        if (part.isMimeType("text/plain") || part.isMimeType("text/html")) {
          text.append(part.getContent()).append('\n');
        }
      }
      return text.toString();
    }
    return String.valueOf(content);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
