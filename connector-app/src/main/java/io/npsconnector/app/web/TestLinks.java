package io.npsconnector.app.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.npsconnector.core.delivery.MailLinks;
import io.npsconnector.core.delivery.SurveyTokens;

/**
 * The links of a preview or test mail: {@code /t/TOKEN} (with {@code ?score=N}) and {@code /t/TOKEN/u}, a test
 * survey page that stores nothing. The token names the trigger and the language and is signed with
 * {@code server.token-secret} (under a prefix of its own, so it is never a survey token); it expires after
 * {@link #VALIDITY}.
 */
public final class TestLinks {
  public static final String PATH = "/t/";
  static final Duration VALIDITY = Duration.ofDays(7);
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{8,400}\\.[A-Za-z0-9_-]{43}");
  private static final String VERSION = "t1";

  private final String base;
  private final SurveyTokens tokens;
  private final Clock clock;

  public TestLinks(URI publicUrl, SurveyTokens tokens, Clock clock) {
    String text = publicUrl.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.tokens = tokens;
    this.clock = clock;
  }

  /** What a test link says: the trigger and the language its page is in. */
  record Claims(String trigger, String languageTag) {}

  /** The links of a test mail of {@code trigger} in {@code languageTag}. */
  public MailLinks mailLinks(String trigger, String languageTag) {
    String token = token(trigger, languageTag);
    List<URI> scores = new ArrayList<>(11);
    for (int score = 0; score <= 10; score++) {
      scores.add(URI.create(base + PATH + token + "?score=" + score));
    }
    return new MailLinks(scores, URI.create(base + PATH + token + "/u"));
  }

  String token(String trigger, String languageTag) {
    String payload = VERSION + "|" + trigger + "|" + languageTag + "|"
        + clock.instant().plus(VALIDITY).getEpochSecond();
    String encoded = ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return encoded + "." + tokens.sign("test|" + encoded);
  }

  /** The claims of a genuine, unexpired test token; empty for anything else. */
  Optional<Claims> verify(String token) {
    if (token == null || !SHAPE.matcher(token).matches()) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    String encoded = token.substring(0, dot);
    if (!MessageDigest.isEqual(token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII),
        tokens.sign("test|" + encoded).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    String[] parts = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8).split("\\|");
    if (parts.length != 4 || !parts[0].equals(VERSION)
        || !clock.instant().isBefore(Instant.ofEpochSecond(Long.parseLong(parts[3])))) {
      return Optional.empty();
    }
    return Optional.of(new Claims(parts[1], parts[2]));
  }
}
