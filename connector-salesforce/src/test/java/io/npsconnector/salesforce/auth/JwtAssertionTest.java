package io.npsconnector.salesforce.auth;

import static io.npsconnector.salesforce.auth.TestKeys.EC;
import static io.npsconnector.salesforce.auth.TestKeys.OTHER_RSA;
import static io.npsconnector.salesforce.auth.TestKeys.RSA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtAssertionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLIENT_ID = "3MVG9consumerKey.abc";
  private static final String USERNAME = "integration@example.com";
  private static final String AUDIENCE = "https://login.salesforce.com";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-04T05:06:07.890Z"), ZoneOffset.UTC);

  private static JwtAssertion assertion(String pem) {
    return new JwtAssertion(CLIENT_ID, USERNAME, AUDIENCE, pem);
  }

  @Test
  void signYieldsThreeBase64UrlPartsWithoutPadding() {
    String jwt = assertion(TestKeys.pkcs8Pem(RSA)).sign(CLOCK.instant());

    String[] parts = jwt.split("\\.", -1);
    assertThat(parts).hasSize(3);
    for (String part : parts) {
      assertThat(part).isNotEmpty().matches("[A-Za-z0-9_-]+");
    }
    assertThat(jwt).doesNotContain("=", "+", "/", "\n", " ");
    // 2048-bit RSA signature = 256 bytes
    assertThat(Base64.getUrlDecoder().decode(parts[2])).hasSize(256);
  }

  @Test
  void headerIsExactlyRs256() {
    String jwt = assertion(TestKeys.pkcs8Pem(RSA)).sign(CLOCK.instant());

    assertThat(TestKeys.part(jwt, 0)).isEqualTo("{\"alg\":\"RS256\"}");
  }

  @Test
  void claimsAreIssSubAudAndExpThreeMinutesAhead() throws Exception {
    String jwt = assertion(TestKeys.pkcs8Pem(RSA)).sign(CLOCK.instant());

    JsonNode claims = JSON.readTree(TestKeys.part(jwt, 1));
    List<String> names = new ArrayList<>();
    claims.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrder("iss", "sub", "aud", "exp");
    assertThat(claims.get("iss").asText()).isEqualTo(CLIENT_ID);
    assertThat(claims.get("sub").asText()).isEqualTo(USERNAME);
    assertThat(claims.get("aud").asText()).isEqualTo(AUDIENCE);
    assertThat(claims.get("exp").isIntegralNumber()).as("exp is a number of seconds").isTrue();
    // 2025-03-04T05:06:07Z + 180 s, in epoch seconds (the milliseconds are dropped)
    assertThat(claims.get("exp").asLong()).isEqualTo(1741064767L + 180);
    assertThat(claims.get("exp").asLong()).isEqualTo(CLOCK.instant().plusSeconds(180).getEpochSecond());
  }

  @Test
  void expFollowsTheGivenInstant() throws Exception {
    JwtAssertion assertion = assertion(TestKeys.pkcs8Pem(RSA));
    Instant later = CLOCK.instant().plusSeconds(3600);

    String first = assertion.sign(CLOCK.instant());
    String second = assertion.sign(later);

    assertThat(second).isNotEqualTo(first);
    assertThat(JSON.readTree(TestKeys.part(second, 1)).get("exp").asLong())
        .isEqualTo(later.getEpochSecond() + 180);
  }

  @Test
  void claimsWithQuotesAreEscaped() throws Exception {
    String jwt = new JwtAssertion("id\"with}quote", "user\\\"@x.com", AUDIENCE, TestKeys.pkcs8Pem(RSA))
        .sign(CLOCK.instant());

    JsonNode claims = JSON.readTree(TestKeys.part(jwt, 1));
    assertThat(claims.get("iss").asText()).isEqualTo("id\"with}quote");
    assertThat(claims.get("sub").asText()).isEqualTo("user\\\"@x.com");
  }

  @Test
  void pkcs8SignatureVerifiesWithThePublicKey() {
    String jwt = assertion(TestKeys.pkcs8Pem(RSA)).sign(CLOCK.instant());

    assertThat(TestKeys.verifies(jwt, RSA.getPublic())).isTrue();
    assertThat(TestKeys.verifies(jwt, OTHER_RSA.getPublic())).isFalse();
  }

  @Test
  void pkcs1SignatureVerifiesWithThePublicKey() {
    String pem = TestKeys.pkcs1Pem(RSA);
    assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----\n");

    String jwt = assertion(pem).sign(CLOCK.instant());

    assertThat(TestKeys.verifies(jwt, RSA.getPublic())).isTrue();
    assertThat(TestKeys.verifies(jwt, OTHER_RSA.getPublic())).isFalse();
  }

  @Test
  void pkcs1AndPkcs8FormsOfOneKeySignAlike() {
    // RSASSA-PKCS1-v1_5 is deterministic: the same key and input give the same signature
    assertThat(assertion(TestKeys.pkcs1Pem(RSA)).sign(CLOCK.instant()))
        .isEqualTo(assertion(TestKeys.pkcs8Pem(RSA)).sign(CLOCK.instant()));
  }

  @Test
  void tamperedClaimsDoNotVerify() {
    String jwt = assertion(TestKeys.pkcs8Pem(RSA)).sign(CLOCK.instant());
    String[] parts = jwt.split("\\.");
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
        TestKeys.part(jwt, 1).replace(USERNAME, "admin@example.com").getBytes(StandardCharsets.UTF_8));

    assertThat(TestKeys.verifies(parts[0] + "." + forged + "." + parts[2], RSA.getPublic())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void keyWithLiteralBackslashNFromAOneLineEnvironmentVariableWorks(boolean pkcs1) {
    String pem = pkcs1 ? TestKeys.pkcs1Pem(RSA) : TestKeys.pkcs8Pem(RSA);
    String oneLine = pem.strip().replace("\n", "\\n");
    assertThat(oneLine).doesNotContain("\n").contains("\\n");

    String jwt = assertion(oneLine).sign(CLOCK.instant());

    assertThat(TestKeys.verifies(jwt, RSA.getPublic())).isTrue();
  }

  @Test
  void keyWithCrLfLineEndsAndSurroundingBlanksWorks() {
    String pem = "\n  " + TestKeys.pkcs8Pem(RSA).replace("\n", "\r\n") + "\n\n";

    assertThat(TestKeys.verifies(assertion(pem).sign(CLOCK.instant()), RSA.getPublic())).isTrue();
  }

  @Test
  void garbageIsRefused() {
    String garbage = "this is not a key at all, just some secret-looking text";

    Throwable thrown = catchThrowable(() -> assertion(garbage));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEM private key");
    assertNoKeyMaterial(thrown, "secret-looking");
  }

  @Test
  void publicKeyPemIsRefused() {
    String pem = TestKeys.pem("PUBLIC KEY", RSA.getPublic().getEncoded());

    Throwable thrown = catchThrowable(() -> assertion(pem));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEM private key");
    assertNoKeyMaterial(thrown, TestKeys.base64Body(pem));
  }

  @Test
  void encryptedPkcs8KeyIsRefused() {
    byte[] random = new byte[1200];
    new SecureRandom().nextBytes(random);
    String pem = TestKeys.pem("ENCRYPTED PRIVATE KEY", random);

    Throwable thrown = catchThrowable(() -> assertion(pem));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encrypted")
        .hasMessageContaining("-nocrypt");
    assertNoKeyMaterial(thrown, TestKeys.base64Body(pem));
  }

  @Test
  void encryptedTraditionalRsaKeyIsRefused() {
    String body = TestKeys.base64Body(TestKeys.pkcs1Pem(RSA));
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF"
        + "0123456789ABCDEF\n\n" + body + "\n-----END RSA PRIVATE KEY-----\n";

    Throwable thrown = catchThrowable(() -> assertion(pem));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted");
    assertNoKeyMaterial(thrown, body);
  }

  @Test
  void badBase64IsRefused() {
    String material = "MIIEv@@@QIBADANBgkqhkiG9w0BAQ***EFAASCBKcwggSjAgEAAoIBAQ";
    String pem = "-----BEGIN PRIVATE KEY-----\n" + material + "\n-----END PRIVATE KEY-----\n";

    Throwable thrown = catchThrowable(() -> assertion(pem));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64");
    assertNoKeyMaterial(thrown, material);
  }

  @Test
  void randomBytesInsidePemMarkersAreRefused() {
    byte[] random = new byte[600];
    new SecureRandom().nextBytes(random);
    String pem = TestKeys.pem("PRIVATE KEY", random);

    Throwable thrown = catchThrowable(() -> assertion(pem));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an RSA private key");
    assertNoKeyMaterial(thrown, TestKeys.base64Body(pem));
  }

  @Test
  void ecPkcs8KeyIsRefused() {
    String pem = TestKeys.pkcs8Pem(EC);

    Throwable thrown = catchThrowable(() -> assertion(pem));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an RSA private key");
    assertNoKeyMaterial(thrown, TestKeys.base64Body(pem));
  }

  @Test
  void ecKeyLabelledAsRsaIsRefused() {
    String pem = TestKeys.pem("RSA PRIVATE KEY", EC.getPrivate().getEncoded());

    Throwable thrown = catchThrowable(() -> assertion(pem));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an RSA private key");
    assertNoKeyMaterial(thrown, TestKeys.base64Body(pem));
  }

  /** Neither the message nor any cause's message contains the key text or a 12-character piece of it. */
  private static void assertNoKeyMaterial(Throwable thrown, String material) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage()) + " " + t;
      assertThat(text).doesNotContain(material);
      for (int i = 0; i + 12 <= material.length(); i += 6) {
        assertThat(text).as("message of %s", t.getClass().getName()).doesNotContain(material.substring(i, i + 12));
      }
    }
  }
}
