package io.npsconnector.salesforce.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class AccessTokenTest {
  private static final URI INSTANCE = URI.create("https://example.my.salesforce.com");
  private static final String VALUE = "00Dxx0000001gPL!AQ4AQFAKEsecretTokenValue";

  @Test
  void keepsValueAndInstance() {
    AccessToken token = new AccessToken(VALUE, INSTANCE);

    assertThat(token.value()).isEqualTo(VALUE);
    assertThat(token.instanceUrl()).isEqualTo(INSTANCE);
  }

  @Test
  void toStringNeverShowsTheValue() {
    AccessToken token = new AccessToken(VALUE, INSTANCE);

    assertThat(token.toString())
        .doesNotContain(VALUE)
        .doesNotContain("00Dxx")
        .doesNotContain("secretToken")
        .contains("example.my.salesforce.com")
        .contains(VALUE.length() + " characters")
        .contains("not shown");
  }

  @Test
  void blankValueIsRefused() {
    assertThatThrownBy(() -> new AccessToken("", INSTANCE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AccessToken("  \t\n", INSTANCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
  }

  @Test
  void nullsAreRefused() {
    assertThatThrownBy(() -> new AccessToken(null, INSTANCE)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new AccessToken(VALUE, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void equalityIsByValueAndInstance() {
    assertThat(new AccessToken(VALUE, INSTANCE)).isEqualTo(new AccessToken(VALUE, INSTANCE))
        .hasSameHashCodeAs(new AccessToken(VALUE, INSTANCE));
    assertThat(new AccessToken(VALUE, INSTANCE)).isNotEqualTo(new AccessToken(VALUE + "x", INSTANCE));
    assertThat(new AccessToken(VALUE, INSTANCE))
        .isNotEqualTo(new AccessToken(VALUE, URI.create("https://other.my.salesforce.com")));
  }
}
