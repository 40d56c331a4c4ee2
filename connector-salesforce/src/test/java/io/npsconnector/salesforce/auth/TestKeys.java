package io.npsconnector.salesforce.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/** RSA and EC key pairs for the auth tests, with their PEM encodings (generated once per test run). */
final class TestKeys {
  static final KeyPair RSA = generate("RSA", 2048);
  static final KeyPair OTHER_RSA = generate("RSA", 2048);
  static final KeyPair EC = generate("EC", 256);

  private TestKeys() {
  }

  private static KeyPair generate(String algorithm, int size) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize(size);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code -----BEGIN PRIVATE KEY-----}, base64 in 64-character lines, as {@code openssl genpkey} writes it. */
  static String pkcs8Pem(KeyPair pair) {
    return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
  }

  /** {@code -----BEGIN RSA PRIVATE KEY-----}: the RSAPrivateKey inside the PKCS#8 PrivateKeyInfo. */
  static String pkcs1Pem(KeyPair pair) {
    return pem("RSA PRIVATE KEY", pkcs1Der(pair.getPrivate().getEncoded()));
  }

  static String pem(String label, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
  }

  /** The base64 text between the PEM markers, without line breaks. */
  static String base64Body(String pem) {
    return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
  }

  /**
   * PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm AlgorithmIdentifier, privateKey OCTET STRING, ... };
   * returns the contents of privateKey (for RSA, the PKCS#1 RSAPrivateKey).
   */
  static byte[] pkcs1Der(byte[] pkcs8) {
    Der outer = new Der(pkcs8, 0);
    assertThat(outer.tag).isEqualTo(0x30);
    Der version = new Der(pkcs8, outer.contentStart);
    assertThat(version.tag).isEqualTo(0x02);
    Der algorithm = new Der(pkcs8, version.end());
    assertThat(algorithm.tag).isEqualTo(0x30);
    Der octets = new Der(pkcs8, algorithm.end());
    assertThat(octets.tag).isEqualTo(0x04);
    byte[] inner = Arrays.copyOfRange(pkcs8, octets.contentStart, octets.end());
    assertThat(inner[0]).as("RSAPrivateKey is a SEQUENCE").isEqualTo((byte) 0x30);
    return inner;
  }

  /** One DER TLV header: tag, where the contents start, their length. */
  private static final class Der {
    final int tag;
    final int contentStart;
    final int length;

    Der(byte[] der, int at) {
      tag = der[at] & 0xff;
      int first = der[at + 1] & 0xff;
      if (first < 0x80) {
        length = first;
        contentStart = at + 2;
      } else {
        int count = first & 0x7f;
        int value = 0;
        for (int i = 0; i < count; i++) {
          value = (value << 8) | (der[at + 2 + i] & 0xff);
        }
        length = value;
        contentStart = at + 2 + count;
      }
    }

    int end() {
      return contentStart + length;
    }
  }

  /** Whether an RS256 JWT's signature verifies with the public key. */
  static boolean verifies(String jwt, PublicKey publicKey) {
    String[] parts = jwt.split("\\.", -1);
    assertThat(parts).hasSize(3);
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initVerify(publicKey);
      signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return signature.verify(Base64.getUrlDecoder().decode(parts[2]));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The decoded text of a JWT part (0 = header, 1 = claims). */
  static String part(String jwt, int index) {
    return new String(Base64.getUrlDecoder().decode(jwt.split("\\.", -1)[index]), StandardCharsets.UTF_8);
  }
}
