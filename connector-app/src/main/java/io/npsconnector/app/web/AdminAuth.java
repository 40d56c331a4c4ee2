package io.npsconnector.app.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The admin's sign-in: the password from the configuration is kept only as a salted PBKDF2 hash, compared in
 * constant time; a sign-in opens a session (a random id in an HttpOnly cookie) that ends after
 * {@link #SESSION_LENGTH} or at sign-out. Guesses are throttled ({@link SignInThrottle}) per client address,
 * for the admin account and over all, with growing delays; a throttled attempt is not checked at all.
 */
final class AdminAuth {
  static final Duration SESSION_LENGTH = Duration.ofHours(8);
  static final String SESSION_COOKIE = "nps_session";
  /** The one account the configuration defines. */
  static final String ACCOUNT = "admin";
  private static final int ITERATIONS = 210_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] salt = new byte[16];
  private final byte[] hash;
  private final Clock clock;
  private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
  private final SignInThrottle throttle;

  AdminAuth(String password, Clock clock) {
    this(password, clock, SignInThrottle.standard(clock));
  }

  AdminAuth(String password, Clock clock, SignInThrottle throttle) {
    RANDOM.nextBytes(salt);
    this.hash = pbkdf2(password);
    this.clock = clock;
    this.throttle = throttle;
  }

  /** How a sign-in went: a session, a wrong password (both empty), or too many attempts (a wait). */
  record SignIn(Optional<String> session, Optional<Duration> retryAfter) {}

  /** A new session id when the password is right and {@code address} and the account may try now. */
  SignIn signIn(String address, String password) {
    Optional<Duration> wait = throttle.attempt(ACCOUNT, address);
    if (wait.isPresent()) {
      return new SignIn(Optional.empty(), wait);
    }
    if (password == null || !MessageDigest.isEqual(hash, pbkdf2(password))) {
      return new SignIn(Optional.empty(), Optional.empty());
    }
    throttle.succeeded(ACCOUNT, address);
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    String session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    sessions.put(session, clock.instant().plus(SESSION_LENGTH));
    sessions.entrySet().removeIf(entry -> entry.getValue().isBefore(clock.instant()));
    return new SignIn(Optional.of(session), Optional.empty());
  }

  boolean valid(String session) {
    if (session == null) {
      return false;
    }
    Instant until = sessions.get(session);
    return until != null && until.isAfter(clock.instant());
  }

  void signOut(String session) {
    if (session != null) {
      sessions.remove(session);
    }
  }

  private byte[] pbkdf2(String password) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
