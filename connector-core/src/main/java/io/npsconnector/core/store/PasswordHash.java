package io.npsconnector.core.store;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A password kept only as a salted PBKDF2-HMAC-SHA256 hash: its own random salt, the iteration count it was made
 * with (so a later, higher count leaves stored hashes readable) and the hash, compared in constant time.
 *
 * @param salt Base64 of the 16 random bytes
 * @param hash Base64 of the 256-bit derived key
 */
public record PasswordHash(String salt, int iterations, String hash) {
  /** The iteration count new hashes are made with (OWASP's figure for PBKDF2-HMAC-SHA256). */
  public static final int ITERATIONS = 210_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  public PasswordHash {
    if (iterations < 1) {
      throw new IllegalArgumentException("a password hash needs at least one iteration, got " + iterations);
    }
  }

  /** A new hash of {@code password} with a fresh salt. */
  public static PasswordHash of(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return new PasswordHash(Base64.getEncoder().encodeToString(salt), ITERATIONS,
        Base64.getEncoder().encodeToString(derive(password, salt, ITERATIONS)));
  }

  /** Whether {@code password} is the one hashed, in time independent of where they differ. */
  public boolean matches(char[] password) {
    byte[] expected = Base64.getDecoder().decode(hash);
    byte[] actual = derive(password, Base64.getDecoder().decode(salt), iterations);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** Never the hash or the salt: a log line or an exception message must not carry them. */
  @Override
  public String toString() {
    return "PasswordHash[PBKDF2, " + iterations + " iterations]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PasswordHash that && salt.equals(that.salt) && iterations == that.iterations
        && MessageDigest.isEqual(hash.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            that.hash.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {salt, iterations});
  }
}
