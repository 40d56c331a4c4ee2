package io.npsconnector.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import io.npsconnector.core.testing.TestClock;

class SurveyTokensTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final Instant NOW = Instant.parse("2026-03-10T10:00:00Z");
  private final TestClock clock = new TestClock(NOW);
  private final SurveyTokens tokens = new SurveyTokens(SECRET, clock);
  private final Instant expires = NOW.plus(Duration.ofDays(14));

  @Test
  void aGenuineTokenNamesItsInvitationPurposeAndExpiry() {
    String token = tokens.issue(42, SurveyTokens.Purpose.SURVEY, expires);

    SurveyTokens.Claims claims = tokens.verify(token, SurveyTokens.Purpose.SURVEY);

    assertThat(claims).isEqualTo(new SurveyTokens.Claims(42, SurveyTokens.Purpose.SURVEY, expires));
    assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
  }

  @Test
  void anotherSecretAnAlteredPayloadOrAnAlteredSignatureIsForged() {
    String token = tokens.issue(42, SurveyTokens.Purpose.SURVEY, expires);
    String payload = token.substring(0, token.indexOf('.'));
    String signature = token.substring(token.indexOf('.') + 1);
    String otherInvitation = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
        Base64.getUrlDecoder().decode(payload), StandardCharsets.US_ASCII).replace("|42|", "|43|")
        .getBytes(StandardCharsets.US_ASCII)) + "." + signature;
    String flipped = payload + "." + (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1);

    for (String forged : new String[] {otherInvitation, flipped,
        new SurveyTokens("another-secret-of-32-characters!!", clock).issue(42, SurveyTokens.Purpose.SURVEY, expires)}) {
      assertThatThrownBy(() -> tokens.verify(forged, SurveyTokens.Purpose.SURVEY))
          .isInstanceOfSatisfying(SurveyTokens.InvalidToken.class, e ->
              assertThat(e.reason()).isEqualTo(SurveyTokens.Reason.FORGED));
    }
  }

  @Test
  void aTokenHasOneSpellingThoughBase64LeavesTheLastCharactersLowBitsUnused() {
    String token = tokens.issue(42, SurveyTokens.Purpose.SURVEY, expires);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = token.charAt(token.length() - 1);
    int index = alphabet.indexOf(last);
    // 32 bytes are 43 characters carrying 258 bits: the last character's two low bits are padding
    java.util.List<String> sameBytes = new java.util.ArrayList<>();
    for (int low = 0; low < 4; low++) {
      char spelling = alphabet.charAt(index - index % 4 + low);
      if (spelling != last) {
        sameBytes.add(token.substring(0, token.length() - 1) + spelling);
      }
    }

    assertThat(sameBytes).hasSize(3).allSatisfy(variant -> assertThat(Base64.getUrlDecoder()
        .decode(variant.substring(variant.indexOf('.') + 1))).isEqualTo(Base64.getUrlDecoder()
        .decode(token.substring(token.indexOf('.') + 1))));
    for (String variant : sameBytes) {
      assertThatThrownBy(() -> tokens.verify(variant, SurveyTokens.Purpose.SURVEY))
          .isInstanceOfSatisfying(SurveyTokens.InvalidToken.class, e ->
              assertThat(e.reason()).isEqualTo(SurveyTokens.Reason.FORGED));
    }
    assertThat(tokens.verify(token, SurveyTokens.Purpose.SURVEY).invitationId()).isEqualTo(42);
  }

  @Test
  void aTokenForOnePurposeDoesNotWorkForTheOther() {
    String unsubscribe = tokens.issue(42, SurveyTokens.Purpose.UNSUBSCRIBE, expires);

    assertThatThrownBy(() -> tokens.verify(unsubscribe, SurveyTokens.Purpose.SURVEY))
        .isInstanceOfSatisfying(SurveyTokens.InvalidToken.class, e ->
            assertThat(e.reason()).isEqualTo(SurveyTokens.Reason.WRONG_PURPOSE));
  }

  @Test
  void aGenuineTokenExpiresAtItsSecond() {
    String token = tokens.issue(42, SurveyTokens.Purpose.SURVEY, expires);
    clock.set(expires.minusSeconds(1));
    assertThat(tokens.verify(token, SurveyTokens.Purpose.SURVEY).invitationId()).isEqualTo(42);

    clock.set(expires);

    assertThatThrownBy(() -> tokens.verify(token, SurveyTokens.Purpose.SURVEY))
        .isInstanceOfSatisfying(SurveyTokens.InvalidToken.class, e ->
            assertThat(e.reason()).isEqualTo(SurveyTokens.Reason.EXPIRED));
  }

  @Test
  void garbageIsMalformed() {
    for (String garbage : new String[] {null, "", "abc", "a.b", "x".repeat(500), "../../etc/passwd",
        "AAAAAAAA." + "A".repeat(42) + "=", Base64.getUrlEncoder().withoutPadding().encodeToString(
            "v2|42|s|99999999999".getBytes(StandardCharsets.US_ASCII))}) {
      assertThatThrownBy(() -> tokens.verify(garbage, SurveyTokens.Purpose.SURVEY))
          .isInstanceOf(SurveyTokens.InvalidToken.class);
    }
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> new SurveyTokens("too-short", clock)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void linksCarryTheTokensUnderThePublicUrl() {
    SurveyLinks links = new SurveyLinks(URI.create("https://nps.example.com/"), tokens);

    URI nine = links.survey(42, expires, 9);
    URI unsubscribe = links.unsubscribe(42, expires);

    assertThat(nine.toString()).startsWith("https://nps.example.com/s/").endsWith("?score=9");
    String surveyToken = nine.getRawPath().substring("/s/".length());
    assertThat(tokens.verify(surveyToken, SurveyTokens.Purpose.SURVEY).invitationId()).isEqualTo(42);
    SurveyTokens.Claims claims = tokens.verify(unsubscribe.getRawPath().substring("/u/".length()),
        SurveyTokens.Purpose.UNSUBSCRIBE);
    assertThat(claims.expiresAt()).isEqualTo(expires.plus(Duration.ofDays(365)));
    assertThatThrownBy(() -> links.survey(42, expires, 11)).isInstanceOf(IllegalArgumentException.class);
  }
}
