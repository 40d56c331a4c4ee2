package io.npsconnector.salesforce.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TokenSourceTest {
  private static final AccessToken TOKEN =
      new AccessToken("00Dxx!staticSecretToken", URI.create("https://example.my.salesforce.com"));

  @Test
  void fixedAlwaysGivesTheSameToken() {
    TokenSource source = TokenSource.fixed(TOKEN);

    assertThat(source.current()).isSameAs(TOKEN);
    assertThat(source.current()).isSameAs(TOKEN);
  }

  @Test
  void fixedRenewReturnsTheSameToken() {
    TokenSource source = TokenSource.fixed(TOKEN);
    AccessToken other = new AccessToken("somethingElse", URI.create("https://other.my.salesforce.com"));

    assertThat(source.renew(TOKEN)).isSameAs(TOKEN);
    assertThat(source.renew(other)).isSameAs(TOKEN);
    assertThat(source.renew(null)).isSameAs(TOKEN);
    assertThat(source.current()).isSameAs(TOKEN);
  }

  @Test
  void fixedToStringNamesTheInstanceButNotTheToken() {
    assertThat(TokenSource.fixed(TOKEN).toString())
        .contains("example.my.salesforce.com")
        .doesNotContain(TOKEN.value());
  }
}
