package io.npsconnector.core.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed, expiring tokens in survey and unsubscribe links: {@code payload.signature}, both base64url,
 * the payload naming the invitation, what the token is for and when it expires, the signature an
 * HMAC-SHA256 with the configured {@code server.token-secret}. A token for one purpose never works for
 * another, an altered payload fails the signature, and an expired token is refused even when genuine. A token
 * has one spelling: the signature must be the canonical encoding of the MAC.
 * Thread-safe.
 */
public final class SurveyTokens {
  private static final String VERSION = "v1";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{8,200}\\.[A-Za-z0-9_-]{43}");

  /** What a token lets its holder do. */
  public enum Purpose {
    SURVEY("s"), UNSUBSCRIBE("u");

    private final String code;

    Purpose(String code) {
      this.code = code;
    }
  }

  /** What a genuine token says. */
  public record Claims(long invitationId, Purpose purpose, Instant expiresAt) {}

  /** Why a token was refused; {@link #reason()} is safe to log, never to show to a respondent. */
  public static final class InvalidToken extends RuntimeException {
    private final Reason reason;

    InvalidToken(Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }

  /** The kinds of refusal. */
  public enum Reason { MALFORMED, FORGED, WRONG_PURPOSE, EXPIRED }

  private final byte[] key;
  private final Clock clock;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public SurveyTokens(String secret, Clock clock) {
    if (secret.length() < 32) {
      throw new IllegalArgumentException("the token secret must be at least 32 characters long");
    }
    this.key = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** A token for one invitation and purpose, valid until {@code expiresAt} (to the second). */
  public String issue(long invitationId, Purpose purpose, Instant expiresAt) {
    String payload = VERSION + "|" + invitationId + "|" + purpose.code + "|" + expiresAt.getEpochSecond();
    String encoded = ENCODER.encodeToString(payload.getBytes(StandardCharsets.US_ASCII));
    return encoded + "." + ENCODER.encodeToString(mac(encoded));
  }

  /**
   * The token's claims, if it is genuine, for {@code purpose} and not expired.
   *
   * @throws InvalidToken otherwise, with the reason
   */
  public Claims verify(String token, Purpose purpose) {
    if (token == null || !SHAPE.matcher(token).matches()) {
      throw new InvalidToken(Reason.MALFORMED, "not a survey token");
    }
    int dot = token.indexOf('.');
    String encoded = token.substring(0, dot);
    // compared as text, not as decoded bytes: base64url leaves two bits of the last character unused, and a
    // decoder ignores them, so four spellings of one signature would pass
    String signature = token.substring(dot + 1);
    if (!MessageDigest.isEqual(signature.getBytes(StandardCharsets.US_ASCII),
        ENCODER.encodeToString(mac(encoded)).getBytes(StandardCharsets.US_ASCII))) {
      throw new InvalidToken(Reason.FORGED, "the token's signature does not match");
    }
    String[] parts = new String(DECODER.decode(encoded), StandardCharsets.US_ASCII).split("\\|");
    if (parts.length != 4 || !parts[0].equals(VERSION)) {
      throw new InvalidToken(Reason.MALFORMED, "a token of an unknown version");
    }
    if (!parts[2].equals(purpose.code)) {
      throw new InvalidToken(Reason.WRONG_PURPOSE, "the token is not for " + purpose.name().toLowerCase());
    }
    long invitationId = Long.parseLong(parts[1]);
    Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[3]));
    if (!clock.instant().isBefore(expiresAt)) {
      throw new InvalidToken(Reason.EXPIRED, "the token expired at " + expiresAt);
    }
    return new Claims(invitationId, purpose, expiresAt);
  }

  /** An HMAC of {@code text} under this secret, for values derived from a token (CSRF fields). */
  public String sign(String text) {
    return ENCODER.encodeToString(mac(text));
  }

  private byte[] mac(String text) {
    return macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8)); // doFinal leaves it ready for the next
  }

  /** A MAC under this secret, made once per thread (a mail signs a dozen links). */
  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
