package io.npsconnector.core.delivery;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * The links a message carries, under {@code server.public-url}: the survey page ({@code /s/TOKEN}, with
 * {@code ?score=N} for a score chosen in the mail) and the unsubscribe page ({@code /u/TOKEN}). Unsubscribe
 * links keep working for a year after the survey's own expiry.
 */
public final class SurveyLinks {
  public static final String SURVEY_PATH = "/s/";
  public static final String UNSUBSCRIBE_PATH = "/u/";
  static final Duration UNSUBSCRIBE_GRACE = Duration.ofDays(365);

  private final String base;
  private final SurveyTokens tokens;

  public SurveyLinks(URI publicUrl, SurveyTokens tokens) {
    String text = publicUrl.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.tokens = tokens;
  }

  public URI survey(long invitationId, Instant expiresAt) {
    return URI.create(base + SURVEY_PATH + tokens.issue(invitationId, SurveyTokens.Purpose.SURVEY, expiresAt));
  }

  /** The survey page with {@code score} (0-10) already chosen. */
  public URI survey(long invitationId, Instant expiresAt, int score) {
    if (score < 0 || score > 10) {
      throw new IllegalArgumentException("score must be 0-10, got " + score);
    }
    return URI.create(survey(invitationId, expiresAt) + "?score=" + score);
  }

  public URI unsubscribe(long invitationId, Instant surveyExpiresAt) {
    return URI.create(base + UNSUBSCRIBE_PATH + tokens.issue(invitationId, SurveyTokens.Purpose.UNSUBSCRIBE,
        surveyExpiresAt.plus(UNSUBSCRIBE_GRACE)));
  }

  public SurveyTokens tokens() {
    return tokens;
  }
}
