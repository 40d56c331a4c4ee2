package io.npsconnector.salesforce.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The signed JWT of Salesforce's OAuth 2.0 JWT bearer flow: RS256 over {@code iss} (the connected app's
 * consumer key), {@code sub} (the integration user's username), {@code aud} (the login host) and a short
 * {@code exp}. The key is a PEM RSA private key, PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}), as {@code openssl} writes them.
 */
public final class JwtAssertion {
  /** Salesforce accepts assertions whose {@code exp} is at most a few minutes ahead. */
  static final Duration LIFETIME = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final String clientId;
  private final String username;
  private final String audience;
  private final PrivateKey key;

  /**
   * @param audience the login host the token is requested from, such as {@code https://login.salesforce.com}
   * @throws IllegalArgumentException when the key is not a PEM RSA private key (the message never shows it)
   */
  public JwtAssertion(String clientId, String username, String audience, String pemPrivateKey) {
    this.clientId = clientId;
    this.username = username;
    this.audience = audience;
    this.key = privateKey(pemPrivateKey);
  }

  /** A new assertion, valid from {@code now} for {@link #LIFETIME}. */
  public String sign(Instant now) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", clientId);
    claims.put("sub", username);
    claims.put("aud", audience);
    claims.put("exp", now.plus(LIFETIME).getEpochSecond());
    try {
      String signingInput = URL.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "RS256"))) + "."
          + URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException | JsonProcessingException e) {
      throw new IllegalStateException("signing the JWT bearer assertion failed: " + e.getClass().getSimpleName(), e);
    }
  }

  static PrivateKey privateKey(String pem) {
    String text = pem.replace("\\n", "\n").strip(); // keys passed through one-line environment variables
    boolean pkcs1 = text.contains("BEGIN RSA PRIVATE KEY");
    if (!text.contains("PRIVATE KEY-----")) {
      throw new IllegalArgumentException("private-key is not a PEM private key (expected a '-----BEGIN PRIVATE KEY-----'"
          + " or '-----BEGIN RSA PRIVATE KEY-----' block)");
    }
    if (text.contains("ENCRYPTED")) {
      throw new IllegalArgumentException("private-key is encrypted; give the key without a passphrase "
          + "(openssl pkcs8 -topk8 -nocrypt)");
    }
    String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("private-key is not valid base64 between its PEM markers");
    }
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? wrapPkcs1(der) : der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("private-key is not an RSA private key: " + e.getClass().getSimpleName());
    }
  }

  /** A PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
    byte[] body = concat(version, algorithm, octets);
    return concat(new byte[] {0x30}, length(body.length), body);
  }

  private static byte[] length(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    byte[] bytes = BigInteger.valueOf(length).toByteArray();
    int start = bytes[0] == 0 ? 1 : 0;
    byte[] encoded = new byte[bytes.length - start + 1];
    encoded[0] = (byte) (0x80 | (bytes.length - start));
    System.arraycopy(bytes, start, encoded, 1, bytes.length - start);
    return encoded;
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
