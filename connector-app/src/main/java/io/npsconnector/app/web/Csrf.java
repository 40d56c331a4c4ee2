package io.npsconnector.app.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import io.javalin.http.Context;
import io.npsconnector.core.delivery.SurveyTokens;

/**
 * CSRF protection for every form: a random {@code nps_csrf} cookie ({@code HttpOnly}, {@code SameSite=Strict},
 * {@code Secure} behind https) and, in the form, a MAC of that cookie and the form's scope (the page's token,
 * or {@code admin}). A POST must carry both, matching.
 */
final class Csrf {
  static final String COOKIE = "nps_csrf";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SurveyTokens tokens;
  private final boolean secureCookies;

  Csrf(SurveyTokens tokens, boolean secureCookies) {
    this.tokens = tokens;
    this.secureCookies = secureCookies;
  }

  /** The form field for this browser and scope, setting the cookie first if the browser has none. */
  String field(Context ctx, String scope) {
    String cookie = ctx.cookie(COOKIE);
    if (cookie == null || cookie.length() < 20 || cookie.length() > 64) {
      byte[] random = new byte[24];
      RANDOM.nextBytes(random);
      cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      ctx.header("Set-Cookie", cookie(COOKIE, cookie, 86_400));
    }
    return tokens.sign("csrf|" + cookie + "|" + scope);
  }

  boolean valid(Context ctx, String scope) {
    String cookie = ctx.cookie(COOKIE);
    String field = ctx.formParam("csrf");
    if (cookie == null || field == null) {
      return false;
    }
    String expected = tokens.sign("csrf|" + cookie + "|" + scope);
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        field.getBytes(StandardCharsets.US_ASCII));
  }

  /** A {@code Set-Cookie} value with this server's attributes. */
  String cookie(String name, String value, long maxAgeSeconds) {
    return name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
        + (secureCookies ? "; Secure" : "");
  }
}
