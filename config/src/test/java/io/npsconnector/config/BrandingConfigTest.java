package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code branding}: the logo and colour, and the problems an admin can write, at their lines. */
class BrandingConfigTest {
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse");
  private static final ConnectionTypes TYPES = ConnectionTypes.of(List.of(new ConnectionTypeTest.Ledger()));

  private static String yaml(String branding) {
    return """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: books
            type: ledger
            key: ${TOKEN_SECRET}
        branding:
        %s
        """.formatted(branding.stripTrailing());
  }

  private static NpsConfig parse(String branding) {
    return ConfigLoader.parse("test.yaml", yaml(branding), ENV, TYPES);
  }

  private static List<String> problems(String branding) {
    return catchThrowableOfType(ConfigurationException.class, () -> parse(branding)).problems().stream()
        .map(ConfigProblem::toString).toList();
  }

  @Test
  void readsTheLogoItsSizeAndTheColourSpeltEitherWay() {
    BrandingConfig branding = parse("""
          logo-url: https://cdn.example.com/acme/logo.png?v=3
          logo-width: 200
          logo-height: 40
          colour: "#0b5fff"
        """).branding();

    assertThat(branding.logoUrl()).contains(URI.create("https://cdn.example.com/acme/logo.png?v=3"));
    assertThat(branding.logoWidth()).isEqualTo(200);
    assertThat(branding.logoHeight()).isEqualTo(40);
    assertThat(branding.colour()).contains(new BrandColour(0x0B5FFF));
    assertThat(branding.logoOrigin()).contains("https://cdn.example.com");
    assertThat(parse("  color: \"#F00\"").branding().colour()).contains(new BrandColour(0xFF0000));
    assertThat(parse("  logo-url: http://127.0.0.1:8089/logo.svg").branding().logoOrigin())
        .contains("http://127.0.0.1:8089");
  }

  @Test
  void withoutBrandingNothingChanges() {
    NpsConfig config = ConfigLoader.parse("test.yaml", yaml("").replace("branding:\n", ""), ENV, TYPES);
    assertThat(config.branding()).isEqualTo(BrandingConfig.NONE);
  }

  @Test
  void namesEachProblemWithItsPathAndLine() {
    assertThat(problems("""
          logo-url: http://cdn.example.com/logo.png
          colour: blue
          colur: "#fff"
        """)).containsExactly(
        "test.yaml:10: branding.logo-url: must be https (mail clients and browsers block or flag plain http images; "
            + "http is allowed only on a loopback host for tests), got 'http://cdn.example.com/logo.png'",
        "test.yaml:11: branding.colour: must be a colour as #RGB or #RRGGBB, such as \"#0B5FFF\", got 'blue'",
        "test.yaml:12: branding.colur: unknown key 'colur' in branding — did you mean 'colour'?");
    assertThat(problems("  colour: #0B5FFF")).singleElement().asString()
        .contains("branding.colour: is empty: in YAML an unquoted # starts a comment");
    assertThat(problems("""
          colour: "#000"
          color: "#fff"
        """)).singleElement().asString().contains("branding.color: is the same setting as 'colour'");
    assertThat(problems("  logo-width: 100")).singleElement().asString()
        .contains("branding.logo-width: sizes the logo, but no logo-url is given");
    assertThat(problems("""
          logo-url: ftp://example.com/logo.png
          logo-height: 500
        """)).hasSize(2);
  }
}
