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
 * real survey pages over HTTP, as a browser would (the score link from the mail, then the form with its CSRF
 * field and cookie). Deterministic for a seed.
 */
final class Respondents {
  private static final Pattern SCORE_LINK = Pattern.compile("(https?://[^\\s\"<>]+/s/[A-Za-z0-9_.-]+)\\?score=(\\d+)");
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  /** Scores 0..10 weighted like a B2B programme with an NPS around +30. */
  private static final int[] WEIGHTS = {1, 1, 1, 2, 2, 4, 5, 10, 16, 22, 20};
  private static final Map<String, List<String>> COMMENTS = Map.of(
      "detractor", List.of("Support took days to answer.", "The invoice was wrong twice.", "Setup was harder "
          + "than promised.", ""),
      "passive", List.of("Works, but the reporting could be better.", "Fine overall.", ""),
      "promoter", List.of("Great onboarding, thank you!", "The team is always helpful.", "Saves us hours every "
          + "week.", ""));

  /** What one respondent did. */
  record Outcome(String address, boolean answered, int score, int status) {}

  private final URI server;
  private final double answerShare;
  private final long seed;

  /**
   * @param server where the survey pages really are (links in the mails may name the public URL instead)
   * @param answerShare the share of respondents who answer, 0 to 1
   */
  Respondents(URI server, double answerShare, long seed) {
    this.server = server;
    this.answerShare = answerShare;
    this.seed = seed;
  }

  List<Outcome> respond(List<MimeMessage> mails) throws IOException, MessagingException, InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    for (MimeMessage mail : mails) {
      String address = mail.getAllRecipients()[0].toString();
      Random random = new Random(seed ^ address.hashCode() ^ mail.getMessageID().hashCode());
      if (random.nextDouble() >= answerShare) {
        outcomes.add(new Outcome(address, false, -1, 0));
        continue;
      }
      int score = score(random);
      String link = link(text(mail), score);
      if (link == null) {
        outcomes.add(new Outcome(address, false, score, 0));
        continue;
      }
      outcomes.add(answer(address, link, score, random));
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
      return new Outcome(address, false, score, form.statusCode());
    }
    String category = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
    List<String> comments = COMMENTS.get(category);
    String body = "csrf=" + encode(csrf.group(1)) + "&score=" + score + "&comment="
        + encode(comments.get(random.nextInt(comments.size())));
    HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(server.resolve(mailed.getRawPath()))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    return new Outcome(address, posted.statusCode() == 303, score, posted.statusCode());
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
